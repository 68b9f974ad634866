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
