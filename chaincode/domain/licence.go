package domain

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// Events of licences.
const (
	EventLicenceIssued        = "licence.Issued"
	EventLicenceBatchIssued   = "licence.BatchIssued"
	EventLicenceStatusChanged = "licence.StatusChanged"
	EventLicenceRenewed       = "licence.Renewed"
)

const (
	objLicence       = "licence"
	objByHolder      = "licence~holder"
	objByAgency      = "licence~agency"
	maxSignatureSize = 80 // DER of two 256-bit integers
)

// Issue verifies and records a licence. The caller must be an issuer of
// the licence's agency.
func Issue(s State, req record.IssueRequest) (*record.Licence, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	l, err := issue(s, tx, req)
	if err != nil {
		return nil, err
	}
	return l, emit(s, EventLicenceIssued, l)
}

// IssueBatch issues up to MaxBatch licences in one transaction: all of them
// or, if any is refused, none.
func IssueBatch(s State, reqs []record.IssueRequest) (*record.BatchResult, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if len(reqs) == 0 || len(reqs) > MaxBatch {
		return nil, record.Errorf(record.CodeTooLarge, "a batch holds 1 to %d licences", MaxBatch)
	}
	res := &record.BatchResult{Count: len(reqs)}
	for i, r := range reqs {
		// A transaction does not read its own writes: catch repeats here.
		if slices.ContainsFunc(reqs[:i], func(o record.IssueRequest) bool { return o.Content.ID == r.Content.ID }) {
			return nil, record.Errorf(record.CodeAlreadyExists, "licence %s appears twice in the batch", r.Content.ID)
		}
		l, err := issue(s, tx, r)
		if err != nil {
			return nil, prefixed(err, "licence %d (%s)", i, r.Content.ID)
		}
		res.Licences = append(res.Licences, l)
	}
	return res, emit(s, EventLicenceBatchIssued, res)
}

// prefixed keeps err's code and says which item it concerns.
func prefixed(err error, format string, args ...any) error {
	var e *record.Error
	if errors.As(err, &e) {
		return record.Wrap(e.Code, err, format, args...)
	}
	return err
}

func issue(s State, tx txContext, req record.IssueRequest) (*record.Licence, error) {
	c := req.Content
	for _, f := range []struct{ what, v string }{{"licence ID", c.ID}, {"type code", c.Type}, {"agency ID", c.AgencyID}, {"seal key ID", c.SealKeyID}} {
		if err := record.CheckID(f.what, f.v); err != nil {
			return nil, err
		}
	}
	b, err := requireRole(s, tx.caller, record.RoleIssuer)
	if err != nil {
		return nil, err
	}
	if b.AgencyID != c.AgencyID {
		return nil, record.Errorf(record.CodeForbidden, "%s issues for agency %s, not %s", shortID(tx.caller.ID), b.AgencyID, c.AgencyID)
	}
	t, err := licenceType(s, c.Type)
	if err != nil {
		return nil, err
	}
	_, held, err := agencyGrants(s, c.AgencyID)
	if err != nil {
		return nil, err
	}
	a, err := inForce(held, c.AgencyID, tx.now, c.Type, c.Region)
	if err != nil {
		return nil, err
	}
	if a.MSPID != tx.caller.MSPID {
		return nil, record.Errorf(record.CodeForbidden, "agency %s belongs to %s", c.AgencyID, a.MSPID)
	}
	if err := requireMember(s, tx.caller.MSPID, "seals licences"); err != nil {
		return nil, err
	}
	if err := checkSchema(t, c.Fields); err != nil {
		return nil, err
	}
	if err := checkValidity(t, c.ValidFrom, c.ValidTo, c.ValidFrom); err != nil {
		return nil, err
	}
	// The ledger vouches for the licence from its valid-from on: the agency
	// must have held a grant for its type and region then, so an issuer
	// cannot date a licence to before it was accredited.
	if _, err := inForce(held, c.AgencyID, c.ValidFrom, c.Type, c.Region); err != nil {
		return nil, prefixed(err, "licence %s valid from %s", c.ID, c.ValidFrom.Format(time.RFC3339))
	}
	if err := checkSeal(s, tx.now, c, req.Signature); err != nil {
		return nil, err
	}
	if _, err := gm.ParsePublicKeyHex(c.HolderPublicKey); err != nil {
		return nil, record.Wrap(record.CodeInvalidArgument, err, "holder public key")
	}
	k, err := key(s, objLicence, c.ID)
	if err != nil {
		return nil, err
	}
	if err := mustBeNew(s, k, "licence", c.ID); err != nil {
		return nil, err
	}
	rk, err := key(s, objRelayed, c.ID)
	if err != nil {
		return nil, err
	}
	if err := mustBeNew(s, rk, "licence relayed from another channel", c.ID); err != nil {
		return nil, err
	}
	l := &record.Licence{
		Content: c, Signature: req.Signature, IssuerMSP: tx.caller.MSPID,
		IssuedAt: tx.now, SealedAt: tx.now, GrantID: a.GrantID, IssueTxID: tx.txID, Status: record.StatusActive,
		StatusHistory: []record.StatusChange{{Status: record.StatusActive, EffectiveAt: c.ValidFrom, RecordedAt: tx.now, TxID: tx.txID, By: tx.caller.MSPID}},
		Revision:      1, Record: tx.record(),
	}
	if err := putJSON(s, k, l); err != nil {
		return nil, err
	}
	for _, idx := range []struct{ obj, attr string }{{objByHolder, c.HolderPseudonym}, {objByAgency, c.AgencyID}} {
		ik, err := key(s, idx.obj, idx.attr, c.ID)
		if err != nil {
			return nil, err
		}
		if err := s.Put(ik, []byte(c.ID)); err != nil {
			return nil, record.Wrap(record.CodeInternal, err, "write index")
		}
	}
	if err := requireEndorsers(s, k, "licence "+c.ID, tx.caller.MSPID); err != nil {
		return nil, err
	}
	return l, nil
}

// checkSchema matches the digested fields against the type's schema: every
// required field present, none unknown.
func checkSchema(t *record.LicenceType, fields []credential.FieldDigest) error {
	if len(fields) > MaxFields {
		return record.Errorf(record.CodeTooLarge, "more than %d fields", MaxFields)
	}
	for _, f := range fields {
		if !slices.ContainsFunc(t.Fields, func(s record.FieldSpec) bool { return s.Name == f.Name }) {
			return record.Errorf(record.CodeSchemaMismatch, "type %s has no field %q", t.Code, f.Name)
		}
	}
	for _, spec := range t.Fields {
		if spec.Required && !slices.ContainsFunc(fields, func(f credential.FieldDigest) bool { return f.Name == spec.Name }) {
			return record.Errorf(record.CodeSchemaMismatch, "type %s requires field %q", t.Code, spec.Name)
		}
	}
	return nil
}

// checkValidity checks a window against the type's maximum, counted from start.
func checkValidity(t *record.LicenceType, from, to, start time.Time) error {
	if err := checkWindow("licence", from, to); err != nil {
		return err
	}
	if to.Sub(start) > time.Duration(t.MaxValidityDays)*24*time.Hour {
		return record.Errorf(record.CodeValidityTooLong, "type %s is valid for at most %d days", t.Code, t.MaxValidityDays)
	}
	return nil
}

// checkSeal verifies the seal signature with a key of the agency valid now.
func checkSeal(s State, now time.Time, c credential.Content, sigHex string) error {
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) == 0 || len(sig) > maxSignatureSize {
		return record.Errorf(record.CodeInvalidArgument, "signature must be a hex DER SM2 signature")
	}
	k, err := sealKey(s, c.SealKeyID)
	if err != nil {
		if record.CodeOf(err) == record.CodeNotFound {
			return record.Errorf(record.CodeSealInvalid, "no seal key %s", c.SealKeyID)
		}
		return err
	}
	if k.AgencyID != c.AgencyID {
		return record.Errorf(record.CodeSealInvalid, "seal key %s belongs to agency %s", k.KeyID, k.AgencyID)
	}
	if err := k.ValidAt(now); err != nil {
		return err
	}
	pub, err := gm.ParsePublicKeyHex(k.PublicKey)
	if err != nil {
		return record.Wrap(record.CodeInternal, err, "stored seal key %s", k.KeyID)
	}
	switch err := credential.Verify(pub, c, sig); {
	case errors.Is(err, credential.ErrBadSignature):
		return record.Errorf(record.CodeBadSignature, "the seal signature of %s does not verify with key %s", c.ID, k.KeyID)
	case err != nil:
		return record.Wrap(record.CodeInvalidArgument, err, "licence content")
	}
	return nil
}

// Suspend suspends an active licence from now.
func Suspend(s State, id, reason string) (*record.Licence, error) {
	return changeStatus(s, id, record.StatusSuspended, record.ReasonLicenceSuspension, reason, time.Time{}, record.StatusActive)
}

// Reinstate lifts a suspension from now.
func Reinstate(s State, id, reason string) (*record.Licence, error) {
	return changeStatus(s, id, record.StatusActive, record.ReasonLicenceReinstatement, reason, time.Time{}, record.StatusSuspended)
}

// Revoke revokes a licence for good, effective at effectiveAt ("invalid
// since"), which may lie in the past but not in the future; zero means now.
// So the stored status is always the status now, as StatusAt answers it.
func Revoke(s State, id, reason string, effectiveAt time.Time) (*record.Licence, error) {
	return changeStatus(s, id, record.StatusRevoked, record.ReasonLicenceRevocation, reason, effectiveAt, record.StatusActive, record.StatusSuspended)
}

// changeStatus moves a licence from one of from to to, for a reason of
// kind ("CODE" or "CODE:SM3 digest", see ParseReason).
func changeStatus(s State, id string, to record.Status, kind record.ReasonKind, reason string, effectiveAt time.Time, from ...record.Status) (*record.Licence, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkReason(kind, reason); err != nil {
		return nil, err
	}
	l, err := licenceForIssuer(s, tx, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(from, l.Status) {
		return nil, record.Errorf(record.CodeInvalidTransition, "licence %s is %s; it cannot become %s", id, l.Status, to)
	}
	if effectiveAt, err = tx.effective(effectiveAt); err != nil {
		return nil, err
	}
	if effectiveAt.Before(l.ValidFrom) {
		return nil, record.Errorf(record.CodeInvalidArgument, "effective time %s is before the licence was valid", effectiveAt.Format(time.RFC3339))
	}
	l.Status = to
	l.StatusHistory = append(l.StatusHistory, record.StatusChange{Status: to, Reason: reason, EffectiveAt: effectiveAt, RecordedAt: tx.now, TxID: tx.txID, By: tx.caller.MSPID})
	l.Revision, l.Record = l.Revision+1, tx.record()
	if err := putLicence(s, l); err != nil {
		return nil, err
	}
	return l, emit(s, EventLicenceStatusChanged, l)
}

// Renew extends a licence that is not revoked. The agency must hold a grant
// in force now, which the licence then names, and the window from now must
// fit the type's maximum.
func Renew(s State, r record.RenewRequest) (*record.Licence, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	l, err := licenceForIssuer(s, tx, r.ID)
	if err != nil {
		return nil, err
	}
	if l.Status == record.StatusRevoked {
		return nil, record.Errorf(record.CodeInvalidTransition, "licence %s is revoked", r.ID)
	}
	if !r.ValidTo.After(l.ValidTo) {
		return nil, record.Errorf(record.CodeInvalidArgument, "a renewal must extend valid-to beyond %s", l.ValidTo.Format(time.RFC3339))
	}
	t, err := licenceType(s, l.Type)
	if err != nil {
		return nil, err
	}
	a, err := grantInForce(s, l.AgencyID, tx.now, l.Type, l.Region)
	if err != nil {
		return nil, err
	}
	if err := requireMember(s, tx.caller.MSPID, "seals licences"); err != nil {
		return nil, err
	}
	if err := checkValidity(t, l.ValidFrom, r.ValidTo, tx.now); err != nil {
		return nil, err
	}
	c := l.Content
	c.ValidTo, c.SealKeyID = r.ValidTo.UTC(), r.SealKeyID
	if err := record.CheckID("seal key ID", c.SealKeyID); err != nil {
		return nil, err
	}
	if err := checkSeal(s, tx.now, c, r.Signature); err != nil {
		return nil, err
	}
	l.Content, l.Signature, l.SealedAt, l.GrantID, l.Revision, l.Record = c, r.Signature, tx.now, a.GrantID, l.Revision+1, tx.record()
	if err := putLicence(s, l); err != nil {
		return nil, err
	}
	return l, emit(s, EventLicenceRenewed, l)
}

// licenceForIssuer loads a licence that the caller, an issuer of its
// agency in its organisation, may change. A licence relayed from another
// channel changes only there, by its issuer (FORBIDDEN here).
func licenceForIssuer(s State, tx txContext, id string) (*record.Licence, error) {
	l, err := licence(s, id)
	if record.CodeOf(err) == record.CodeNotFound {
		if r, rerr := load[record.RelayedLicence](s, "licence ID", "relayed licence", objRelayed, id); rerr == nil {
			return nil, record.Errorf(record.CodeForbidden, "licence %s was relayed from channel %s: only %s changes it, on %s",
				id, r.Source.Channel, r.Licence.IssuerMSP, r.Source.Channel)
		}
	}
	if err != nil {
		return nil, err
	}
	b, err := requireRole(s, tx.caller, record.RoleIssuer)
	if err != nil {
		return nil, err
	}
	if tx.caller.MSPID != l.IssuerMSP || b.AgencyID != l.AgencyID {
		return nil, record.Errorf(record.CodeForbidden, "only issuers of agency %s in %s change licence %s", l.AgencyID, l.IssuerMSP, id)
	}
	return l, nil
}

func putLicence(s State, l *record.Licence) error { return putAt(s, l, objLicence, l.ID) }

func licence(s State, id string) (*record.Licence, error) {
	return load[record.Licence](s, "licence ID", "licence", objLicence, id)
}

// GetLicence returns a licence.
func GetLicence(s State, id string) (*record.Licence, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	return licence(s, id)
}

// VerificationEvidence reads a licence, the grant it names and the seal key
// that sealed it, in one query and so at one height. A missing grant or
// seal key is left nil for the verifier to judge; a missing licence is
// NOT_FOUND.
func VerificationEvidence(s State, id string) (*record.Evidence, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	l, err := licence(s, id)
	if err != nil {
		return nil, err
	}
	return evidence(s, l)
}

// evidence is a licence with what it is judged by: the grant it names and
// the seal key that sealed it, each nil if the ledger has none.
func evidence(s State, l *record.Licence) (*record.Evidence, error) {
	ev := &record.Evidence{Licence: l}
	var err error
	if l.GrantID != "" {
		if ev.Grant, err = grant(s, l.GrantID); err != nil && record.CodeOf(err) != record.CodeNotFound {
			return nil, err
		}
	}
	if ev.SealKey, err = sealKey(s, l.SealKeyID); err != nil && record.CodeOf(err) != record.CodeNotFound {
		return nil, err
	}
	return ev, nil
}

// StatusAt answers what a licence's status was, is or will be at t.
func StatusAt(s State, id string, t time.Time) (*record.StatusAnswer, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	l, err := licence(s, id)
	if err != nil {
		return nil, err
	}
	return l.StatusAt(t), nil
}

// History lists every committed version of a licence, oldest first.
func History(s State, id string) ([]record.Version, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	if err := record.CheckID("licence ID", id); err != nil {
		return nil, err
	}
	k, err := key(s, objLicence, id)
	if err != nil {
		return nil, err
	}
	changes, err := s.History(k)
	if err != nil {
		return nil, record.Wrap(record.CodeInternal, err, "history of %s", id)
	}
	if len(changes) == 0 {
		return nil, record.Errorf(record.CodeNotFound, "no licence %q", id)
	}
	// Peers return the newest version first.
	out := make([]record.Version, 0, len(changes))
	for _, c := range slices.Backward(changes) {
		v := record.Version{TxID: c.TxID, Time: c.Time}
		if !c.Deleted {
			v.Licence = &record.Licence{}
			if err := json.Unmarshal(c.Value, v.Licence); err != nil {
				return nil, record.Wrap(record.CodeInternal, err, "decode a version of %s", id)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// ListByHolder lists the licences of a holder pseudonym.
func ListByHolder(s State, pseudonym string, size int32, bookmark string) (record.Page[*record.Licence], error) {
	if len(pseudonym) != 64 {
		return record.Page[*record.Licence]{}, record.Errorf(record.CodeInvalidArgument, "a holder pseudonym is 64 hex characters")
	}
	if _, err := hex.DecodeString(pseudonym); err != nil {
		return record.Page[*record.Licence]{}, record.Errorf(record.CodeInvalidArgument, "a holder pseudonym is 64 hex characters")
	}
	return listIndexed(s, objByHolder, pseudonym, size, bookmark)
}

// ListByIssuer lists the licences an agency issued.
func ListByIssuer(s State, agencyID string, size int32, bookmark string) (record.Page[*record.Licence], error) {
	if err := record.CheckID("agency ID", agencyID); err != nil {
		return record.Page[*record.Licence]{}, err
	}
	return listIndexed(s, objByAgency, agencyID, size, bookmark)
}

func listIndexed(s State, index, attr string, size int32, bookmark string) (record.Page[*record.Licence], error) {
	if _, err := requireReader(s); err != nil {
		return record.Page[*record.Licence]{}, err
	}
	ids, err := listPage(s, size, bookmark, func(b []byte) (string, error) { return string(b), nil }, index, attr)
	if err != nil {
		return record.Page[*record.Licence]{}, err
	}
	p := record.Page[*record.Licence]{Items: make([]*record.Licence, 0, len(ids.Items)), Bookmark: ids.Bookmark}
	for _, id := range ids.Items {
		l, err := licence(s, id)
		if err != nil {
			return record.Page[*record.Licence]{}, err
		}
		p.Items = append(p.Items, l)
	}
	return p, nil
}
