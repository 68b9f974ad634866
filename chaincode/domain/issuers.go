package domain

import (
	"slices"
	"time"
)

// Accreditation lets an agency issue some licence types in a region for a
// time. The province grants it; from then on, changing it needs the
// endorsement of both the province's and the agency organisation's peers.
type Accreditation struct {
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

// Withdraw records when and why an accreditation ended early.
type Withdraw struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Events of accreditations.
const (
	EventAccreditationGranted   = "registry.AccreditationGranted"
	EventAccreditationWithdrawn = "registry.AccreditationWithdrawn"
)

const objAccreditation = "accreditation"

// GrantAccreditation accredits an agency of one of the province's
// organisations for types the province owns, in one of its regions.
func GrantAccreditation(s State, a Accreditation) (*Accreditation, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin || !IsProvince(tx.caller.MSPID) {
		return nil, Errorf(CodeForbidden, "only a province's admin grants accreditations")
	}
	if err := checkID("agency ID", a.AgencyID); err != nil {
		return nil, err
	}
	if p, ok := ProvinceOf(a.MSPID); !ok || p != tx.caller.MSPID {
		return nil, Errorf(CodeForbidden, "%s is not an organisation of %s", a.MSPID, tx.caller.MSPID)
	}
	if !validRegion(a.Region) {
		return nil, Errorf(CodeInvalidArgument, "region %q is not a six-digit division code", a.Region)
	}
	if a.Region[:2] != regionPrefix(tx.caller.MSPID) {
		return nil, Errorf(CodeWrongRegion, "region %s is outside %s", a.Region, tx.caller.MSPID)
	}
	if err := checkWindow("accreditation", a.ValidFrom, a.ValidTo); err != nil {
		return nil, err
	}
	if len(a.Types) == 0 || len(a.Types) > MaxTypes {
		return nil, Errorf(CodeInvalidArgument, "an accreditation names 1 to %d types", MaxTypes)
	}
	for i, code := range a.Types {
		t, err := licenceType(s, code)
		if err != nil {
			return nil, err
		}
		if t.Province != tx.caller.MSPID {
			return nil, Errorf(CodeForbidden, "type %s belongs to %s", code, t.Province)
		}
		if slices.Contains(a.Types[:i], code) {
			return nil, Errorf(CodeInvalidArgument, "type %s named twice", code)
		}
	}
	k, err := key(s, objAccreditation, a.AgencyID)
	if err != nil {
		return nil, err
	}
	var old Accreditation
	found, err := getJSON(s, k, &old)
	if err != nil {
		return nil, err
	}
	if found && old.Withdrawn == nil && tx.now.Before(old.ValidTo) {
		return nil, Errorf(CodeAlreadyExists, "agency %s is accredited until %s; withdraw it first", a.AgencyID, old.ValidTo.Format(time.RFC3339))
	}
	a.Province, a.Withdrawn, a.Record = tx.caller.MSPID, nil, tx.record()
	if err := putJSON(s, k, &a); err != nil {
		return nil, err
	}
	if err := s.RequireEndorsers(k, uniq(tx.caller.MSPID, a.MSPID)...); err != nil {
		return nil, Wrap(CodeInternal, err, "endorsement policy of accreditation %s", a.AgencyID)
	}
	return &a, emit(s, EventAccreditationGranted, &a)
}

func uniq(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// WithdrawAccreditation ends an accreditation now. The granting province's
// admin asks; the key-level policy needs both organisations to endorse.
func WithdrawAccreditation(s State, agencyID, reason string) (*Accreditation, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkReason(ReasonAccreditationWithdrawal, reason); err != nil {
		return nil, err
	}
	a, err := load[Accreditation](s, "agency ID", "accreditation of agency", objAccreditation, agencyID)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin || tx.caller.MSPID != a.Province {
		return nil, Errorf(CodeForbidden, "only %s's admin withdraws this accreditation", a.Province)
	}
	if a.Withdrawn != nil {
		return nil, Errorf(CodeInvalidTransition, "accreditation of %s was withdrawn already", agencyID)
	}
	a.Withdrawn, a.Record = &Withdraw{At: tx.now, Reason: reason}, tx.record()
	if err := putAt(s, a, objAccreditation, agencyID); err != nil {
		return nil, err
	}
	return a, emit(s, EventAccreditationWithdrawn, a)
}

// GetAccreditation returns an agency's accreditation.
func GetAccreditation(s State, agencyID string) (*Accreditation, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	return accreditation(s, agencyID)
}

func accreditation(s State, agencyID string) (*Accreditation, error) {
	a, err := load[Accreditation](s, "agency ID", "accreditation of agency", objAccreditation, agencyID)
	if CodeOf(err) == CodeNotFound {
		return nil, Errorf(CodeNotAccredited, "agency %s is not accredited", agencyID)
	}
	return a, err
}

// ListAccreditations lists accreditations.
func ListAccreditations(s State, size int32, bookmark string) (Page[Accreditation], error) {
	return listForReaders[Accreditation](s, size, bookmark, objAccreditation)
}

// ActiveAt checks that the accreditation allows issuing the type in the
// region at t.
func (a *Accreditation) ActiveAt(t time.Time, typeCode, region string) error {
	switch {
	case a.Withdrawn != nil && !t.Before(a.Withdrawn.At):
		return Errorf(CodeNotAccredited, "accreditation of %s was withdrawn at %s", a.AgencyID, a.Withdrawn.At.Format(time.RFC3339))
	case !within(t, a.ValidFrom, a.ValidTo):
		return Errorf(CodeNotAccredited, "accreditation of %s is valid %s to %s", a.AgencyID, a.ValidFrom.Format(time.RFC3339), a.ValidTo.Format(time.RFC3339))
	case !slices.Contains(a.Types, typeCode):
		return Errorf(CodeNotAccredited, "agency %s may not issue %s", a.AgencyID, typeCode)
	case !validRegion(region) || !regionCovers(a.Region, region):
		return Errorf(CodeWrongRegion, "agency %s is accredited for region %s, not %s", a.AgencyID, a.Region, region)
	}
	return nil
}
