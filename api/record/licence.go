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
	Status      Status    `json:"status" doc:"the status it changed to"`
	Reason      string    `json:"reason,omitempty" doc:"the reason code, \"CODE\" or \"CODE:<SM3 of the free text>\""`
	EffectiveAt time.Time `json:"effectiveAt" doc:"RFC 3339: when it takes effect"`
	RecordedAt  time.Time `json:"recordedAt" doc:"RFC 3339: when the ledger recorded it"`
	TxID        string    `json:"txId" doc:"the transaction that made it"`
	By          string    `json:"by" doc:"MSP ID of the organisation that made it"`
}

// Licence is an e-licence on the ledger: the sealed content (digests only,
// no personal data), its seal signature and its status history.
type Licence struct {
	credential.Content
	Signature     string         `json:"signature" doc:"hex DER SM2 seal signature over the content's canonical encoding"`
	IssuerMSP     string         `json:"issuerMsp" doc:"MSP ID of the issuing organisation"`
	IssuedAt      time.Time      `json:"issuedAt" doc:"RFC 3339: the issuing transaction's time"`
	SealedAt      time.Time      `json:"sealedAt" doc:"RFC 3339: when the current content was sealed (issuance or the last renewal)"`
	GrantID       string         `json:"grantId" doc:"the agency's grant in force when the content was sealed, which verdicts judge by"`
	IssueTxID     string         `json:"issueTxId" doc:"the issuing transaction"`
	Status        Status         `json:"status" doc:"the current status: active, suspended or revoked"`
	StatusHistory []StatusChange `json:"statusHistory" doc:"every status change, in order"`
	Revision      int            `json:"revision" doc:"1 at issuance, one more at every later change: orders the licence's versions"`
	Record
}

// IssueRequest is what an issuer submits: the content and its seal signature.
type IssueRequest struct {
	Content   credential.Content `json:"content" doc:"the licence's content: digests only, no personal data"`
	Signature string             `json:"signature" doc:"hex DER SM2 signature of the agency's seal key over the content's canonical encoding (docs/canonical-encoding.md)"`
}

// BatchResult is the result of IssueBatch.
type BatchResult struct {
	Count    int        `json:"count" doc:"how many licences were issued"`
	Licences []*Licence `json:"licences" doc:"the licences issued"`
}

// RenewRequest extends a licence: a new valid-to, sealed again.
type RenewRequest struct {
	ID        string    `json:"id" doc:"the licence's ID"`
	ValidTo   time.Time `json:"validTo" doc:"the new end of validity"`
	SealKeyID string    `json:"sealKeyId" doc:"the seal key that signed the renewed content"`
	Signature string    `json:"signature" doc:"hex DER SM2 signature over the renewed content"`
}

// StatusAnswer is a licence's status at a time.
type StatusAnswer struct {
	ID     string        `json:"id" doc:"the licence's ID"`
	At     time.Time     `json:"at" doc:"RFC 3339: the time asked about"`
	Status Status        `json:"status" doc:"active, suspended, revoked, expired or not-yet-valid"`
	Change *StatusChange `json:"change,omitempty" doc:"the status change in force, if any"`
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
	TxID    string    `json:"txId" doc:"the transaction that wrote this version"`
	Time    time.Time `json:"time" doc:"RFC 3339: its transaction time"`
	Licence *Licence  `json:"licence" doc:"the licence as that transaction left it"`
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
	LicenceID string         `json:"licenceId" doc:"the licence's ID"`
	GrantID   string         `json:"grantId" doc:"the grant it names"`
	SealedAt  time.Time      `json:"sealedAt" doc:"RFC 3339: when its content was sealed"`
	InForce   bool           `json:"inForce" doc:"whether the grant allowed the licence when it was sealed"`
	Detail    string         `json:"detail,omitempty" doc:"why not"`
	Grant     *Accreditation `json:"grant,omitempty" doc:"the grant"`
}

// AgencyGrants is an agency with every grant it has had, newest first.
type AgencyGrants struct {
	Agency
	Grants []*Accreditation `json:"grants" doc:"every grant the agency has had, newest first"`
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

// IDPattern is CheckID as a regular expression (RE2), for schemas: an ID
// made only of dots ("." or "..") is refused, since a URL path cannot name it.
const IDPattern = "^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$"

// CheckFieldName accepts a licence type's or a dataset's field name:
// [a-zA-Z][a-zA-Z0-9_]{0,63}.
func CheckFieldName(n string) error {
	if n == "" || len(n) > 64 {
		return Errorf(CodeInvalidArgument, "field names are 1 to 64 characters")
	}
	for i, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '_')) {
			return Errorf(CodeInvalidArgument, "field name %.40q: letters, digits and _ only, starting with a letter", n)
		}
	}
	return nil
}

// CheckID accepts 1 to MaxIDLen characters of [A-Za-z0-9._:-], not all dots.
func CheckID(what, id string) error {
	if id == "" || len(id) > MaxIDLen {
		return Errorf(CodeInvalidArgument, "%s must be 1 to %d characters", what, MaxIDLen)
	}
	if strings.Trim(id, ".") == "" {
		return Errorf(CodeInvalidArgument, "%s %q may not be only dots", what, id)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == ':') {
			return Errorf(CodeInvalidArgument, "%s %.40q may hold only letters, digits and . _ - :", what, id)
		}
	}
	return nil
}

// Evidence is what a verifier judges a licence by, read by the ledger in
// one query so that all three records reflect the same block height: the
// licence, the grant it names and the seal key that sealed it. Grant or
// SealKey is nil when the ledger has none by the licence's reference.
type Evidence struct {
	Licence *Licence       `json:"licence" doc:"the licence"`
	Grant   *Accreditation `json:"grant,omitempty" doc:"the grant the licence names, if the ledger has it"`
	SealKey *SealKey       `json:"sealKey,omitempty" doc:"the seal key that sealed the licence, if the ledger has it"`
}
