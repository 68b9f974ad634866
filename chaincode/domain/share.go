package domain

import (
	"encoding/hex"
	"slices"
	"time"
)

// Authorization lets a requester organisation use some fields of an owner
// organisation's dataset, for one purpose, on a legal basis or a citizen's
// consent, for a time and a number of uses.
type Authorization struct {
	ID            string      `json:"id"`
	Owner         string      `json:"owner"`     // MSP ID of the data owner
	Requester     string      `json:"requester"` // MSP ID allowed to access
	DatasetID     string      `json:"datasetId"`
	Fields        []string    `json:"fields"`
	Purpose       string      `json:"purpose"`                 // purpose code
	LegalBasis    string      `json:"legalBasis,omitempty"`    // a law or regulation reference
	ConsentDigest string      `json:"consentDigest,omitempty"` // SM3 of the consent record, hex
	Subjects      []string    `json:"subjects,omitempty"`      // pseudonyms the consent covers; empty: any
	ValidFrom     time.Time   `json:"validFrom"`
	ValidTo       time.Time   `json:"validTo"`
	MaxUses       int64       `json:"maxUses"` // 0: unlimited
	Uses          int64       `json:"uses"`
	GrantedBy     string      `json:"grantedBy"`
	Revocation    *Revocation `json:"revocation,omitempty"`
	Record
}

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
		return Errorf(CodeInvalidArgument, "%s must be an SM3 digest: 64 lower-case hex digits", what)
	}
	return nil
}

func checkFieldList(fields []string) error {
	if len(fields) == 0 || len(fields) > MaxFields {
		return Errorf(CodeInvalidArgument, "name 1 to %d fields", MaxFields)
	}
	for i, f := range fields {
		if err := checkFieldName(f); err != nil {
			return err
		}
		if slices.Contains(fields[:i], f) {
			return Errorf(CodeInvalidArgument, "field %s named twice", f)
		}
	}
	return nil
}

func checkSubjects(subjects []string) error {
	if len(subjects) > maxSubjects {
		return Errorf(CodeTooLarge, "at most %d subjects", maxSubjects)
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
func GrantAuthorization(s State, a Authorization) (*Authorization, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	b, err := requireRole(s, tx.caller, RoleDataOwner)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ what, v string }{{"authorization ID", a.ID}, {"dataset ID", a.DatasetID}, {"purpose", a.Purpose}} {
		if err := checkID(f.what, f.v); err != nil {
			return nil, err
		}
	}
	if !MemberOf(s.Channel(), a.Requester) {
		return nil, Errorf(CodeInvalidArgument, "requester %q is not a member of channel %s", a.Requester, s.Channel())
	}
	if a.Requester == tx.caller.MSPID {
		return nil, Errorf(CodeInvalidArgument, "an organisation needs no authorization for its own data")
	}
	if err := checkFieldList(a.Fields); err != nil {
		return nil, err
	}
	if err := grantable(s, tx.caller.MSPID, a.DatasetID, a.Fields); err != nil {
		return nil, err
	}
	if a.LegalBasis == "" && a.ConsentDigest == "" {
		return nil, Errorf(CodeInvalidArgument, "give a legal basis or a consent digest")
	}
	if a.LegalBasis != "" {
		if err := checkText("legal basis", a.LegalBasis, MaxNameLen); err != nil {
			return nil, err
		}
	}
	if a.ConsentDigest != "" {
		if err := checkDigest("consent digest", a.ConsentDigest); err != nil {
			return nil, err
		}
	} else if len(a.Subjects) > 0 {
		return nil, Errorf(CodeInvalidArgument, "subjects scope a consent; give its digest")
	}
	if err := checkSubjects(a.Subjects); err != nil {
		return nil, err
	}
	if err := checkWindow("authorization", a.ValidFrom, a.ValidTo); err != nil {
		return nil, err
	}
	if a.MaxUses < 0 || a.MaxUses > maxUses {
		return nil, Errorf(CodeInvalidArgument, "maximum uses must be 0 (unlimited) to %d", maxUses)
	}
	k, err := key(s, objAuthorization, a.ID)
	if err != nil {
		return nil, err
	}
	if err := mustBeNew(s, k, "authorization", a.ID); err != nil {
		return nil, err
	}
	a.Owner, a.Uses, a.GrantedBy, a.Revocation, a.Record = tx.caller.MSPID, 0, b.ClientID, nil, tx.record()
	if err := putJSON(s, k, &a); err != nil {
		return nil, err
	}
	if err := putIndex(s, a.ID, ixKey("auth-owner", a.Owner, a.ValidFrom, a.ID), ixKey("auth-requester", a.Requester, a.ValidFrom, a.ID)); err != nil {
		return nil, err
	}
	if err := s.RequireEndorsers(k, a.Owner); err != nil {
		return nil, Wrap(CodeInternal, err, "endorsement policy of authorization %s", a.ID)
	}
	return &a, emit(s, EventAuthorizationGranted, &a)
}

// RevokeAuthorization ends an authorization now; the owner's data-owner asks.
func RevokeAuthorization(s State, id, reason string) (*Authorization, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkText("reason", reason, MaxReasonLen); err != nil {
		return nil, err
	}
	a, err := load[Authorization](s, "authorization ID", "authorization", objAuthorization, id)
	if err != nil {
		return nil, err
	}
	if _, err := requireRole(s, tx.caller, RoleDataOwner); err != nil {
		return nil, err
	}
	if tx.caller.MSPID != a.Owner {
		return nil, Errorf(CodeForbidden, "only %s revokes its authorizations", a.Owner)
	}
	if a.Revocation != nil {
		return nil, Errorf(CodeInvalidTransition, "authorization %s is revoked already", id)
	}
	a.Revocation, a.Record = &Revocation{Reason: reason, EffectiveAt: tx.now, RecordedAt: tx.now}, tx.record()
	if err := putAuthorization(s, a); err != nil {
		return nil, err
	}
	return a, emit(s, EventAuthorizationRevoked, a)
}

func putAuthorization(s State, a *Authorization) error { return putAt(s, a, objAuthorization, a.ID) }

// GetAuthorization returns an authorization to its parties and auditors.
func GetAuthorization(s State, id string) (*Authorization, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	a, err := load[Authorization](s, "authorization ID", "authorization", objAuthorization, id)
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
		_, err := requireRole(s, tx.caller, Roles...)
		return err
	}
	if _, err := requireRole(s, tx.caller, RoleAuditor); err != nil {
		return Errorf(CodeForbidden, "only the parties and auditors see this")
	}
	return nil
}

// ListAuthorizations lists the authorizations an organisation owns
// (asOwner) or was granted, for the organisation itself or an auditor.
func ListAuthorizations(s State, msp string, asOwner bool, size int32, bookmark string) (Page[*Authorization], error) {
	tx, err := begin(s)
	if err != nil {
		return Page[*Authorization]{}, err
	}
	if err := checkID("MSP ID", msp); err != nil {
		return Page[*Authorization]{}, err
	}
	if err := requireParty(s, tx, msp); err != nil {
		return Page[*Authorization]{}, err
	}
	index := "auth-requester"
	if asOwner {
		index = "auth-owner"
	}
	ids, err := ixRange(s, index, msp, time.Time{}, time.Time{}, size, bookmark)
	if err != nil {
		return Page[*Authorization]{}, err
	}
	return loadPage(s, ids, func(id string) (*Authorization, error) {
		return load[Authorization](s, "authorization ID", "authorization", objAuthorization, id)
	})
}

func loadPage[T any](s State, ids Page[string], get func(string) (T, error)) (Page[T], error) {
	out := Page[T]{Items: make([]T, 0, len(ids.Items)), Bookmark: ids.Bookmark}
	for _, id := range ids.Items {
		v, err := get(id)
		if err != nil {
			return Page[T]{}, err
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

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
	Reason          string    `json:"reason,omitempty"` // denials: the refusal's code
	Detail          string    `json:"detail,omitempty"`
	RecordedBy      string    `json:"recordedBy"` // MSP ID of the submitter
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
	a, err := load[Authorization](s, "authorization ID", "authorization", objAuthorization, r.AuthorizationID)
	if err != nil {
		return nil, err
	}
	if tx.caller.MSPID != a.Requester {
		return nil, Errorf(CodeForbidden, "authorization %s was granted to %s", a.ID, a.Requester)
	}
	if _, err := requireRole(s, tx.caller, RoleRequester); err != nil {
		return nil, err
	}
	if err := a.allows(tx.now, r); err != nil {
		return nil, err
	}
	a.Uses++
	a.Record = tx.record()
	if err := putAuthorization(s, a); err != nil {
		return nil, err
	}
	rec := &AccessRecord{ID: tx.txID, Kind: KindAccess, AuthorizationID: a.ID, Owner: a.Owner, Requester: a.Requester,
		RequesterID: tx.caller.ID, DatasetID: r.DatasetID, Fields: r.Fields, Purpose: r.Purpose,
		RequestDigest: r.RequestDigest, ResponseDigest: r.ResponseDigest, Subjects: r.Subjects, RecordedBy: tx.caller.MSPID, At: tx.now}
	if err := putAccess(s, rec); err != nil {
		return nil, err
	}
	return rec, emit(s, EventAccessRecorded, rec)
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
	Detail          string   `json:"detail,omitempty"`
}

// RecordDenial records an attempt the provider refused. The provider's
// gateway submits it, as an identity with the data-owner role of the
// owning organisation (of the authorization named, if any).
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
	if err := checkID("dataset ID", d.DatasetID); err != nil {
		return nil, err
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
	if d.Detail != "" {
		if err := checkText("detail", d.Detail, MaxReasonLen); err != nil {
			return nil, err
		}
	}
	if d.RequesterID != "" {
		if err := checkText("requester ID", d.RequesterID, maxClientID); err != nil {
			return nil, err
		}
	}
	if d.AuthorizationID != "" {
		a, err := load[Authorization](s, "authorization ID", "authorization", objAuthorization, d.AuthorizationID)
		if err == nil && a.Owner != tx.caller.MSPID {
			return nil, Errorf(CodeForbidden, "authorization %s is %s's to enforce", a.ID, a.Owner)
		}
		if err != nil && CodeOf(err) != CodeNotFound {
			return nil, err
		}
	}
	rec := &AccessRecord{ID: tx.txID, Kind: KindDenial, AuthorizationID: d.AuthorizationID, Owner: tx.caller.MSPID,
		Requester: d.Requester, RequesterID: d.RequesterID, DatasetID: d.DatasetID, Fields: d.Fields, Purpose: d.Purpose,
		RequestDigest: d.RequestDigest, Reason: string(d.Reason), Detail: d.Detail, RecordedBy: tx.caller.MSPID, At: tx.now}
	if err := putAccess(s, rec); err != nil {
		return nil, err
	}
	return rec, emit(s, EventAccessDenied, rec)
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
