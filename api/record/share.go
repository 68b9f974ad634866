package record

import "time"

// Authorization lets a requester organisation use some fields of an owner
// organisation's dataset, for one purpose, on a legal basis or a citizen's
// consent, for a time and a number of uses.
type Authorization struct {
	ID            string      `json:"id" doc:"the authorization's ID"`
	Owner         string      `json:"owner" doc:"MSP ID of the data owner that granted it"`
	Requester     string      `json:"requester" doc:"MSP ID of the organisation allowed to access"`
	DatasetID     string      `json:"datasetId" doc:"the dataset's ID"`
	Fields        []string    `json:"fields" doc:"the dataset fields it may read"`
	Purpose       string      `json:"purpose" doc:"the purpose code"`
	LegalBasis    string      `json:"legalBasis,omitempty" doc:"a legal-basis code, optionally \":\" and the SM3 of its text"`
	ConsentDigest string      `json:"consentDigest,omitempty" doc:"SM3 of the citizen's consent record, hex"`
	Subjects      []string    `json:"subjects,omitempty" doc:"holder pseudonyms concerned; empty: any"`
	ValidFrom     time.Time   `json:"validFrom" doc:"RFC 3339: start of validity (inclusive)"`
	ValidTo       time.Time   `json:"validTo" doc:"RFC 3339: end of validity (exclusive)"`
	MaxUses       int64       `json:"maxUses" doc:"how many accesses it allows; 0: unlimited"`
	Uses          int64       `json:"uses" doc:"how many accesses it has had"`
	GrantedBy     string      `json:"grantedBy" doc:"client ID of the data-owner who granted it"`
	Revocation    *Revocation `json:"revocation,omitempty" doc:"the revocation, if revoked"`
	Crossing      *Crossing   `json:"crossing,omitempty" doc:"for a requester of another channel: the owner's and the requester's channels and the carrier"`
	Record
}

// AccessRequest is what a provider records when it serves data: the
// requester's signed request and the SM3 of the response it will send.
type AccessRequest struct {
	Signed         SignedRequest `json:"signed" doc:"the requester's signed request"`
	ResponseDigest string        `json:"responseDigest" doc:"SM3 hash list (internal/hashlist) of the response bytes the provider will send, hex"`
	SaltNonce      string        `json:"saltNonce,omitempty" doc:"the provider's fresh 16 random bytes (32 lower-case hex) from which, with its secret key, it derives the response salt; drawn anew for every submission"`
}

// AccessRecord is one access, granted or denied, on the audit trail.
type AccessRecord struct {
	ID              string         `json:"id" doc:"the record's ID: its transaction ID"`
	Kind            string         `json:"kind" doc:"access or denial"`
	AuthorizationID string         `json:"authorizationId,omitempty" doc:"the authorization's ID"`
	Owner           string         `json:"owner" doc:"MSP ID of the data owner"`
	Requester       string         `json:"requester" doc:"MSP ID of the requester organisation"`
	RequesterID     string         `json:"requesterId,omitempty" doc:"the requester's client ID, if known"`
	DatasetID       string         `json:"datasetId" doc:"the dataset's ID"`
	Fields          []string       `json:"fields" doc:"the fields read or asked for"`
	Purpose         string         `json:"purpose" doc:"the purpose code"`
	RequestDigest   string         `json:"requestDigest,omitempty" doc:"SM3 of the request body, hex"`
	ResponseDigest  string         `json:"responseDigest,omitempty" doc:"SM3 hash list (internal/hashlist) of the response body, hex"`
	SaltNonce       string         `json:"saltNonce,omitempty" doc:"the provider's nonce of the response salt (docs/gateway.md, Response bytes), hex"`
	Subjects        []string       `json:"subjects,omitempty" doc:"holder pseudonyms concerned; empty: any"`
	Reason          string         `json:"reason,omitempty" doc:"denials: the refusal's code"`
	DetailDigest    string         `json:"detailDigest,omitempty" doc:"denials: SM3 of the provider's text, kept off the ledger"`
	RecordedBy      string         `json:"recordedBy" doc:"MSP ID of the organisation that recorded it"`
	At              time.Time      `json:"at" doc:"RFC 3339: the transaction time"`
	Signed          *SignedRequest `json:"signed,omitempty" doc:"accesses: the requester's signed request, for an auditor to re-check its signature and certificate"`
	Source          *Source        `json:"source,omitempty" doc:"for a record relayed from the channel it was recorded on: that channel, its transaction and the endorsers of the proof"`
}

// Kinds of access record.
const (
	KindAccess = "access"
	KindDenial = "denial"
)

// DenialRequest describes a refused attempt.
type DenialRequest struct {
	AuthorizationID string   `json:"authorizationId,omitempty" doc:"the authorization's ID"`
	Requester       string   `json:"requester" doc:"MSP ID of the requester organisation"`
	RequesterID     string   `json:"requesterId,omitempty" doc:"its client ID, if known"`
	DatasetID       string   `json:"datasetId" doc:"the dataset's ID"`
	Fields          []string `json:"fields" doc:"the fields asked for"`
	Purpose         string   `json:"purpose" doc:"the purpose code"`
	RequestDigest   string   `json:"requestDigest,omitempty" doc:"SM3 of the request body, hex"`
	Reason          Code     `json:"reason" doc:"the refusal's code"`
	DetailDigest    string   `json:"detailDigest,omitempty" doc:"SM3 of a text the provider keeps, hex"`
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
	By       string    `json:"by" doc:"the dimension"`
	Key      string    `json:"key" doc:"the dimension's key"`
	From     time.Time `json:"from,omitempty" doc:"RFC 3339: start of the window"`
	To       time.Time `json:"to,omitempty" doc:"RFC 3339: end of the window"`
	PageSize int32     `json:"pageSize,omitempty" doc:"page size"`
	Bookmark string    `json:"bookmark,omitempty" doc:"the ledger's bookmark"`
}

// Verification says whether bodies match an access record's digests.
type Verification struct {
	AccessID        string `json:"accessId" doc:"the access record's ID"`
	RequestDigest   string `json:"requestDigest" doc:"the recorded SM3 of the request body"`
	ResponseDigest  string `json:"responseDigest" doc:"the SM3 hash list of the response body given"`
	RequestMatches  bool   `json:"requestMatches" doc:"whether the request body given hashes to it"`
	ResponseMatches bool   `json:"responseMatches" doc:"whether the response body given hashes to it"`
}

// Dataset is data an organisation holds and may share: its ID, its owner
// organisation, the schema of its fields and a description. An ID belongs
// for good to the organisation that registered it, and only that
// organisation's data-owner grants access to it.
type Dataset struct {
	ID          string      `json:"id" doc:"the dataset's ID"`
	Owner       string      `json:"owner" doc:"MSP ID of the organisation that owns it, for good"`
	Fields      []FieldSpec `json:"fields" doc:"the dataset's schema"`
	Description string      `json:"description" doc:"what it holds"`
	Registrant  string      `json:"registrant" doc:"client ID that registered it"`
	Record
}
