package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Assurance levels of a verdict.
const (
	// AssuranceStatusOnly: a licence looked up by its ID (POST /v1/verify).
	// It says the licence is valid, never that whoever showed it holds it.
	AssuranceStatusOnly = "status-only"
	// AssuranceHolderBound: a presentation whose key binding the licence's
	// holder key signed over this gateway's single-use nonce and name.
	AssuranceHolderBound = "holder-bound"
)

// Codes of a refused presentation (POST /v1/presentations/verify) and of a
// refused holder challenge. Those of a malformed or non-verifying
// presentation are the presentation format's own codes
// (docs/credential-format.md), answered as they are: 400 for the
// malformed, 422 for one that does not verify.
const (
	CodeNonceUnknown      = "NONCE_UNKNOWN"              // 422: not a nonce this gateway issued (or it restarted since), or altered
	CodeNonceExpired      = "NONCE_EXPIRED"              // 422: the nonce's lifetime is over
	CodeNonceUsed         = "NONCE_USED"                 // 409: the nonce was used before: a replay
	CodeNonceCapacity     = "NONCE_CAPACITY"             // 503: too many nonces redeemed and unexpired; ask again later
	CodeNonceNotIssued    = "NONCE_NOT_ISSUED_TO_CALLER" // 403: a nonce issued to another API key's identity; left unused
	CodeAudienceUnknown   = "AUDIENCE_UNKNOWN"           // 400: an audience that is not this gateway's verifier name
	CodeHolderKeyMismatch = "HOLDER_KEY_MISMATCH"        // 403: a licence not bound to the key that signed the challenge
)

// PresentationRefusals are the codes of the presentation format
// (docs/credential-format.md) a gateway answers a refused presentation
// with, and their HTTP status: 400 for a malformed presentation, 422 for
// one that does not verify.
var PresentationRefusals = map[string]int{
	"PRESENTATION_EMPTY":          http.StatusBadRequest,
	"PRESENTATION_TOO_LARGE":      http.StatusBadRequest,
	"PRESENTATION_CHARSET":        http.StatusBadRequest,
	"PRESENTATION_STRUCTURE":      http.StatusBadRequest,
	"PRESENTATION_TOO_MANY":       http.StatusBadRequest,
	"REFERENCE_BASE64":            http.StatusBadRequest,
	"REFERENCE_MALFORMED":         http.StatusBadRequest,
	"REFERENCE_VERSION":           http.StatusBadRequest,
	"REFERENCE_LICENCE_ID":        http.StatusBadRequest,
	"DISCLOSURE_BASE64":           http.StatusBadRequest,
	"DISCLOSURE_MALFORMED":        http.StatusBadRequest,
	"DISCLOSURE_VERSION":          http.StatusBadRequest,
	"DISCLOSURE_NAME":             http.StatusBadRequest,
	"DISCLOSURE_SALT":             http.StatusBadRequest,
	"DISCLOSURE_VALUE":            http.StatusBadRequest,
	"DISCLOSURE_LICENCE":          http.StatusBadRequest,
	"DISCLOSURE_DUPLICATE":        http.StatusBadRequest,
	"DISCLOSURE_ORDER":            http.StatusBadRequest,
	"KEY_BINDING_STRUCTURE":       http.StatusBadRequest,
	"KEY_BINDING_BASE64":          http.StatusBadRequest,
	"KEY_BINDING_MALFORMED":       http.StatusBadRequest,
	"KEY_BINDING_VERSION":         http.StatusBadRequest,
	"KEY_BINDING_NONCE_FORMAT":    http.StatusBadRequest,
	"KEY_BINDING_AUDIENCE_FORMAT": http.StatusBadRequest,
	"KEY_BINDING_SD_HASH":         http.StatusBadRequest,
	"SIGNATURE_BASE64":            http.StatusBadRequest,
	"SIGNATURE_MALFORMED":         http.StatusBadRequest,
	"LICENCE_MISMATCH":            http.StatusUnprocessableEntity,
	"HOLDER_KEY_INVALID":          http.StatusUnprocessableEntity,
	"SIGNATURE_INVALID":           http.StatusUnprocessableEntity,
	"NONCE_MISMATCH":              http.StatusUnprocessableEntity,
	"AUDIENCE_MISMATCH":           http.StatusUnprocessableEntity,
	"TIME_IN_FUTURE":              http.StatusUnprocessableEntity,
	"TIME_EXPIRED":                http.StatusUnprocessableEntity,
	"DISCLOSURE_UNKNOWN":          http.StatusUnprocessableEntity,
	"DISCLOSURE_DIGEST":           http.StatusUnprocessableEntity,
}

// Nonce is a single-use nonce a verifier hands a holder to present to.
type Nonce struct {
	Nonce     string    `json:"nonce" doc:"the nonce, 64 base64url characters; used once, by the caller it was issued to"`
	Audience  string    `json:"audience" doc:"this gateway's verifier name: the audience a presentation must name"`
	ExpiresAt time.Time `json:"expiresAt" doc:"RFC 3339: after this the nonce is refused"`
}

// Bounds of a PresentationRequest, as its schema gives them (bytes).
const (
	MaxPresentationLen = 32768
	MinNonceLen        = 8
	MaxNonceLen        = 128
	MaxAudienceLen     = 128
)

// PresentationRequest asks whether a presentation is valid and bound to its
// holder.
type PresentationRequest struct {
	Presentation string `json:"presentation" minLength:"1" maxLength:"32768" doc:"the compact presentation (docs/credential-format.md)"`
	Nonce        string `json:"nonce" minLength:"8" maxLength:"128" doc:"the nonce this gateway issued for it"`
	Audience     string `json:"audience,omitempty" maxLength:"128" doc:"the audience it was made for; if given, this gateway's verifier name"`
	Purpose      string `json:"purpose,omitempty" maxLength:"32" doc:"why the licence is checked, for the holder's list of verifications: a purpose code (api.Purposes, or one the gateway's configuration adds); another is 400 PURPOSE_UNKNOWN"`
}

// MaxPresentationBatch is the most presentations one batch holds.
const MaxPresentationBatch = 64

// PresentationBatch asks for verdicts on several presentations at once,
// each checked exactly as POST /v1/presentations/verify checks one: a
// verifier's back office that receives many presentations (a service
// portal, a gate) pays one request's cost for up to MaxPresentationBatch.
type PresentationBatch struct {
	Items []PresentationRequest `json:"items" minItems:"1" maxItems:"64" doc:"the presentations, each to its own nonce"`
	// itemErrs are the items UnmarshalJSON could not read, by index.
	itemErrs map[int]error
}

// UnmarshalJSON reads a batch as the gateway does: an object with "items"
// only; an item that is not an object of a PresentationRequest's
// properties (of their types, none other) is kept as a zero request with
// its error (ItemError), to be refused on its own.
func (b *PresentationBatch) UnmarshalJSON(data []byte) error {
	type plain PresentationBatch // without this method
	*b = PresentationBatch{}
	if strictJSON(data, (*plain)(b)) == nil { // every item readable: one pass
		return nil
	}
	var raw struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := strictJSON(data, &raw); err != nil {
		return err
	}
	*b = PresentationBatch{Items: make([]PresentationRequest, len(raw.Items))}
	for i, item := range raw.Items {
		if err := strictJSON(item, &b.Items[i]); err != nil {
			if b.itemErrs == nil {
				b.itemErrs = map[int]error{}
			}
			b.Items[i], b.itemErrs[i] = PresentationRequest{}, err
		}
	}
	return nil
}

// ItemError is why item i could not be read, or nil.
func (b PresentationBatch) ItemError(i int) error { return b.itemErrs[i] }

// strictJSON decodes one JSON value into v, refusing properties v does not
// have and anything after the value.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// PresentationOutcome is one item of a batch's answer, in the order of the
// request: the status and verdict the single endpoint would answer, or its
// error.
type PresentationOutcome struct {
	Status  int                  `json:"status" doc:"the HTTP status POST /v1/presentations/verify would answer for this item"`
	Verdict *PresentationVerdict `json:"verdict,omitempty" doc:"status 200: the verdict, VALID or NOT VALID"`
	Error   *Error               `json:"error,omitempty" doc:"any other status: the refusal, with its stable code"`
}

// PresentationBatchVerdicts are a batch's outcomes, one per item in order.
type PresentationBatchVerdicts struct {
	Outcomes []PresentationOutcome `json:"outcomes" doc:"one per item, in the order of the request"`
}

// DisclosedField is a field a holder disclosed, its value checked against
// its digest.
type DisclosedField struct {
	Name  string `json:"name" doc:"the field's name"`
	Value string `json:"value" doc:"its value"`
}

// PresentationVerdict is a verdict on a presentation: the licence's checks,
// the fields disclosed (and only those), and the key binding's facts.
type PresentationVerdict struct {
	Verdict
	Disclosed   []DisclosedField `json:"disclosed" doc:"the fields the holder disclosed, each matching its digest; the others stay hidden"`
	Audience    string           `json:"audience" doc:"the audience of the key binding: this gateway's verifier name"`
	PresentedAt time.Time        `json:"presentedAt" doc:"RFC 3339: when the holder made the presentation"`
}

// HolderChallenge is a challenge a holder signs with their key.
type HolderChallenge struct {
	Challenge string    `json:"challenge" doc:"64 base64url characters; used once"`
	Audience  string    `json:"audience" doc:"this gateway's verifier name, which the signature covers"`
	ExpiresAt time.Time `json:"expiresAt" doc:"RFC 3339: after this the challenge is refused"`
}

// HolderActivityRequest is a holder's signed challenge and the licences
// they ask about.
type HolderActivityRequest struct {
	Challenge string   `json:"challenge" minLength:"8" maxLength:"128" doc:"the challenge this gateway issued"`
	PublicKey string   `json:"publicKey" minLength:"130" maxLength:"130" doc:"the holder's SM2 public key, uncompressed hex"`
	Signature string   `json:"signature" minLength:"2" maxLength:"300" doc:"hex DER SM2 signature over the canonical list(\"wanledger/holder-activity/v1\", challenge, audience, list(licence IDs))"`
	Licences  []string `json:"licences" minItems:"1" maxItems:"32" doc:"the licences asked about; each must be bound to publicKey"`
}

// VerificationEntry is one presentation a gateway verified.
type VerificationEntry struct {
	LicenceID       string    `json:"licenceId" doc:"the licence presented"`
	HolderPseudonym string    `json:"holderPseudonym" doc:"the licence's holder pseudonym"`
	VerifierMSP     string    `json:"verifierMsp" doc:"the verifying organisation"`
	Verifier        string    `json:"verifier" doc:"the Fabric identity of the API key that asked"`
	Audience        string    `json:"audience" doc:"the verifier name the presentation was made for"`
	Purpose         string    `json:"purpose,omitempty" doc:"the purpose code the verifier gave"`
	PurposeZh       string    `json:"purposeZh,omitempty" doc:"its label in Chinese, as the gateway knew it then"`
	PurposeEn       string    `json:"purposeEn,omitempty" doc:"its label in English, as the gateway knew it then"`
	At              time.Time `json:"at" doc:"RFC 3339: when it was verified"`
	Outcome         string    `json:"outcome" doc:"valid, or the failing check or refusal code"`
	Disclosed       []string  `json:"disclosed" doc:"the names of the fields disclosed"`
}

// HolderLicence is a licence a holder asked about as the gateway's cache
// holds it: its status at the answer's time and its validity on the
// ledger, which a renewal moves past the holder's credential file.
type HolderLicence struct {
	ID          string               `json:"id" doc:"the licence's ID"`
	Status      record.Status        `json:"status" doc:"its status at the answer's time (at): active, suspended, revoked, expired or not-yet-valid"`
	Change      *record.StatusChange `json:"change,omitempty" doc:"the status change in force, if any: its reason code, effective time, organisation and transaction"`
	ValidFrom   time.Time            `json:"validFrom" doc:"RFC 3339: the start of validity on the ledger"`
	ValidTo     time.Time            `json:"validTo" doc:"RFC 3339: the end of validity on the ledger"`
	RelayedFrom *Relayed             `json:"relayedFrom,omitempty" doc:"for a licence relayed from another channel: its source and the relay lag; absent for this channel's own licences"`
}

// HolderActivity is what a holder may see about their licences at one
// gateway: their status, the presentations it verified, and the ledger's
// access trail by their pseudonyms.
type HolderActivity struct {
	Licences      []HolderLicence        `json:"licences" doc:"each licence asked about, once, in the order asked, with its status from this gateway's cache"`
	At            time.Time              `json:"at" doc:"RFC 3339: the time the statuses are judged at"`
	CacheHeight   uint64                 `json:"cacheHeight" doc:"the number of blocks the cache reflected for the statuses"`
	Stale         bool                   `json:"stale" doc:"the cache had not confirmed it is current for longer than allowed: a status may have changed since"`
	Verifications []VerificationEntry    `json:"verifications" doc:"presentations of the licences this gateway verified, oldest first"`
	Accesses      []*record.AccessRecord `json:"accesses" doc:"accesses and denials of data about the licences' holder pseudonyms, as the ledger records them"`
	BlockHeight   uint64                 `json:"blockHeight" doc:"the peer's height the access trail reflects at least"`
}
