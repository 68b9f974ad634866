package snapshot

import "fmt"

// Code is the stable reason a snapshot or an offline check is refused.
// Codes are never renamed; docs/credential-format.md lists them.
type Code string

// Codes of a snapshot that is refused (Parse).
const (
	TooLarge     Code = "SNAPSHOT_TOO_LARGE" // over MaxFile bytes
	Malformed    Code = "SNAPSHOT_MALFORMED" // not the form Encode writes
	BadSignature Code = "SNAPSHOT_SIGNATURE" // the signature does not verify over the exact bytes
	WrongSigner  Code = "SNAPSHOT_SIGNER"    // not signed by the trusted organisation's CA
	Future       Code = "SNAPSHOT_FUTURE"    // built later than now plus MaxSkew
)

// Codes of an offline check that fails (Check).
const (
	Stale           Code = "SNAPSHOT_STALE"            // older than its type's freshness limit
	OfflineForm     Code = "OFFLINE_FORM"              // not CONTENT.SEAL~PRESENTATION, or the two disagree
	UnknownLicence  Code = "LICENCE_NOT_IN_SNAPSHOT"   // the snapshot has no licence of that ID
	ContentMismatch Code = "SNAPSHOT_CONTENT_MISMATCH" // the content presented is not the one the snapshot lists
)

// Error is a refusal: its code and what was wrong. Its text is
// "CODE: message".
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Msg }

func refuse(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}
