package api

import (
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Disclosure is one field a holder discloses: its value and salt.
type Disclosure struct {
	Name  string `json:"name" maxLength:"64"`
	Value string `json:"value" maxLength:"4096"`
	Salt  string `json:"salt" maxLength:"128" doc:"hex"`
}

// VerifyRequest asks whether a presented licence is valid.
type VerifyRequest struct {
	LicenceID string       `json:"licenceId" minLength:"1" maxLength:"64"`
	Disclosed []Disclosure `json:"disclosed,omitempty" maxItems:"64"`
	At        *time.Time   `json:"at,omitempty" doc:"the time to judge at; now if absent"`
}

// Check is one reason of a verdict.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Verdict is the answer to a verification.
type Verdict struct {
	LicenceID   string        `json:"licenceId"`
	Valid       bool          `json:"valid"`
	Status      record.Status `json:"status,omitempty"`
	At          time.Time     `json:"at"`
	Checks      []Check       `json:"checks"`
	BlockHeight uint64        `json:"blockHeight"`
	Source      string        `json:"source"` // "cache" or "ledger"
	Stale       bool          `json:"stale"`
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
