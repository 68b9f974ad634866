package record

import "time"

// Authorization lets a requester organisation use some fields of an owner
// organisation's dataset, for one purpose, on a legal basis or a citizen's
// consent, for a time and a number of uses.
type Authorization struct {
	ID            string      `json:"id"`
	Owner         string      `json:"owner"`     // MSP ID of the data owner
	Requester     string      `json:"requester"` // MSP ID allowed to access
	DatasetID     string      `json:"datasetId"`
	Fields        []string    `json:"fields"`
	Purpose       string      `json:"purpose"`                 // purpose code
	LegalBasis    string      `json:"legalBasis,omitempty"`    // a legal-basis code, optionally ":" and the SM3 of a text (docs/chaincode.md "Reasons")
	ConsentDigest string      `json:"consentDigest,omitempty"` // SM3 of the consent record, hex
	Subjects      []string    `json:"subjects,omitempty"`      // pseudonyms the consent covers; empty: any
	ValidFrom     time.Time   `json:"validFrom"`
	ValidTo       time.Time   `json:"validTo"`
	MaxUses       int64       `json:"maxUses"` // 0: unlimited
	Uses          int64       `json:"uses"`
	GrantedBy     string      `json:"grantedBy"`
	Revocation    *Revocation `json:"revocation,omitempty"`
	Record
}

// AccessRequest is what a requester records when it accesses data.
type AccessRequest struct {
	AuthorizationID string   `json:"authorizationId"`
	DatasetID       string   `json:"datasetId"`
	Fields          []string `json:"fields"`
	Purpose         string   `json:"purpose"`
	RequestDigest   string   `json:"requestDigest"`  // SM3 of the request body, hex
	ResponseDigest  string   `json:"responseDigest"` // SM3 of the response body, hex
	Subjects        []string `json:"subjects,omitempty"`
}

// AccessRecord is one access, granted or denied, on the audit trail.
type AccessRecord struct {
	ID              string    `json:"id"` // the transaction ID
	Kind            string    `json:"kind"`
	AuthorizationID string    `json:"authorizationId,omitempty"`
	Owner           string    `json:"owner"`
	Requester       string    `json:"requester"`
	RequesterID     string    `json:"requesterId,omitempty"`
	DatasetID       string    `json:"datasetId"`
	Fields          []string  `json:"fields"`
	Purpose         string    `json:"purpose"`
	RequestDigest   string    `json:"requestDigest,omitempty"`
	ResponseDigest  string    `json:"responseDigest,omitempty"`
	Subjects        []string  `json:"subjects,omitempty"`
	Reason          string    `json:"reason,omitempty"`       // denials: the refusal's code
	DetailDigest    string    `json:"detailDigest,omitempty"` // denials: SM3 of the provider's text, kept off the ledger
	RecordedBy      string    `json:"recordedBy"`             // MSP ID of the submitter
	At              time.Time `json:"at"`
}

// Kinds of access record.
const (
	KindAccess = "access"
	KindDenial = "denial"
)

// DenialRequest describes a refused attempt.
type DenialRequest struct {
	AuthorizationID string   `json:"authorizationId,omitempty"`
	Requester       string   `json:"requester"`             // MSP ID that asked
	RequesterID     string   `json:"requesterId,omitempty"` // its client ID, if known
	DatasetID       string   `json:"datasetId"`
	Fields          []string `json:"fields"`
	Purpose         string   `json:"purpose"`
	RequestDigest   string   `json:"requestDigest,omitempty"`
	Reason          Code     `json:"reason"`
	DetailDigest    string   `json:"detailDigest,omitempty"` // SM3 of a text the provider keeps, hex
}

// Trace dimensions: the indexes every access record is written under.
const (
	TraceByDataset       = "dataset"
	TraceByRequester     = "requester"
	TraceByOwner         = "owner"
	TraceBySubject       = "subject"
	TraceByAuthorization = "authorization"
	TraceByTime          = "time"
)

// TraceQuery asks for the access records under one key of one dimension,
// in a time window, a page at a time.
type TraceQuery struct {
	By       string    `json:"by"`  // a TraceBy… dimension
	Key      string    `json:"key"` // dataset ID, MSP ID, pseudonym or authorization ID; unused by "time"
	From     time.Time `json:"from,omitempty"`
	To       time.Time `json:"to,omitempty"`
	PageSize int32     `json:"pageSize,omitempty"`
	Bookmark string    `json:"bookmark,omitempty"`
}

// Verification says whether bodies match an access record's digests.
type Verification struct {
	AccessID        string `json:"accessId"`
	RequestDigest   string `json:"requestDigest"`
	ResponseDigest  string `json:"responseDigest"`
	RequestMatches  bool   `json:"requestMatches"`
	ResponseMatches bool   `json:"responseMatches"`
}

// Dataset is data an organisation holds and may share: its ID, its owner
// organisation, the schema of its fields and a description. An ID belongs
// for good to the organisation that registered it, and only that
// organisation's data-owner grants access to it.
type Dataset struct {
	ID          string      `json:"id"`
	Owner       string      `json:"owner"` // MSP ID of the owning organisation
	Fields      []FieldSpec `json:"fields"`
	Description string      `json:"description"`
	Registrant  string      `json:"registrant"` // client ID that registered it
	Record
}
