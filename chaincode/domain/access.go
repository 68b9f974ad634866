package domain

import (
	"slices"
	"time"
)

// AccessRequest is what a requester records when it accesses data.
type AccessRequest struct {
	AuthorizationID string   `json:"authorizationId"`
	DatasetID       string   `json:"datasetId"`
	Fields          []string `json:"fields"`
	Purpose         string   `json:"purpose"`
	RequestDigest   string   `json:"requestDigest"`  // SM3 of the request body, hex
	ResponseDigest  string   `json:"responseDigest"` // SM3 of the response body, hex
	Subjects        []string `json:"subjects,omitempty"`
}

// AccessRecord is one access, granted or denied, on the audit trail.
type AccessRecord struct {
	ID              string    `json:"id"` // the transaction ID
	Kind            string    `json:"kind"`
	AuthorizationID string    `json:"authorizationId,omitempty"`
	Owner           string    `json:"owner"`
	Requester       string    `json:"requester"`
	RequesterID     string    `json:"requesterId,omitempty"`
	DatasetID       string    `json:"datasetId"`
	Fields          []string  `json:"fields"`
	Purpose         string    `json:"purpose"`
	RequestDigest   string    `json:"requestDigest,omitempty"`
	ResponseDigest  string    `json:"responseDigest,omitempty"`
	Subjects        []string  `json:"subjects,omitempty"`
	Reason          string    `json:"reason,omitempty"`       // denials: the refusal's code
	DetailDigest    string    `json:"detailDigest,omitempty"` // denials: SM3 of the provider's text, kept off the ledger
	RecordedBy      string    `json:"recordedBy"`             // MSP ID of the submitter
	At              time.Time `json:"at"`
}

// Kinds of access record.
const (
	KindAccess = "access"
	KindDenial = "denial"
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
func RecordAccess(s State, r AccessRequest) (*AccessRecord, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkID("dataset ID", r.DatasetID); err != nil {
		return nil, err
	}
	if err := checkID("purpose", r.Purpose); err != nil {
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
		return nil, Errorf(CodeForbidden, "authorization %s was granted to %s", a.ID, a.Requester)
	}
	if _, err := requireRole(s, tx.caller, RoleRequester); err != nil {
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
			return nil, Errorf(CodeInvalidArgument, "dataset %s is %s's; authorization %s is %s's, for dataset %s", ds.ID, ds.Owner, a.ID, a.Owner, a.DatasetID)
		}
	}
	rec := &AccessRecord{ID: tx.txID, Kind: KindAccess, AuthorizationID: a.ID, Owner: a.Owner, Requester: a.Requester,
		RequesterID: tx.caller.ID, DatasetID: r.DatasetID, Fields: r.Fields, Purpose: r.Purpose,
		RequestDigest: r.RequestDigest, ResponseDigest: r.ResponseDigest, Subjects: r.Subjects, RecordedBy: tx.caller.MSPID, At: tx.now}
	if err := a.allows(tx.now, r); err != nil {
		rec.Kind, rec.Reason, rec.ResponseDigest = KindDenial, string(CodeOf(err)), ""
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
func writeAccess(s State, r *AccessRecord) error {
	if err := putAccess(s, r); err != nil {
		return err
	}
	if r.Kind == KindDenial {
		return emit(s, EventAccessDenied, r)
	}
	return emit(s, EventAccessRecorded, r)
}

// allows checks one access against the authorization at t.
func (a *Authorization) allows(t time.Time, r AccessRequest) error {
	switch {
	case a.Revocation != nil:
		return Errorf(CodeNotActive, "authorization %s was revoked", a.ID)
	case !within(t, a.ValidFrom, a.ValidTo):
		return Errorf(CodeNotActive, "authorization %s is valid %s to %s", a.ID, a.ValidFrom.Format(time.RFC3339), a.ValidTo.Format(time.RFC3339))
	case r.DatasetID != a.DatasetID:
		return Errorf(CodeFieldsNotGranted, "authorization %s covers dataset %s, not %s", a.ID, a.DatasetID, r.DatasetID)
	case r.Purpose != a.Purpose:
		return Errorf(CodePurposeMismatch, "authorization %s is for purpose %s, not %s", a.ID, a.Purpose, r.Purpose)
	case a.MaxUses > 0 && a.Uses >= a.MaxUses:
		return Errorf(CodeUsesExhausted, "authorization %s has used all %d uses", a.ID, a.MaxUses)
	}
	for _, f := range r.Fields {
		if !slices.Contains(a.Fields, f) {
			return Errorf(CodeFieldsNotGranted, "field %s is not granted by %s", f, a.ID)
		}
	}
	if len(a.Subjects) > 0 {
		if len(r.Subjects) == 0 {
			return Errorf(CodeSubjectNotCovered, "authorization %s covers named subjects only; name them", a.ID)
		}
		for _, p := range r.Subjects {
			if !slices.Contains(a.Subjects, p) {
				return Errorf(CodeSubjectNotCovered, "subject %s… is not covered by the consent", p[:8])
			}
		}
	}
	return nil
}

// Denial reasons a provider records.
var DenialReasons = []Code{CodeNotFound, CodeNotActive, CodePurposeMismatch, CodeFieldsNotGranted, CodeUsesExhausted,
	CodeSubjectNotCovered, CodeForbidden, CodeBadSignature, CodeInvalidArgument}

// DenialRequest describes a refused attempt.
type DenialRequest struct {
	AuthorizationID string   `json:"authorizationId,omitempty"`
	Requester       string   `json:"requester"`             // MSP ID that asked
	RequesterID     string   `json:"requesterId,omitempty"` // its client ID, if known
	DatasetID       string   `json:"datasetId"`
	Fields          []string `json:"fields"`
	Purpose         string   `json:"purpose"`
	RequestDigest   string   `json:"requestDigest,omitempty"`
	Reason          Code     `json:"reason"`
	DetailDigest    string   `json:"detailDigest,omitempty"` // SM3 of a text the provider keeps, hex
}

// RecordDenial records an attempt the provider refused. The provider's
// gateway submits it, as an identity with the data-owner role of the
// organisation that owns the dataset (registered, else NOT_FOUND) and the
// authorization named, if any (an unknown one is NOT_FOUND; one of another
// dataset is INVALID_ARGUMENT). RequesterID is the provider's word, kept
// as such: the record names who recorded it.
func RecordDenial(s State, d DenialRequest) (*AccessRecord, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if _, err := requireRole(s, tx.caller, RoleDataOwner); err != nil {
		return nil, err
	}
	if !MemberOf(s.Channel(), d.Requester) {
		return nil, Errorf(CodeInvalidArgument, "requester %q is not a member of channel %s", d.Requester, s.Channel())
	}
	ds, err := dataset(s, d.DatasetID)
	if err != nil {
		return nil, err
	}
	if ds.Owner != tx.caller.MSPID {
		return nil, Errorf(CodeForbidden, "dataset %s is %s's: only its owner records refusals of it", ds.ID, ds.Owner)
	}
	if err := checkID("purpose", d.Purpose); err != nil {
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
		return nil, Errorf(CodeInvalidArgument, "reason %q is not a denial reason", d.Reason)
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
	if d.AuthorizationID != "" {
		a, err := authorization(s, d.AuthorizationID)
		if err != nil {
			return nil, err // a denial never names an authorization that does not exist
		}
		if a.Owner != tx.caller.MSPID {
			return nil, Errorf(CodeForbidden, "authorization %s is %s's to enforce", a.ID, a.Owner)
		}
		if a.DatasetID != d.DatasetID {
			return nil, Errorf(CodeInvalidArgument, "authorization %s covers dataset %s, not %s", a.ID, a.DatasetID, d.DatasetID)
		}
	}
	rec := &AccessRecord{ID: tx.txID, Kind: KindDenial, AuthorizationID: d.AuthorizationID, Owner: tx.caller.MSPID,
		Requester: d.Requester, RequesterID: d.RequesterID, DatasetID: d.DatasetID, Fields: d.Fields, Purpose: d.Purpose,
		RequestDigest: d.RequestDigest, Reason: string(d.Reason), DetailDigest: d.DetailDigest, RecordedBy: tx.caller.MSPID, At: tx.now}
	return rec, writeAccess(s, rec)
}

// Trace dimensions: the indexes every access record is written under.
const (
	TraceByDataset       = "dataset"
	TraceByRequester     = "requester"
	TraceByOwner         = "owner"
	TraceBySubject       = "subject"
	TraceByAuthorization = "authorization"
	TraceByTime          = "time"
)

// allTime is the attribute of the time index, which has no other key.
const allTime = "all"

func putAccess(s State, r *AccessRecord) error {
	k, err := key(s, objAccess, r.ID)
	if err != nil {
		return err
	}
	if err := putJSON(s, k, r); err != nil {
		return err
	}
	keys := []string{
		ixKey(TraceByDataset, r.DatasetID, r.At, r.ID),
		ixKey(TraceByRequester, r.Requester, r.At, r.ID),
		ixKey(TraceByOwner, r.Owner, r.At, r.ID),
		ixKey(TraceByTime, allTime, r.At, r.ID),
	}
	if r.AuthorizationID != "" {
		keys = append(keys, ixKey(TraceByAuthorization, r.AuthorizationID, r.At, r.ID))
	}
	for _, p := range r.Subjects {
		keys = append(keys, ixKey(TraceBySubject, p, r.At, r.ID))
	}
	return putIndex(s, r.ID, keys...)
}
