package record

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wanledger/wanledger/internal/credential"
)

// Status is a licence's status. Expiry is not a status: it follows from the
// validity window and the time asked about.
type Status string

// Statuses, and the answers StatusAt adds for times outside the window.
const (
	StatusActive      Status = "active"
	StatusSuspended   Status = "suspended"
	StatusRevoked     Status = "revoked"
	StatusExpired     Status = "expired"
	StatusNotYetValid Status = "not-yet-valid"
)

// StatusChange is one entry of a licence's status history.
type StatusChange struct {
	Status      Status    `json:"status"`
	Reason      string    `json:"reason,omitempty"` // "CODE" or "CODE:SM3 digest" (docs/chaincode.md "Reasons")
	EffectiveAt time.Time `json:"effectiveAt"`
	RecordedAt  time.Time `json:"recordedAt"`
	TxID        string    `json:"txId"`
	By          string    `json:"by"` // MSP ID
}

// Licence is an e-licence on the ledger: the sealed content (digests only,
// no personal data), its seal signature and its status history.
type Licence struct {
	credential.Content
	Signature     string         `json:"signature"` // hex DER SM2 signature by the seal key
	IssuerMSP     string         `json:"issuerMsp"`
	IssuedAt      time.Time      `json:"issuedAt"`
	SealedAt      time.Time      `json:"sealedAt"` // when the current content was sealed: issuance or the last renewal
	GrantID       string         `json:"grantId"`  // the agency's grant in force at SealedAt, which verdicts judge by
	IssueTxID     string         `json:"issueTxId"`
	Status        Status         `json:"status"`
	StatusHistory []StatusChange `json:"statusHistory"`
	Record
}

// IssueRequest is what an issuer submits: the content and its seal signature.
type IssueRequest struct {
	Content   credential.Content `json:"content"`
	Signature string             `json:"signature"`
}

// BatchResult is the result of IssueBatch.
type BatchResult struct {
	Count    int        `json:"count"`
	Licences []*Licence `json:"licences"`
}

// RenewRequest extends a licence: a new valid-to, sealed again.
type RenewRequest struct {
	ID        string    `json:"id"`
	ValidTo   time.Time `json:"validTo"`
	SealKeyID string    `json:"sealKeyId"`
	Signature string    `json:"signature"` // over the content with the new valid-to and seal key
}

// StatusAnswer is a licence's status at a time.
type StatusAnswer struct {
	ID     string        `json:"id"`
	At     time.Time     `json:"at"`
	Status Status        `json:"status"`
	Change *StatusChange `json:"change,omitempty"` // the change in force, if any
}

// StatusAt computes the licence's status at t: outside the window it is
// not yet valid or expired; a revocation rules from its effective time; else
// the latest change in force.
func (l *Licence) StatusAt(t time.Time) *StatusAnswer {
	t = t.UTC()
	a := &StatusAnswer{ID: l.ID, At: t, Status: StatusActive}
	var inForce *StatusChange
	for i := range l.StatusHistory {
		c := &l.StatusHistory[i]
		if c.EffectiveAt.After(t) {
			continue
		}
		if c.Status == StatusRevoked {
			a.Status, a.Change = StatusRevoked, c
			return a
		}
		if inForce == nil || !c.EffectiveAt.Before(inForce.EffectiveAt) {
			inForce = c
		}
	}
	switch {
	case t.Before(l.ValidFrom):
		a.Status = StatusNotYetValid
	case !t.Before(l.ValidTo):
		a.Status = StatusExpired
	case inForce != nil:
		a.Status, a.Change = inForce.Status, inForce
	}
	return a
}

// Version is one committed version of a licence.
type Version struct {
	TxID    string    `json:"txId"`
	Time    time.Time `json:"time"`
	Licence *Licence  `json:"licence"`
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

// AgencyGrants is an agency with every grant it has had, newest first.
type AgencyGrants struct {
	Agency
	Grants []*Accreditation `json:"grants"`
}

// Within reports whether t is in [from, to).
func Within(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

// ParseGrantID splits "<agencyID>:<seq>" (the agency ID may hold ':').
func ParseGrantID(id string) (agencyID string, seq int, err error) {
	i := strings.LastIndexByte(id, ':')
	bad := Errorf(CodeInvalidArgument, "grant ID %.80q is not <agency ID>:<six-digit sequence>", id)
	if i < 0 || len(id)-i-1 != 6 {
		return "", 0, bad
	}
	seq, convErr := strconv.Atoi(id[i+1:])
	if convErr != nil || seq < 1 || seq > MaxGrants {
		return "", 0, bad
	}
	if err := CheckID("agency ID", id[:i]); err != nil {
		return "", 0, err
	}
	return id[:i], seq, nil
}

// GrantKeyAttrs returns the attributes of a grant's composite key
// ("grant", agency ID, six-digit sequence) for its ID "<agencyID>:<seq>",
// or INVALID_ARGUMENT for a malformed ID.
func GrantKeyAttrs(id string) ([]string, error) {
	agencyID, seq, err := ParseGrantID(id)
	if err != nil {
		return nil, err
	}
	return []string{agencyID, GrantSeqAttr(seq)}, nil
}

// GrantID names an agency's grant: "<agencyID>:<seq, six digits>".
func GrantID(agencyID string, seq int) string { return agencyID + ":" + GrantSeqAttr(seq) }

// GrantSeqAttr is a grant's sequence number as its key attribute: six digits.
func GrantSeqAttr(seq int) string { return fmt.Sprintf("%06d", seq) }

// MaxGrants bounds an agency's grants, and so the reads that finding the
// grant in force costs.
const MaxGrants = 200

// MaxIDLen bounds every ID: licences, agencies, types, keys, datasets.
const MaxIDLen = 64

// CheckID accepts 1 to MaxIDLen characters of [A-Za-z0-9._:-].
func CheckID(what, id string) error {
	if id == "" || len(id) > MaxIDLen {
		return Errorf(CodeInvalidArgument, "%s must be 1 to %d characters", what, MaxIDLen)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == ':') {
			return Errorf(CodeInvalidArgument, "%s %.40q may hold only letters, digits and . _ - :", what, id)
		}
	}
	return nil
}
