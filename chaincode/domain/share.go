package domain

import (
	"encoding/hex"
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Events of data sharing.
const (
	EventAuthorizationGranted = "share.AuthorizationGranted"
	EventAuthorizationRevoked = "share.AuthorizationRevoked"
	EventAccessRecorded       = "share.AccessRecorded"
	EventAccessDenied         = "share.AccessDenied"
)

const (
	objAuthorization = "authorization"
	objAccess        = "access"
	maxSubjects      = 100
	maxUses          = 1_000_000_000
)

func checkDigest(what, d string) error {
	if b, err := hex.DecodeString(d); err != nil || len(b) != 32 || hex.EncodeToString(b) != d {
		return record.Errorf(record.CodeInvalidArgument, "%s must be an SM3 digest: 64 lower-case hex digits", what)
	}
	return nil
}

func checkFieldList(fields []string) error {
	if len(fields) == 0 || len(fields) > MaxFields {
		return record.Errorf(record.CodeInvalidArgument, "name 1 to %d fields", MaxFields)
	}
	for i, f := range fields {
		if err := record.CheckFieldName(f); err != nil {
			return err
		}
		if slices.Contains(fields[:i], f) {
			return record.Errorf(record.CodeInvalidArgument, "field %s named twice", f)
		}
	}
	return nil
}

func checkSubjects(subjects []string) error {
	if len(subjects) > maxSubjects {
		return record.Errorf(record.CodeTooLarge, "at most %d subjects", maxSubjects)
	}
	for _, p := range subjects {
		if err := checkDigest("subject pseudonym", p); err != nil {
			return err
		}
	}
	return nil
}

// GrantAuthorization records an authorization from the caller's
// organisation, whose data-owner the caller must be, on a dataset the
// organisation registered, for fields of its schema. Every later change
// to it, each use included, needs the owner organisation's endorsement.
func GrantAuthorization(s State, a record.Authorization) (*record.Authorization, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	b, err := requireRole(s, tx.caller, record.RoleDataOwner)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ what, v string }{{"authorization ID", a.ID}, {"dataset ID", a.DatasetID}, {"purpose", a.Purpose}} {
		if err := record.CheckID(f.what, f.v); err != nil {
			return nil, err
		}
	}
	if a.Requester == tx.caller.MSPID {
		return nil, record.Errorf(record.CodeInvalidArgument, "an organisation needs no authorization for its own data")
	}
	requesterIsMember, err := isMember(s, a.Requester)
	if err != nil {
		return nil, err
	}
	if requesterIsMember {
		if a.Crossing != nil {
			return nil, record.Errorf(record.CodeInvalidArgument, "an authorization of %s, a member of channel %s, crosses no channel", a.Requester, s.Channel())
		}
	} else if record.CheckID("requester", a.Requester) != nil {
		return nil, record.Errorf(record.CodeInvalidArgument, "requester %q is not an MSP ID", a.Requester)
	} else if a.Crossing, err = crossingTo(s, tx.caller.MSPID, a.Requester, a.Crossing); err != nil {
		return nil, err
	}
	if err := checkFieldList(a.Fields); err != nil {
		return nil, err
	}
	if err := grantable(s, tx.caller.MSPID, a.DatasetID, a.Fields); err != nil {
		return nil, err
	}
	if a.LegalBasis == "" && a.ConsentDigest == "" {
		return nil, record.Errorf(record.CodeInvalidArgument, "give a legal basis or a consent digest")
	}
	if a.LegalBasis != "" {
		if err := checkReason(record.ReasonLegalBasis, a.LegalBasis); err != nil {
			return nil, err
		}
	}
	if a.ConsentDigest != "" {
		if err := checkDigest("consent digest", a.ConsentDigest); err != nil {
			return nil, err
		}
	} else if len(a.Subjects) > 0 {
		return nil, record.Errorf(record.CodeInvalidArgument, "subjects scope a consent; give its digest")
	}
	if err := checkSubjects(a.Subjects); err != nil {
		return nil, err
	}
	if err := checkWindow("authorization", a.ValidFrom, a.ValidTo); err != nil {
		return nil, err
	}
	if a.MaxUses < 0 || a.MaxUses > maxUses {
		return nil, record.Errorf(record.CodeInvalidArgument, "maximum uses must be 0 (unlimited) to %d", maxUses)
	}
	k, err := key(s, objAuthorization, a.ID)
	if err != nil {
		return nil, err
	}
	if err := mustBeNew(s, k, "authorization", a.ID); err != nil {
		return nil, err
	}
	a.Owner, a.Uses, a.GrantedBy, a.Revocation, a.Record = tx.caller.MSPID, 0, b.ClientID, nil, tx.record()
	if err := putNewAuthorization(s, &a); err != nil {
		return nil, err
	}
	return &a, emit(s, EventAuthorizationGranted, &a)
}

// putNewAuthorization writes an authorization, its index entries and its
// key-level policy: the owner (on a channel where it is not a member, its
// carrier) and a majority of the channel endorse every later change, each
// use included.
func putNewAuthorization(s State, a *record.Authorization) error {
	k, err := key(s, objAuthorization, a.ID)
	if err != nil {
		return err
	}
	if err := putJSON(s, k, a); err != nil {
		return err
	}
	if err := putIndex(s, a.ID, ixKey("auth-owner", a.Owner, a.ValidFrom, a.ID), ixKey("auth-requester", a.Requester, a.ValidFrom, a.ID)); err != nil {
		return err
	}
	owners, err := standIns(s, a.Crossing, a.Owner)
	if err != nil {
		return err
	}
	return requireEndorsers(s, k, "authorization "+a.ID, owners...)
}

// RevokeAuthorization ends an authorization now, for a reason code (see
// ParseReason); the owner's data-owner asks.
func RevokeAuthorization(s State, id, reason string) (*record.Authorization, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkReason(record.ReasonAuthorizationRevocation, reason); err != nil {
		return nil, err
	}
	a, err := authorization(s, id)
	if err != nil {
		return nil, err
	}
	if _, err := requireRole(s, tx.caller, record.RoleDataOwner); err != nil {
		return nil, err
	}
	if tx.caller.MSPID != a.Owner {
		return nil, record.Errorf(record.CodeForbidden, "only %s revokes its authorizations", a.Owner)
	}
	if a.Revocation != nil {
		return nil, record.Errorf(record.CodeInvalidTransition, "authorization %s is revoked already", id)
	}
	a.Revocation, a.Record = &record.Revocation{Reason: reason, EffectiveAt: tx.now, RecordedAt: tx.now}, tx.record()
	if err := putAuthorization(s, a); err != nil {
		return nil, err
	}
	return a, emit(s, EventAuthorizationRevoked, a)
}

func putAuthorization(s State, a *record.Authorization) error {
	return putAt(s, a, objAuthorization, a.ID)
}

func authorization(s State, id string) (*record.Authorization, error) {
	return load[record.Authorization](s, "authorization ID", "authorization", objAuthorization, id)
}

// GetAuthorization returns an authorization to its parties and auditors.
func GetAuthorization(s State, id string) (*record.Authorization, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	a, err := authorization(s, id)
	if err != nil {
		return nil, err
	}
	if err := requireParty(s, tx, a.Owner, a.Requester); err != nil {
		return nil, err
	}
	return a, nil
}

// requireParty lets a caller of one of the parties' organisations with any
// role, or an auditor, read.
func requireParty(s State, tx txContext, parties ...string) error {
	if slices.Contains(parties, tx.caller.MSPID) {
		if tx.caller.Admin {
			return nil
		}
		_, err := requireRole(s, tx.caller, record.Roles...)
		return err
	}
	if _, err := requireRole(s, tx.caller, record.RoleAuditor); err != nil {
		return record.Errorf(record.CodeForbidden, "only the parties and auditors see this")
	}
	return nil
}

// ListAuthorizations lists the authorizations an organisation owns
// (asOwner) or was granted, for the organisation itself or an auditor.
func ListAuthorizations(s State, msp string, asOwner bool, size int32, bookmark string) (record.Page[*record.Authorization], error) {
	tx, err := begin(s)
	if err != nil {
		return record.Page[*record.Authorization]{}, err
	}
	if err := record.CheckID("MSP ID", msp); err != nil {
		return record.Page[*record.Authorization]{}, err
	}
	if err := requireParty(s, tx, msp); err != nil {
		return record.Page[*record.Authorization]{}, err
	}
	index := "auth-requester"
	if asOwner {
		index = "auth-owner"
	}
	ids, err := ixRange(s, index, msp, time.Time{}, time.Time{}, size, bookmark)
	if err != nil {
		return record.Page[*record.Authorization]{}, err
	}
	return loadPage(s, ids, func(id string) (*record.Authorization, error) { return authorization(s, id) })
}

func loadPage[T any](s State, ids record.Page[string], get func(string) (T, error)) (record.Page[T], error) {
	out := record.Page[T]{Items: make([]T, 0, len(ids.Items)), Bookmark: ids.Bookmark}
	for _, id := range ids.Items {
		v, err := get(id)
		if err != nil {
			return record.Page[T]{}, err
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}
