package domain

import (
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// RecordAccess is the access itself: it checks the authorization, counts
// the use and writes the record, in one transaction. Concurrent accesses
// read and write the same use counter, so at most MaxUses of them commit.
//
// Malformed input, an unknown authorization and a caller who is not the
// requester's `requester` are errors, and write nothing. When the access
// itself fails the authorization's checks (inactive, purpose, dataset or
// fields, uses exhausted, subjects), the refusal is committed instead: the
// result is a record of kind "denial" with the check's code as its reason,
// and no use is counted.
func RecordAccess(s State, r record.AccessRequest) (*record.AccessRecord, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := record.CheckID("dataset ID", r.DatasetID); err != nil {
		return nil, err
	}
	if err := record.CheckID("purpose", r.Purpose); err != nil {
		return nil, err
	}
	if err := checkFieldList(r.Fields); err != nil {
		return nil, err
	}
	if err := checkDigest("request digest", r.RequestDigest); err != nil {
		return nil, err
	}
	if err := checkDigest("response digest", r.ResponseDigest); err != nil {
		return nil, err
	}
	if err := checkSubjects(r.Subjects); err != nil {
		return nil, err
	}
	a, err := authorization(s, r.AuthorizationID)
	if err != nil {
		return nil, err
	}
	if tx.caller.MSPID != a.Requester {
		return nil, record.Errorf(record.CodeForbidden, "authorization %s was granted to %s", a.ID, a.Requester)
	}
	if _, err := requireRole(s, tx.caller, record.RoleRequester); err != nil {
		return nil, err
	}
	if r.DatasetID != a.DatasetID {
		// Refused below as a denial under the authorization's owner: the
		// trail names only registered datasets, of that owner.
		ds, err := dataset(s, r.DatasetID)
		if err != nil {
			return nil, err
		}
		if ds.Owner != a.Owner {
			return nil, record.Errorf(record.CodeInvalidArgument, "dataset %s is %s's; authorization %s is %s's, for dataset %s", ds.ID, ds.Owner, a.ID, a.Owner, a.DatasetID)
		}
	}
	rec := &record.AccessRecord{ID: tx.txID, Kind: record.KindAccess, AuthorizationID: a.ID, Owner: a.Owner, Requester: a.Requester,
		RequesterID: tx.caller.ID, DatasetID: r.DatasetID, Fields: r.Fields, Purpose: r.Purpose,
		RequestDigest: r.RequestDigest, ResponseDigest: r.ResponseDigest, Subjects: r.Subjects, RecordedBy: tx.caller.MSPID, At: tx.now}
	if err := allows(a, tx.now, r); err != nil {
		rec.Kind, rec.Reason, rec.ResponseDigest = record.KindDenial, string(record.CodeOf(err)), ""
		return rec, writeAccess(s, rec)
	}
	a.Uses++
	a.Record = tx.record()
	if err := putAuthorization(s, a); err != nil {
		return nil, err
	}
	return rec, writeAccess(s, rec)
}

// writeAccess stores an access record or denial and emits its event.
func writeAccess(s State, r *record.AccessRecord) error {
	if err := putAccess(s, r); err != nil {
		return err
	}
	if r.Kind == record.KindDenial {
		return emit(s, EventAccessDenied, r)
	}
	return emit(s, EventAccessRecorded, r)
}

// allows checks one access against the authorization at t.
func allows(a *record.Authorization, t time.Time, r record.AccessRequest) error {
	switch {
	case a.Revocation != nil:
		return record.Errorf(record.CodeNotActive, "authorization %s was revoked", a.ID)
	case !record.Within(t, a.ValidFrom, a.ValidTo):
		return record.Errorf(record.CodeNotActive, "authorization %s is valid %s to %s", a.ID, a.ValidFrom.Format(time.RFC3339), a.ValidTo.Format(time.RFC3339))
	case r.DatasetID != a.DatasetID:
		return record.Errorf(record.CodeFieldsNotGranted, "authorization %s covers dataset %s, not %s", a.ID, a.DatasetID, r.DatasetID)
	case r.Purpose != a.Purpose:
		return record.Errorf(record.CodePurposeMismatch, "authorization %s is for purpose %s, not %s", a.ID, a.Purpose, r.Purpose)
	case a.MaxUses > 0 && a.Uses >= a.MaxUses:
		return record.Errorf(record.CodeUsesExhausted, "authorization %s has used all %d uses", a.ID, a.MaxUses)
	}
	for _, f := range r.Fields {
		if !slices.Contains(a.Fields, f) {
			return record.Errorf(record.CodeFieldsNotGranted, "field %s is not granted by %s", f, a.ID)
		}
	}
	if len(a.Subjects) > 0 {
		if len(r.Subjects) == 0 {
			return record.Errorf(record.CodeSubjectNotCovered, "authorization %s covers named subjects only; name them", a.ID)
		}
		for _, p := range r.Subjects {
			if !slices.Contains(a.Subjects, p) {
				return record.Errorf(record.CodeSubjectNotCovered, "subject %s… is not covered by the consent", p[:8])
			}
		}
	}
	return nil
}

// Denial reasons a provider records.
var DenialReasons = []record.Code{record.CodeNotFound, record.CodeNotActive, record.CodePurposeMismatch, record.CodeFieldsNotGranted, record.CodeUsesExhausted,
	record.CodeSubjectNotCovered, record.CodeForbidden, record.CodeBadSignature, record.CodeInvalidArgument}

// RecordDenial records an attempt the provider refused. The provider's
// gateway submits it, as an identity with the data-owner role of the
// organisation that owns the dataset (registered, else NOT_FOUND) and the
// authorization named, if any (an unknown one is NOT_FOUND; one of another
// dataset is INVALID_ARGUMENT). RequesterID is the provider's word, kept
// as such: the record names who recorded it.
func RecordDenial(s State, d record.DenialRequest) (*record.AccessRecord, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if _, err := requireRole(s, tx.caller, record.RoleDataOwner); err != nil {
		return nil, err
	}
	ds, err := dataset(s, d.DatasetID)
	if err != nil {
		return nil, err
	}
	if ds.Owner != tx.caller.MSPID {
		return nil, record.Errorf(record.CodeForbidden, "dataset %s is %s's: only its owner records refusals of it", ds.ID, ds.Owner)
	}
	if err := record.CheckID("purpose", d.Purpose); err != nil {
		return nil, err
	}
	if err := checkFieldList(d.Fields); err != nil {
		return nil, err
	}
	if d.RequestDigest != "" {
		if err := checkDigest("request digest", d.RequestDigest); err != nil {
			return nil, err
		}
	}
	if !slices.Contains(DenialReasons, d.Reason) {
		return nil, record.Errorf(record.CodeInvalidArgument, "reason %q is not a denial reason", d.Reason)
	}
	if d.DetailDigest != "" {
		if err := checkDigest("detail digest", d.DetailDigest); err != nil {
			return nil, err
		}
	}
	if d.RequesterID != "" {
		if err := checkText("requester ID", d.RequesterID, maxClientID); err != nil {
			return nil, err
		}
	}
	crossing := false // a requester of another channel, under an authorization that crosses to it
	if d.AuthorizationID != "" {
		a, err := authorization(s, d.AuthorizationID)
		if err != nil {
			return nil, err // a denial never names an authorization that does not exist
		}
		crossing = a.Crossing != nil && a.Requester == d.Requester
		if a.Owner != tx.caller.MSPID {
			return nil, record.Errorf(record.CodeForbidden, "authorization %s is %s's to enforce", a.ID, a.Owner)
		}
		if a.DatasetID != d.DatasetID {
			return nil, record.Errorf(record.CodeInvalidArgument, "authorization %s covers dataset %s, not %s", a.ID, a.DatasetID, d.DatasetID)
		}
	}
	if !MemberOf(s.Channel(), d.Requester) && !crossing {
		return nil, record.Errorf(record.CodeInvalidArgument, "requester %q is not a member of channel %s", d.Requester, s.Channel())
	}
	rec := &record.AccessRecord{ID: tx.txID, Kind: record.KindDenial, AuthorizationID: d.AuthorizationID, Owner: tx.caller.MSPID,
		Requester: d.Requester, RequesterID: d.RequesterID, DatasetID: d.DatasetID, Fields: d.Fields, Purpose: d.Purpose,
		RequestDigest: d.RequestDigest, Reason: string(d.Reason), DetailDigest: d.DetailDigest, RecordedBy: tx.caller.MSPID, At: tx.now}
	return rec, writeAccess(s, rec)
}

// allTime is the attribute of the time index, which has no other key.
const allTime = "all"

func putAccess(s State, r *record.AccessRecord) error {
	k, err := key(s, objAccess, r.ID)
	if err != nil {
		return err
	}
	if err := putJSON(s, k, r); err != nil {
		return err
	}
	keys := []string{
		ixKey(record.TraceByDataset, r.DatasetID, r.At, r.ID),
		ixKey(record.TraceByRequester, r.Requester, r.At, r.ID),
		ixKey(record.TraceByOwner, r.Owner, r.At, r.ID),
		ixKey(record.TraceByTime, allTime, r.At, r.ID),
	}
	if r.AuthorizationID != "" {
		keys = append(keys, ixKey(record.TraceByAuthorization, r.AuthorizationID, r.At, r.ID))
	}
	for _, p := range r.Subjects {
		keys = append(keys, ixKey(record.TraceBySubject, p, r.At, r.ID))
	}
	return putIndex(s, r.ID, keys...)
}
