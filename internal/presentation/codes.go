package presentation

import "fmt"

// Code is the stable reason a presentation is refused. Codes are never
// renamed; docs/credential-format.md lists them.
type Code string

// Codes of a malformed presentation (Parse).
const (
	Empty              Code = "PRESENTATION_EMPTY"          // no text
	TooLarge           Code = "PRESENTATION_TOO_LARGE"      // over MaxLen characters
	Charset            Code = "PRESENTATION_CHARSET"        // a character outside base64url, "~" and "."
	Structure          Code = "PRESENTATION_STRUCTURE"      // not REF~DISCLOSURE~…~KB, or an empty part
	TooManyDisclosures Code = "PRESENTATION_TOO_MANY"       // over MaxDisclosures disclosures
	RefBase64          Code = "REFERENCE_BASE64"            // the reference is not unpadded base64url
	RefMalformed       Code = "REFERENCE_MALFORMED"         // not list(string, string)
	RefVersion         Code = "REFERENCE_VERSION"           // another tag than TagReference
	RefLicenceID       Code = "REFERENCE_LICENCE_ID"        // not a licence ID
	DiscBase64         Code = "DISCLOSURE_BASE64"           // a disclosure is not unpadded base64url
	DiscMalformed      Code = "DISCLOSURE_MALFORMED"        // not list(string, string, string, bytes, string)
	DiscVersion        Code = "DISCLOSURE_VERSION"          // another tag than credential.TagField
	DiscName           Code = "DISCLOSURE_NAME"             // not a field name
	DiscSalt           Code = "DISCLOSURE_SALT"             // a salt of fewer than 16 or more than 64 bytes
	DiscValue          Code = "DISCLOSURE_VALUE"            // a value empty, over 4096 bytes, or not in NFC
	DiscLicence        Code = "DISCLOSURE_LICENCE"          // a field of another licence than the reference's
	DiscDuplicate      Code = "DISCLOSURE_DUPLICATE"        // a field disclosed twice
	DiscOrder          Code = "DISCLOSURE_ORDER"            // disclosures not sorted by field name
	KBStructure        Code = "KEY_BINDING_STRUCTURE"       // the key binding is not PAYLOAD.SIGNATURE
	KBBase64           Code = "KEY_BINDING_BASE64"          // its payload is not unpadded base64url
	KBMalformed        Code = "KEY_BINDING_MALFORMED"       // not list(string, string, string, time, bytes[32])
	KBVersion          Code = "KEY_BINDING_VERSION"         // another tag than TagKeyBinding
	KBNonceFormat      Code = "KEY_BINDING_NONCE_FORMAT"    // a nonce outside the nonce alphabet or length
	KBAudienceFormat   Code = "KEY_BINDING_AUDIENCE_FORMAT" // an audience outside its alphabet or length
	KBSDHash           Code = "KEY_BINDING_SD_HASH"         // the digest does not cover the reference and disclosures given
	SigBase64          Code = "SIGNATURE_BASE64"            // the signature is not unpadded base64url
	SigMalformed       Code = "SIGNATURE_MALFORMED"         // not a DER SEQUENCE of two positive INTEGERs
)

// Codes of a presentation that does not verify (Verify).
const (
	LicenceMismatch  Code = "LICENCE_MISMATCH"   // the record given is of another licence
	HolderKeyInvalid Code = "HOLDER_KEY_INVALID" // the licence's holder key is not an SM2 point
	SigInvalid       Code = "SIGNATURE_INVALID"  // the holder's key did not sign the key binding
	NonceMismatch    Code = "NONCE_MISMATCH"     // not the nonce the verifier issued
	AudienceMismatch Code = "AUDIENCE_MISMATCH"  // made for another verifier
	TimeFuture       Code = "TIME_IN_FUTURE"     // made later than now plus the allowed skew
	TimeExpired      Code = "TIME_EXPIRED"       // made longer ago than the allowed age
	DiscUnknown      Code = "DISCLOSURE_UNKNOWN" // a field the licence does not have
	DiscDigest       Code = "DISCLOSURE_DIGEST"  // a value or salt that does not hash to the field's digest
)

// Error is a refused presentation: its code and what was wrong. Its text
// is "CODE: message".
type Error struct {
	Code Code
	Msg  string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Msg }

func refuse(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}
