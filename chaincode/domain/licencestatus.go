package domain

import (
	"slices"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

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
