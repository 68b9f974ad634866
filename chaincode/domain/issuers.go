package domain

import (
	"fmt"
	"slices"
	"time"
)

// Accreditation is one grant: it lets an agency issue some licence types in
// a region for a period. A grant is never overwritten: a later grant (a
// yearly renewal, a re-accreditation) is a new record with the next
// sequence number, and a withdrawal ends one grant and stays on it. The
// province grants it; from then on, changing it needs the endorsement of
// the province's peers and the channel's majority.
type Accreditation struct {
	GrantID   string    `json:"grantId,omitempty"` // "<agencyID>:<seq>", set by the ledger
	Seq       int       `json:"seq,omitempty"`     // 1 for the agency's first grant, set by the ledger
	AgencyID  string    `json:"agencyId"`
	MSPID     string    `json:"mspId"`    // the agency's organisation
	Province  string    `json:"province"` // the granting province
	Types     []string  `json:"types"`
	Region    string    `json:"region"`
	ValidFrom time.Time `json:"validFrom"`
	ValidTo   time.Time `json:"validTo"`
	Withdrawn *Withdraw `json:"withdrawn,omitempty"`
	Record
}

// Withdraw records when and why a grant ended early.
type Withdraw struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Agency is the owner of an agency ID, for good: the province that first
// accredited it and the organisation the agency belongs to. No other
// province or organisation may ever hold a grant for the ID.
type Agency struct {
	AgencyID string `json:"agencyId"`
	MSPID    string `json:"mspId"`
	Province string `json:"province"`
	LastSeq  int    `json:"lastSeq"` // the sequence number of the agency's latest grant
	Record
}

// Events of accreditations; both carry the grant.
const (
	EventAccreditationGranted   = "registry.AccreditationGranted"
	EventAccreditationWithdrawn = "registry.AccreditationWithdrawn"
)

// Object types: an agency under ("agency", agencyID), a grant under
// ("grant", agencyID, seq as six digits), so an agency's grants list in
// sequence order.
const (
	objAgency = "agency"
	objGrant  = "grant"
	// MaxGrants bounds an agency's grants, and so the reads that finding
	// the grant in force costs.
	MaxGrants = 200
)

// GrantAccreditation records a new grant for an agency of one of the
// province's organisations, for types the province owns, in one of its
// regions. The first grant makes the agency ID the province's and the
// organisation's for good. Grants of one agency may overlap (a renewal
// granted before the current grant ends, or grants of other types).
func GrantAccreditation(s State, a Accreditation) (*Accreditation, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkGrant(s, tx, &a); err != nil {
		return nil, err
	}
	ag, err := agencyRecord(s, a.AgencyID)
	switch {
	case CodeOf(err) == CodeNotAccredited:
		ag = &Agency{AgencyID: a.AgencyID, MSPID: a.MSPID, Province: tx.caller.MSPID}
	case err != nil:
		return nil, err
	case ag.Province != tx.caller.MSPID || ag.MSPID != a.MSPID:
		return nil, Errorf(CodeAgencyTaken, "agency ID %s belongs to %s of %s", a.AgencyID, ag.MSPID, ag.Province)
	case ag.LastSeq >= MaxGrants:
		return nil, Errorf(CodeTooLarge, "agency %s has %d grants, the most it may have", a.AgencyID, MaxGrants)
	}
	ag.LastSeq++
	ag.Record = tx.record()
	a.Seq, a.GrantID = ag.LastSeq, grantID(a.AgencyID, ag.LastSeq)
	a.Province, a.Withdrawn, a.Record = tx.caller.MSPID, nil, tx.record()
	if err := putOwned(s, ag, a.Province, objAgency, a.AgencyID); err != nil {
		return nil, err
	}
	if err := putOwned(s, &a, a.Province, objGrant, a.AgencyID, seqAttr(a.Seq)); err != nil {
		return nil, err
	}
	return &a, emit(s, EventAccreditationGranted, &a)
}

// checkGrant checks a grant request of the caller.
func checkGrant(s State, tx txContext, a *Accreditation) error {
	if !tx.caller.Admin || !IsProvince(tx.caller.MSPID) {
		return Errorf(CodeForbidden, "only a province's admin grants accreditations")
	}
	if err := checkID("agency ID", a.AgencyID); err != nil {
		return err
	}
	if p, ok := ProvinceOf(a.MSPID); !ok || p != tx.caller.MSPID {
		return Errorf(CodeForbidden, "%s is not an organisation of %s", a.MSPID, tx.caller.MSPID)
	}
	// Off the channel, the organisation could never issue under the grant.
	if !MemberOf(s.Channel(), a.MSPID) {
		return Errorf(CodeForbidden, "%s is not a member of channel %s", a.MSPID, s.Channel())
	}
	if !validRegion(a.Region) {
		return Errorf(CodeInvalidArgument, "region %q is not a six-digit division code", a.Region)
	}
	if a.Region[:2] != regionPrefix(tx.caller.MSPID) {
		return Errorf(CodeWrongRegion, "region %s is outside %s", a.Region, tx.caller.MSPID)
	}
	if err := checkWindow("accreditation", a.ValidFrom, a.ValidTo); err != nil {
		return err
	}
	if len(a.Types) == 0 || len(a.Types) > MaxTypes {
		return Errorf(CodeInvalidArgument, "an accreditation names 1 to %d types", MaxTypes)
	}
	for i, code := range a.Types {
		t, err := licenceType(s, code)
		if err != nil {
			return err
		}
		if t.Province != tx.caller.MSPID {
			return Errorf(CodeForbidden, "type %s belongs to %s", code, t.Province)
		}
		if slices.Contains(a.Types[:i], code) {
			return Errorf(CodeInvalidArgument, "type %s named twice", code)
		}
	}
	return nil
}

// putOwned stores v and requires the endorsement of the granting province
// (and the channel's majority) for every later change of it. The agency's
// own organisation is not an owner: it cannot veto its province's
// withdrawal of a grant, nor a new grant.
func putOwned(s State, v any, province, objectType string, attrs ...string) error {
	k, err := key(s, objectType, attrs...)
	if err != nil {
		return err
	}
	if err := putJSON(s, k, v); err != nil {
		return err
	}
	if err := s.RequireEndorsers(k, province); err != nil {
		return Wrap(CodeInternal, err, "endorsement policy of %s %v", objectType, attrs)
	}
	return nil
}

// WithdrawAccreditation ends one grant now. The granting province's admin
// asks; the key-level policy needs the province and the channel's
// majority, so the agency's own organisation cannot veto it. The agency's
// other grants are untouched.
func WithdrawAccreditation(s State, grantID, reason string) (*Accreditation, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkReason(ReasonAccreditationWithdrawal, reason); err != nil {
		return nil, err
	}
	a, err := grant(s, grantID)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin || tx.caller.MSPID != a.Province {
		return nil, Errorf(CodeForbidden, "only %s's admin withdraws grant %s", a.Province, grantID)
	}
	if a.Withdrawn != nil {
		return nil, Errorf(CodeInvalidTransition, "grant %s was withdrawn already", grantID)
	}
	a.Withdrawn, a.Record = &Withdraw{At: tx.now, Reason: reason}, tx.record()
	if err := putAt(s, a, objGrant, a.AgencyID, seqAttr(a.Seq)); err != nil {
		return nil, err
	}
	return a, emit(s, EventAccreditationWithdrawn, a)
}

// ActiveAt checks that the grant allows issuing the type in the region at t.
func (a *Accreditation) ActiveAt(t time.Time, typeCode, region string) error {
	switch {
	case a.withdrawnBy(t):
		return Errorf(CodeNotAccredited, "grant %s was withdrawn at %s", a.GrantID, a.Withdrawn.At.Format(time.RFC3339))
	case !within(t, a.ValidFrom, a.ValidTo):
		return Errorf(CodeNotAccredited, "grant %s is valid %s to %s", a.GrantID, a.ValidFrom.Format(time.RFC3339), a.ValidTo.Format(time.RFC3339))
	case !slices.Contains(a.Types, typeCode):
		return Errorf(CodeNotAccredited, "grant %s does not cover type %s", a.GrantID, typeCode)
	case !validRegion(region) || !regionCovers(a.Region, region):
		return Errorf(CodeWrongRegion, "grant %s is for region %s, not %s", a.GrantID, a.Region, region)
	}
	return nil
}

// withdrawnBy reports whether the grant was withdrawn at or before t.
func (a *Accreditation) withdrawnBy(t time.Time) bool {
	return a.Withdrawn != nil && !t.Before(a.Withdrawn.At)
}

// runningAt reports whether the grant is inside its period and not
// withdrawn at t.
func (a *Accreditation) runningAt(t time.Time) bool {
	return within(t, a.ValidFrom, a.ValidTo) && !a.withdrawnBy(t)
}

// grantID names an agency's grant: "<agencyID>:<seq, six digits>".
func grantID(agencyID string, seq int) string { return agencyID + ":" + seqAttr(seq) }

func seqAttr(seq int) string { return fmt.Sprintf("%06d", seq) }
