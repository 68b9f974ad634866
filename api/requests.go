package api

import (
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Each request type holds only what a client supplies; the ledger sets the
// rest (owners, counters, history, who and when) and answers with the
// record of package api/record.

// IssueRequest issues one sealed licence: its content (digests only, no
// personal data) and the agency's SM2 seal signature over the content's
// canonical encoding (docs/canonical-encoding.md). The CLI's `licence issue`
// computes both from clear values on the issuer's machine.
type IssueRequest = record.IssueRequest

// ReasonRequest gives a reason code and, optionally, its free text. The
// ledger gets the code and the text's SM3 digest ("CODE:DIGEST"), never the
// text, which the caller keeps.
type ReasonRequest struct {
	Reason     string `json:"reason" minLength:"1" maxLength:"64" pattern:"^[A-Z0-9_]+$" doc:"a code of this change's reason list (docs/chaincode.md)"`
	ReasonText string `json:"reasonText,omitempty" maxLength:"4096" doc:"free text; only its SM3 digest goes on the ledger"`
}

// StatusChangeRequest suspends, reinstates or revokes a licence.
type StatusChangeRequest struct {
	ReasonRequest
	EffectiveAt time.Time `json:"effectiveAt,omitempty" doc:"revocations only, RFC 3339: now or in the past, never in the future; now if absent"`
}

// RenewRequest extends a licence (its ID is the path's): the content with
// the new valid-to and seal key, sealed again.
type RenewRequest struct {
	ValidTo   time.Time `json:"validTo" doc:"RFC 3339, whole seconds: the licence's new end of validity"`
	SealKeyID string    `json:"sealKeyId" minLength:"1" maxLength:"64" doc:"the seal key that signed the renewed content"`
	Signature string    `json:"signature" minLength:"1" maxLength:"160" pattern:"^[0-9a-f]+$" doc:"hex DER SM2 signature over the renewed content"`
}

// LicenceTypeRequest defines or changes a licence type (its code is the
// path's); the caller's province owns it.
type LicenceTypeRequest struct {
	Name              string             `json:"name" minLength:"1" maxLength:"128" doc:"the type's name, e.g. 营业执照"`
	Fields            []record.FieldSpec `json:"fields" minItems:"1" maxItems:"64" doc:"the schema: each field's name, value type and whether it is required"`
	MaxValidityDays   int                `json:"maxValidityDays" minimum:"1" maximum:"36600" doc:"the longest validity a licence of this type may have, in days"`
	MutualRecognition bool               `json:"mutualRecognition,omitempty" doc:"recognised across the Yangtze River Delta"`
}

// AccreditationRequest grants an agency of one of the province's
// organisations the right to issue some types in a region for a period.
type AccreditationRequest struct {
	AgencyID  string    `json:"agencyId" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the agency's ID; its first grant makes it the province's and the organisation's for good"`
	MSPID     string    `json:"mspId" minLength:"1" maxLength:"64" doc:"the agency's organisation, e.g. HefeiMSP"`
	Types     []string  `json:"types" minItems:"1" maxItems:"64" doc:"licence type codes the agency may issue"`
	Region    string    `json:"region" pattern:"^[0-9]{6}$" doc:"GB/T 2260 six-digit administrative division code the grant covers"`
	ValidFrom time.Time `json:"validFrom" doc:"RFC 3339, whole seconds"`
	ValidTo   time.Time `json:"validTo" doc:"RFC 3339, whole seconds; after validFrom"`
}

// SealKeyRequest registers an agency's seal key; for a rotation, the new
// key (its agency is the old key's, and it is valid from now).
type SealKeyRequest struct {
	KeyID     string    `json:"keyId" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the key's ID, unique on the channel"`
	AgencyID  string    `json:"agencyId,omitempty" maxLength:"64" doc:"the agency (registration only; a rotation keeps the old key's)"`
	PublicKey string    `json:"publicKey" minLength:"130" maxLength:"130" pattern:"^04[0-9a-f]{128}$" doc:"SM2 public key, uncompressed point in lower-case hex (04 || X || Y)"`
	ValidFrom time.Time `json:"validFrom,omitempty" doc:"registration only, RFC 3339"`
	ValidTo   time.Time `json:"validTo" doc:"RFC 3339, whole seconds"`
}

// SealKeyRevocation revokes a seal key from a time.
type SealKeyRevocation = StatusChangeRequest

// RoleRequest binds one of the caller's organisation's identities to a
// role.
type RoleRequest struct {
	ClientID string `json:"clientId" minLength:"1" maxLength:"1024" doc:"the identity's client ID, as /v1/whoami shows it"`
	Role     string `json:"role" enum:"issuer,verifier,data-owner,requester,auditor,clerk" doc:"the role"`
	AgencyID string `json:"agencyId,omitempty" maxLength:"64" doc:"issuer only: the agency the identity issues for"`
}

// RoleUnbindRequest takes a role back from one of the caller's
// organisation's identities.
type RoleUnbindRequest struct {
	ClientID string `json:"clientId" minLength:"1" maxLength:"1024" doc:"the identity's client ID, as /v1/whoami shows it"`
	Role     string `json:"role" enum:"issuer,verifier,data-owner,requester,auditor,clerk" doc:"the role to take back"`
}

// DatasetRequest registers a dataset of the caller's organisation.
type DatasetRequest struct {
	ID          string             `json:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the dataset's ID"`
	Fields      []record.FieldSpec `json:"fields" minItems:"1" maxItems:"64" doc:"the dataset's schema"`
	Description string             `json:"description" minLength:"1" maxLength:"1024" doc:"what the dataset holds, for requesters and auditors"`
}

// AuthorizationRequest grants a requester organisation use of some fields
// of one of the caller's datasets, for one purpose, on a legal basis or a
// citizen's consent, for a time and a number of uses.
type AuthorizationRequest struct {
	ID             string    `json:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the authorization's ID"`
	Requester      string    `json:"requester" minLength:"1" maxLength:"64" doc:"MSP ID of the organisation allowed to access"`
	DatasetID      string    `json:"datasetId" minLength:"1" maxLength:"64" doc:"one of the caller's registered datasets"`
	Fields         []string  `json:"fields" minItems:"1" maxItems:"64" doc:"the dataset fields it may read"`
	Purpose        string    `json:"purpose" minLength:"1" maxLength:"64" doc:"purpose code"`
	LegalBasis     string    `json:"legalBasis,omitempty" maxLength:"64" doc:"a legal-basis code (docs/chaincode.md); this or consentDigest is required"`
	LegalBasisText string    `json:"legalBasisText,omitempty" maxLength:"4096" doc:"free text of the legal basis; only its SM3 digest goes on the ledger"`
	ConsentDigest  string    `json:"consentDigest,omitempty" pattern:"^([0-9a-f]{64})?$" doc:"SM3 of the citizen's consent record, hex"`
	Subjects       []string  `json:"subjects,omitempty" maxItems:"64" doc:"holder pseudonyms the consent covers; empty: any"`
	ValidFrom      time.Time `json:"validFrom" doc:"RFC 3339"`
	ValidTo        time.Time `json:"validTo" doc:"RFC 3339; after validFrom"`
	MaxUses        int64     `json:"maxUses,omitempty" minimum:"0" doc:"how many accesses it allows; 0 or absent: unlimited"`
}

// DenialRequest records an access the data owner refused.
type DenialRequest struct {
	AuthorizationID string   `json:"authorizationId,omitempty" maxLength:"64" doc:"the authorization the requester named, if any"`
	Requester       string   `json:"requester" minLength:"1" maxLength:"64" doc:"MSP ID that asked"`
	RequesterID     string   `json:"requesterId,omitempty" maxLength:"1024" doc:"its client ID, if known"`
	DatasetID       string   `json:"datasetId" minLength:"1" maxLength:"64" doc:"one of the caller's registered datasets"`
	Fields          []string `json:"fields" minItems:"1" maxItems:"64" doc:"the fields asked for"`
	Purpose         string   `json:"purpose" minLength:"1" maxLength:"64" doc:"the purpose given"`
	RequestDigest   string   `json:"requestDigest,omitempty" pattern:"^([0-9a-f]{64})?$" doc:"SM3 of the request body, hex"`
	Reason          string   `json:"reason" minLength:"1" maxLength:"64" doc:"the refusal's code (record.DenialReasons)"`
	DetailText      string   `json:"detailText,omitempty" maxLength:"4096" doc:"free text; only its SM3 digest goes on the ledger"`
}

// HandoffRequest opens a handoff from the caller's organisation to another.
type HandoffRequest struct {
	ID                 string    `json:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the handoff's ID"`
	Target             string    `json:"target" minLength:"1" maxLength:"64" doc:"MSP ID of the organisation that handles it"`
	ServiceItem        string    `json:"serviceItem" minLength:"1" maxLength:"64" doc:"the service item code"`
	ApplicantPseudonym string    `json:"applicantPseudonym" pattern:"^[0-9a-f]{64}$" doc:"the applicant's holder pseudonym"`
	Documents          []string  `json:"documents,omitempty" maxItems:"32" doc:"SM3 digests of the documents, hex"`
	Deadline           time.Time `json:"deadline" doc:"RFC 3339: when the target must have completed it"`
}

// HandoffMove moves a handoff on: reject and cancel take a reason,
// complete the result's digest, accept and start nothing.
type HandoffMove struct {
	Reason       string `json:"reason,omitempty" maxLength:"64" doc:"reject and cancel only: a code of their reason lists"`
	ReasonText   string `json:"reasonText,omitempty" maxLength:"4096" doc:"free text; only its SM3 digest goes on the ledger"`
	ResultDigest string `json:"resultDigest,omitempty" pattern:"^([0-9a-f]{64})?$" doc:"complete only: SM3 of the result, hex"`
}

// AccessCheckRequest asks whether request and response bodies match an
// access record's digests. Give each body as text (its UTF-8 bytes) or as
// base64 (any bytes, e.g. GBK), not both.
type AccessCheckRequest struct {
	AccessID       string `json:"accessId" minLength:"1" maxLength:"128" doc:"the access record's ID (its transaction ID)"`
	Request        string `json:"request,omitempty" maxLength:"1048576" doc:"the request body as text (its UTF-8 bytes); or requestBase64"`
	Response       string `json:"response,omitempty" maxLength:"1048576" doc:"the response body as text (its UTF-8 bytes); or responseBase64"`
	RequestBase64  string `json:"requestBase64,omitempty" maxLength:"1398104" doc:"the request body's bytes, standard base64 (e.g. a GBK body); or request"`
	ResponseBase64 string `json:"responseBase64,omitempty" maxLength:"1398104" doc:"the response body's bytes, standard base64; or response"`
}

// KeyRequest creates an API key of the gateway's organisation.
type KeyRequest struct {
	Identity string   `json:"identity" minLength:"1" maxLength:"64" doc:"the organisation's Fabric identity the key acts as, one the gateway is configured with (e.g. User2)"`
	Roles    []string `json:"roles" minItems:"1" maxItems:"8" doc:"the roles the key holds: the gateway's (admin, operator) or the ledger's"`
}

// Key is a stored API key as listed: never its secret or hash.
type Key struct {
	ID          string   `json:"id" doc:"the key's ID, the middle part of wl_<id>_<secret>"`
	Identity    string   `json:"identity" doc:"the Fabric identity it acts as"`
	Roles       []string `json:"roles" doc:"its roles"`
	CertSubject string   `json:"certSubject,omitempty" doc:"a mutual-TLS entry: the client certificate's common name"`
}

// Self is the calling key as GET /v1/keys/self shows it: the key, and the
// organisation whose Fabric identity it acts as.
type Self struct {
	Key
	MSPID string `json:"mspId" doc:"the MSP ID of the organisation whose identity the key acts as (the gateway's)"`
}

// NewKey is a created key: its secret is shown this once and never stored.
type NewKey struct {
	Key
	Secret string `json:"secret" doc:"the whole key, wl_<id>_<secret>; send it as Authorization: Bearer <key>"`
}
