package domain

import (
	"strconv"
	"strings"
	"time"
)

// agencyRecord reads an agency; NOT_ACCREDITED if it never had a grant.
func agencyRecord(s State, agencyID string) (*Agency, error) {
	a, err := load[Agency](s, "agency ID", "agency", objAgency, agencyID)
	if CodeOf(err) == CodeNotFound {
		return nil, Errorf(CodeNotAccredited, "agency %s was never accredited", agencyID)
	}
	return a, err
}

// parseGrantID splits "<agencyID>:<seq>" (the agency ID may hold ':').
func parseGrantID(id string) (agencyID string, seq int, err error) {
	i := strings.LastIndexByte(id, ':')
	bad := Errorf(CodeInvalidArgument, "grant ID %.80q is not <agency ID>:<six-digit sequence>", id)
	if i < 0 || len(id)-i-1 != 6 {
		return "", 0, bad
	}
	seq, convErr := strconv.Atoi(id[i+1:])
	if convErr != nil || seq < 1 || seq > MaxGrants {
		return "", 0, bad
	}
	if err := checkID("agency ID", id[:i]); err != nil {
		return "", 0, err
	}
	return id[:i], seq, nil
}

// GrantKeyAttrs returns the attributes of a grant's composite key
// ("grant", agency ID, six-digit sequence) for its ID "<agencyID>:<seq>",
// or INVALID_ARGUMENT for a malformed ID.
func GrantKeyAttrs(id string) ([]string, error) {
	agencyID, seq, err := parseGrantID(id)
	if err != nil {
		return nil, err
	}
	return []string{agencyID, seqAttr(seq)}, nil
}

// grant reads one grant by its ID.
func grant(s State, id string) (*Accreditation, error) {
	agencyID, seq, err := parseGrantID(id)
	if err != nil {
		return nil, err
	}
	var a Accreditation
	if err := mustGet(s, "grant", id, &a, objGrant, agencyID, seqAttr(seq)); err != nil {
		return nil, err
	}
	return &a, nil
}

// grants reads an agency's grants, newest first, by sequence number with
// single reads (an update transaction may not run paged queries).
func grants(s State, ag *Agency) ([]*Accreditation, error) {
	out := make([]*Accreditation, 0, ag.LastSeq)
	for seq := ag.LastSeq; seq >= 1; seq-- {
		a, err := grant(s, grantID(ag.AgencyID, seq))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// agencyGrants reads an agency and its grants, newest first.
func agencyGrants(s State, agencyID string) (*Agency, []*Accreditation, error) {
	ag, err := agencyRecord(s, agencyID)
	if err != nil {
		return nil, nil, err
	}
	all, err := grants(s, ag)
	if err != nil {
		return nil, nil, err
	}
	return ag, all, nil
}

// grantInForce returns the agency's grant that allows the type in the
// region at t (see inForce).
func grantInForce(s State, agencyID string, t time.Time, typeCode, region string) (*Accreditation, error) {
	_, all, err := agencyGrants(s, agencyID)
	if err != nil {
		return nil, err
	}
	return inForce(all, agencyID, t, typeCode, region)
}

// inForce returns, of an agency's grants (newest first), the one that
// allows the type in the region at t: of several, the latest granted. With
// none, the refusal is that of the latest grant running at t (a type or
// region it lacks), or else of the latest grant.
func inForce(all []*Accreditation, agencyID string, t time.Time, typeCode, region string) (*Accreditation, error) {
	var latest, running error
	for _, a := range all {
		err := a.ActiveAt(t, typeCode, region)
		switch {
		case err == nil:
			return a, nil
		case running == nil && a.runningAt(t):
			running = err
		case latest == nil:
			latest = err
		}
	}
	switch {
	case running != nil:
		return nil, running
	case latest != nil:
		return nil, latest
	}
	return nil, Errorf(CodeNotAccredited, "agency %s has no grant", agencyID)
}

// liveGrant checks that the agency holds a grant that is neither withdrawn
// nor ended at t (it may start later), and returns the agency.
func liveGrant(s State, agencyID string, t time.Time) (*Agency, error) {
	ag, all, err := agencyGrants(s, agencyID)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.Withdrawn == nil && t.Before(a.ValidTo) {
			return ag, nil
		}
	}
	return nil, Errorf(CodeNotAccredited, "agency %s holds no grant that is still running", agencyID)
}

// CheckGrant judges a licence by the grant it names: that grant must be
// the agency's and allow the licence's type and region when its content was
// sealed (issued, or last renewed), whatever came later.
func (l *Licence) CheckGrant(a *Accreditation) error {
	switch {
	case l.GrantID == "":
		return Errorf(CodeNotAccredited, "licence %s names no grant", l.ID)
	case a.GrantID != l.GrantID || a.AgencyID != l.AgencyID:
		return Errorf(CodeNotAccredited, "grant %s is not grant %s of agency %s", a.GrantID, l.GrantID, l.AgencyID)
	}
	return a.ActiveAt(l.SealedAt, l.Type, l.Region)
}

// GrantCheck is the ledger's answer on the grant behind a licence.
type GrantCheck struct {
	LicenceID string         `json:"licenceId"`
	GrantID   string         `json:"grantId"`
	SealedAt  time.Time      `json:"sealedAt"`
	InForce   bool           `json:"inForce"`          // the grant allowed the licence when it was sealed
	Detail    string         `json:"detail,omitempty"` // why not
	Grant     *Accreditation `json:"grant,omitempty"`
}

// CheckLicenceGrant answers whether the grant a licence names was in force
// for it when its content was sealed.
func CheckLicenceGrant(s State, licenceID string) (*GrantCheck, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	l, err := licence(s, licenceID)
	if err != nil {
		return nil, err
	}
	c := &GrantCheck{LicenceID: l.ID, GrantID: l.GrantID, SealedAt: l.SealedAt}
	a := &Accreditation{}
	if l.GrantID != "" {
		switch g, err := grant(s, l.GrantID); {
		case err == nil:
			a, c.Grant = g, g
		case CodeOf(err) != CodeNotFound:
			return nil, err
		}
	}
	if err := l.CheckGrant(a); err != nil {
		c.Detail = err.Error()
	} else {
		c.InForce = true
	}
	return c, nil
}

// GetGrant returns one grant.
func GetGrant(s State, grantID string) (*Accreditation, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	return grant(s, grantID)
}

// AgencyGrants is an agency with every grant it has had, newest first.
type AgencyGrants struct {
	Agency
	Grants []*Accreditation `json:"grants"`
}

// GetAgency returns an agency, its owner and its grants.
func GetAgency(s State, agencyID string) (*AgencyGrants, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	ag, all, err := agencyGrants(s, agencyID)
	if err != nil {
		return nil, err
	}
	return &AgencyGrants{Agency: *ag, Grants: all}, nil
}

// GrantAt returns the agency's grant in force at t for the type and region.
func GrantAt(s State, agencyID, typeCode, region string, t time.Time) (*Accreditation, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	if err := checkID("agency ID", agencyID); err != nil {
		return nil, err
	}
	return grantInForce(s, agencyID, t.UTC(), typeCode, region)
}

// ListAccreditations lists every grant, by agency and sequence.
func ListAccreditations(s State, size int32, bookmark string) (Page[Accreditation], error) {
	return listForReaders[Accreditation](s, size, bookmark, objGrant)
}
