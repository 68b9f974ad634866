package domain

import (
	"encoding/hex"
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

const objNonce = "nonce"

// RecordAccess is the access itself, recorded by the provider before it
// sends any data: it checks the requester's signed request and the
// authorization, counts the use and writes the record, in one
// transaction. Concurrent accesses read and write the same use counter,
// so at most MaxUses of them commit.
//
// The caller is a data-owner of the authorization's owner (on the
// requester's channel of an authorization that crosses channels, where the
// owner is no member, the requester's own requester records it). The
// request must be well formed and signed (see record.SignedRequest.Verify)
// by a client of the authorization's requester organisation holding the
// requester role there, within record.MaxRequestAge of the transaction time, with
// a nonce not used before under the authorization (REPLAYED). These are
// errors and write nothing. When the access itself fails the
// authorization's checks (inactive, purpose, dataset or fields, uses
// exhausted, subjects), the refusal is committed instead: the result is a
// record of kind "denial" with the check's code as its reason, and no use
// is counted; the nonce is spent either way.
func RecordAccess(s State, r record.AccessRequest) (*record.AccessRecord, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	q := r.Signed.Request
	if _, err := r.Signed.Verify(); err != nil {
		return nil, err
	}
	if err := checkDigest("response digest", r.ResponseDigest); err != nil {
		return nil, err
	}
	if b, err := hex.DecodeString(r.SaltNonce); r.SaltNonce != "" && (err != nil || len(b) != 16 || hex.EncodeToString(b) != r.SaltNonce) {
		return nil, record.Errorf(record.CodeInvalidArgument, "the salt nonce is 16 bytes as 32 lower-case hex digits")
	}
	reqDigest, err := r.Signed.Digest()
	if err != nil {
		return nil, err
	}
	a, err := authorization(s, q.AuthorizationID)
	if err != nil {
		return nil, err
	}
	if err := requireRecorder(s, tx, a); err != nil {
		return nil, err
	}
	if q.Requester != a.Requester {
		return nil, record.Errorf(record.CodeForbidden, "authorization %s was granted to %s, not %s", a.ID, a.Requester, q.Requester)
	}
	if b, err := binding(s, Caller{MSPID: q.Requester, ID: q.RequesterID}, record.RoleRequester); err != nil || b == nil {
		return nil, record.Errorf(record.CodeForbidden, "the request's signer %s holds no requester role of %s", shortID(q.RequesterID), q.Requester)
	}
	if d := tx.now.Sub(q.At); d > record.MaxRequestAge || d < -record.MaxRequestAge {
		return nil, record.Errorf(record.CodeInvalidArgument, "the request was signed at %s, more than %s from the transaction's time", q.At.Format(time.RFC3339), record.MaxRequestAge)
	}
	if q.DatasetID != a.DatasetID {
		// Refused below as a denial under the authorization's owner: the
		// trail names only registered datasets, of that owner.
		ds, err := dataset(s, q.DatasetID)
		if err != nil {
			return nil, err
		}
		if ds.Owner != a.Owner {
			return nil, record.Errorf(record.CodeInvalidArgument, "dataset %s is %s's; authorization %s is %s's, for dataset %s", ds.ID, ds.Owner, a.ID, a.Owner, a.DatasetID)
		}
	}
	if err := spendNonce(s, tx, a.ID, q.Nonce); err != nil {
		return nil, err
	}
	signed := r.Signed
	rec := &record.AccessRecord{ID: tx.txID, Kind: record.KindAccess, AuthorizationID: a.ID, Owner: a.Owner, Requester: a.Requester,
		RequesterID: q.RequesterID, DatasetID: q.DatasetID, Fields: q.Fields, Purpose: q.Purpose, RequestDigest: reqDigest,
		ResponseDigest: r.ResponseDigest, SaltNonce: r.SaltNonce, Subjects: q.Subjects, RecordedBy: tx.caller.MSPID, At: tx.now, Signed: &signed}
	if err := a.Allows(tx.now, q); err != nil {
		rec.Kind, rec.Reason, rec.ResponseDigest, rec.SaltNonce = record.KindDenial, string(record.CodeOf(err)), "", ""
		return rec, writeAccess(s, rec)
	}
	a.Uses++
	a.Record = tx.record()
	if err := putAuthorization(s, a); err != nil {
		return nil, err
	}
	return rec, writeAccess(s, rec)
}

// requireRecorder lets record accesses under an authorization a
// data-owner of its owner, on a channel the owner is a member of; on the
// requester's channel of an authorization that crosses channels, the
// requester's requester (the relay carries the record to the owner's
// channel). Accesses under a crossing authorization are counted on the
// requester's channel only.
func requireRecorder(s State, tx txContext, a *record.Authorization) error {
	recorder, role := a.Owner, record.RoleDataOwner
	if a.Crossing != nil {
		if s.Channel() != a.Crossing.To {
			return record.Errorf(record.CodeForbidden, "accesses under authorization %s are recorded on channel %s", a.ID, a.Crossing.To)
		}
		ownerIsMember, err := isMember(s, a.Owner)
		if err != nil {
			return err
		}
		if !ownerIsMember {
			recorder, role = a.Requester, record.RoleRequester
		}
	}
	if tx.caller.MSPID != recorder {
		return record.Errorf(record.CodeForbidden, "accesses under authorization %s are recorded by %s", a.ID, recorder)
	}
	_, err := requireRole(s, tx.caller, role)
	return err
}

// spendNonce marks a request nonce used under an authorization, or
// refuses one used before.
func spendNonce(s State, tx txContext, authID, nonce string) error {
	k, err := key(s, objNonce, authID, nonce)
	if err != nil {
		return err
	}
	old, err := s.Get(k)
	if err != nil {
		return record.Wrap(record.CodeInternal, err, "read nonce")
	}
	if old != nil {
		return record.Errorf(record.CodeReplayed, "the request's nonce was used under authorization %s by transaction %s", authID, old)
	}
	if err := s.Put(k, []byte(tx.txID)); err != nil {
		return record.Wrap(record.CodeInternal, err, "write nonce")
	}
	return nil
}

// GetAccess returns an access record or denial to its parties and auditors.
func GetAccess(s State, id string) (*record.AccessRecord, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	r, err := accessRecord(s, id)
	if err != nil {
		return nil, err
	}
	if err := requireParty(s, tx, r.Owner, r.Requester); err != nil {
		return nil, err
	}
	return r, nil
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

// Denial reasons a provider records.
var DenialReasons = []record.Code{record.CodeNotFound, record.CodeNotActive, record.CodePurposeMismatch, record.CodeFieldsNotGranted, record.CodeUsesExhausted,
	record.CodeSubjectNotCovered, record.CodeForbidden, record.CodeBadSignature, record.CodeInvalidArgument, record.CodeReplayed}

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
	requesterIsMember, err := isMember(s, d.Requester)
	if err != nil {
		return nil, err
	}
	if !requesterIsMember && !crossing {
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
