package api

import (
	"fmt"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Disclosure is one field a holder discloses: its value and salt.
type Disclosure struct {
	Name  string `json:"name" maxLength:"64" doc:"the field's name"`
	Value string `json:"value" maxLength:"4096" doc:"its clear value (compared in Unicode NFC)"`
	Salt  string `json:"salt" maxLength:"128" doc:"hex"`
}

// VerifyRequest asks whether a presented licence is valid.
type VerifyRequest struct {
	LicenceID string       `json:"licenceId" minLength:"1" maxLength:"64" doc:"the presented licence's ID"`
	Disclosed []Disclosure `json:"disclosed,omitempty" maxItems:"64" doc:"fields the holder discloses, each checked against its digest"`
	At        *time.Time   `json:"at,omitempty" doc:"the time to judge at; now if absent"`
}

// Check is one reason of a verdict.
type Check struct {
	Name   string `json:"name" doc:"the check: licence-found, issuer-accredited-at-issuance, seal-valid, within-validity, status-active, disclosed-fields-match, cache-current"`
	OK     bool   `json:"ok" doc:"whether it passed"`
	Detail string `json:"detail,omitempty" doc:"why not, if not"`
}

// Verdict is the answer to a verification.
type Verdict struct {
	LicenceID      string        `json:"licenceId" doc:"the licence's ID"`
	Valid          bool          `json:"valid" doc:"true only if every check passed"`
	Status         record.Status `json:"status,omitempty" doc:"the licence's status at the time"`
	At             time.Time     `json:"at" doc:"RFC 3339: the time judged at"`
	Checks         []Check       `json:"checks" doc:"each check and its result"`
	BlockHeight    uint64        `json:"blockHeight" doc:"the number of blocks the records read reflect (ledger: at least this)"`
	Source         string        `json:"source" doc:"cache or ledger"`
	Stale          bool          `json:"stale" doc:"the cache has not confirmed it is current for longer than allowed: the verdict is not valid"`
	Assurance      string        `json:"assurance" enum:"status-only,holder-bound" doc:"status-only: a licence looked up by ID, saying nothing of who showed it; holder-bound: a presentation signed by the licence's holder key over this gateway's nonce"`
	HolderVerified bool          `json:"holderVerified" doc:"true only for a presentation whose key binding verified: the presenter holds the licence's key"`
	RelayedFrom    *Relayed      `json:"relayedFrom,omitempty" doc:"for a licence relayed from another channel, judged by the latest grant and seal key relayed from its source and the type its proof carried: its source channel, block, transaction and endorsers, and the relay lag; absent for this channel's own licences"`
}

// Err is nil for a valid verdict, and otherwise an error naming each
// failed check with its detail: "NOT VALID (seal: …; status: …)".
func (v Verdict) Err() error {
	if v.Valid {
		return nil
	}
	var failed []string
	for _, ch := range v.Checks {
		if !ch.OK {
			failed = append(failed, ch.Name+": "+ch.Detail)
		}
	}
	return fmt.Errorf("NOT VALID (%s)", strings.Join(failed, "; "))
}

// Check names.
const (
	CheckFound      = "licence-found"
	CheckAccredited = "issuer-accredited-at-issuance"
	CheckSeal       = "seal-valid"
	CheckStatus     = "status-active"
	CheckWindow     = "within-validity"
	CheckFields     = "disclosed-fields-match"
)
