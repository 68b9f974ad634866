package domain

import (
	"slices"
	"strings"

	"github.com/wanledger/wanledger/api/record"
)

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
)

// GrantAccreditation records a new grant for an agency of one of the
// province's organisations, for types the province owns, in one of its
// regions. The first grant makes the agency ID the province's and the
// organisation's for good. Grants of one agency may overlap (a renewal
// granted before the current grant ends, or grants of other types).
func GrantAccreditation(s State, a record.Accreditation) (*record.Accreditation, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkGrant(s, tx, &a); err != nil {
		return nil, err
	}
	ag, err := agencyRecord(s, a.AgencyID)
	switch {
	case record.CodeOf(err) == record.CodeNotAccredited:
		ag = &record.Agency{AgencyID: a.AgencyID, MSPID: a.MSPID, Province: tx.caller.MSPID}
	case err != nil:
		return nil, err
	case ag.Province != tx.caller.MSPID || ag.MSPID != a.MSPID:
		return nil, record.Errorf(record.CodeAgencyTaken, "agency ID %s belongs to %s of %s", a.AgencyID, ag.MSPID, ag.Province)
	case ag.LastSeq >= record.MaxGrants:
		return nil, record.Errorf(record.CodeTooLarge, "agency %s has %d grants, the most it may have", a.AgencyID, record.MaxGrants)
	}
	ag.LastSeq++
	ag.Record = tx.record()
	a.Seq, a.GrantID = ag.LastSeq, record.GrantID(a.AgencyID, ag.LastSeq)
	a.Province, a.Withdrawn, a.Record = tx.caller.MSPID, nil, tx.record()
	if err := putOwned(s, ag, a.Province, objAgency, a.AgencyID); err != nil {
		return nil, err
	}
	if err := putOwned(s, &a, a.Province, objGrant, a.AgencyID, record.GrantSeqAttr(a.Seq)); err != nil {
		return nil, err
	}
	return &a, emit(s, EventAccreditationGranted, &a)
}

// checkGrant checks a grant request of the caller.
func checkGrant(s State, tx txContext, a *record.Accreditation) error {
	granter, isMember, err := memberOrg(s, tx.caller.MSPID)
	if err != nil {
		return err
	}
	if !tx.caller.Admin || !isMember || !granter.IsProvince() {
		return record.Errorf(record.CodeForbidden, "only a province's admin grants accreditations")
	}
	if err := record.CheckID("agency ID", a.AgencyID); err != nil {
		return err
	}
	// Off the channel, the organisation could never issue under the grant.
	org, isMember, err := memberOrg(s, a.MSPID)
	switch {
	case err != nil:
		return err
	case !isMember:
		return record.Errorf(record.CodeForbidden, "%s is not a member of channel %s", a.MSPID, s.Channel())
	case org.Province != tx.caller.MSPID:
		return record.Errorf(record.CodeForbidden, "%s is not an organisation of %s", a.MSPID, tx.caller.MSPID)
	}
	if !record.ValidRegion(a.Region) {
		return record.Errorf(record.CodeInvalidArgument, "region %q is not a six-digit division code", a.Region)
	}
	if a.Region[:2] != granter.Prefix {
		return record.Errorf(record.CodeWrongRegion, "region %s is outside %s", a.Region, tx.caller.MSPID)
	}
	if err := checkWindow("accreditation", a.ValidFrom, a.ValidTo); err != nil {
		return err
	}
	if len(a.Types) == 0 || len(a.Types) > MaxTypes {
		return record.Errorf(record.CodeInvalidArgument, "an accreditation names 1 to %d types", MaxTypes)
	}
	for i, code := range a.Types {
		t, err := licenceType(s, code)
		if err != nil {
			return err
		}
		if t.Province != tx.caller.MSPID {
			return record.Errorf(record.CodeForbidden, "type %s belongs to %s", code, t.Province)
		}
		if slices.Contains(a.Types[:i], code) {
			return record.Errorf(record.CodeInvalidArgument, "type %s named twice", code)
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
	return requireEndorsers(s, k, objectType+" "+strings.Join(attrs, ":"), province)
}

// WithdrawAccreditation ends one grant now. The granting province's admin
// asks; the key-level policy needs the province and the channel's
// majority, so the agency's own organisation cannot veto it. The agency's
// other grants are untouched.
func WithdrawAccreditation(s State, grantID, reason string) (*record.Accreditation, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkReason(record.ReasonAccreditationWithdrawal, reason); err != nil {
		return nil, err
	}
	a, err := grant(s, grantID)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin || tx.caller.MSPID != a.Province {
		return nil, record.Errorf(record.CodeForbidden, "only %s's admin withdraws grant %s", a.Province, grantID)
	}
	if a.Withdrawn != nil {
		return nil, record.Errorf(record.CodeInvalidTransition, "grant %s was withdrawn already", grantID)
	}
	a.Withdrawn, a.Record = &record.Withdraw{At: tx.now, Reason: reason}, tx.record()
	if err := putAt(s, a, objGrant, a.AgencyID, record.GrantSeqAttr(a.Seq)); err != nil {
		return nil, err
	}
	return a, emit(s, EventAccreditationWithdrawn, a)
}
