package domain

import (
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// agencyRecord reads an agency; NOT_ACCREDITED if it never had a grant.
func agencyRecord(s State, agencyID string) (*record.Agency, error) {
	a, err := load[record.Agency](s, "agency ID", "agency", objAgency, agencyID)
	if record.CodeOf(err) == record.CodeNotFound {
		return nil, record.Errorf(record.CodeNotAccredited, "agency %s was never accredited", agencyID)
	}
	return a, err
}

// grant reads one grant by its ID.
func grant(s State, id string) (*record.Accreditation, error) {
	agencyID, seq, err := record.ParseGrantID(id)
	if err != nil {
		return nil, err
	}
	var a record.Accreditation
	if err := mustGet(s, "grant", id, &a, objGrant, agencyID, record.GrantSeqAttr(seq)); err != nil {
		return nil, err
	}
	return &a, nil
}

// grants reads an agency's grants, newest first, by sequence number with
// single reads (an update transaction may not run paged queries).
func grants(s State, ag *record.Agency) ([]*record.Accreditation, error) {
	out := make([]*record.Accreditation, 0, ag.LastSeq)
	for seq := ag.LastSeq; seq >= 1; seq-- {
		a, err := grant(s, record.GrantID(ag.AgencyID, seq))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// agencyGrants reads an agency and its grants, newest first.
func agencyGrants(s State, agencyID string) (*record.Agency, []*record.Accreditation, error) {
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
func grantInForce(s State, agencyID string, t time.Time, typeCode, region string) (*record.Accreditation, error) {
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
func inForce(all []*record.Accreditation, agencyID string, t time.Time, typeCode, region string) (*record.Accreditation, error) {
	var latest, running error
	for _, a := range all {
		err := a.ActiveAt(t, typeCode, region)
		switch {
		case err == nil:
			return a, nil
		case running == nil && a.RunningAt(t):
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
	return nil, record.Errorf(record.CodeNotAccredited, "agency %s has no grant", agencyID)
}

// liveGrant checks that the agency holds a grant that is neither withdrawn
// nor ended at t (it may start later), and returns the agency.
func liveGrant(s State, agencyID string, t time.Time) (*record.Agency, error) {
	ag, all, err := agencyGrants(s, agencyID)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.Withdrawn == nil && t.Before(a.ValidTo) {
			return ag, nil
		}
	}
	return nil, record.Errorf(record.CodeNotAccredited, "agency %s holds no grant that is still running", agencyID)
}

// CheckLicenceGrant answers whether the grant a licence names was in force
// for it when its content was sealed.
func CheckLicenceGrant(s State, licenceID string) (*record.GrantCheck, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	l, err := licence(s, licenceID)
	if err != nil {
		return nil, err
	}
	c := &record.GrantCheck{LicenceID: l.ID, GrantID: l.GrantID, SealedAt: l.SealedAt}
	a := &record.Accreditation{}
	if l.GrantID != "" {
		switch g, err := grant(s, l.GrantID); {
		case err == nil:
			a, c.Grant = g, g
		case record.CodeOf(err) != record.CodeNotFound:
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
func GetGrant(s State, grantID string) (*record.Accreditation, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	return grant(s, grantID)
}

// GetAgency returns an agency, its owner and its grants.
func GetAgency(s State, agencyID string) (*record.AgencyGrants, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	ag, all, err := agencyGrants(s, agencyID)
	if err != nil {
		return nil, err
	}
	return &record.AgencyGrants{Agency: *ag, Grants: all}, nil
}

// GrantAt returns the agency's grant in force at t for the type and region.
func GrantAt(s State, agencyID, typeCode, region string, t time.Time) (*record.Accreditation, error) {
	if _, err := requireReader(s); err != nil {
		return nil, err
	}
	if err := record.CheckID("agency ID", agencyID); err != nil {
		return nil, err
	}
	return grantInForce(s, agencyID, t.UTC(), typeCode, region)
}

// ListAccreditations lists every grant, by agency and sequence.
func ListAccreditations(s State, size int32, bookmark string) (record.Page[record.Accreditation], error) {
	return listForReaders[record.Accreditation](s, size, bookmark, objGrant)
}
