package api

// Error codes of the fetch protocol (gateway/fetch), besides the ledger's
// refusal codes (api/record) that a provider passes on. They are part of
// the API: never rename one.
const (
	CodeNotCommitted     = "NOT_COMMITTED"      // the provider could not commit the access: no data was sent
	CodeTransferCorrupt  = "TRANSFER_CORRUPT"   // a chunk failed to open, came out of order, twice, or malformed
	CodeTransferTruncate = "TRANSFER_TRUNCATED" // the transfer ended before its final chunk, after every resume allowed
	CodeDigestMismatch   = "DIGEST_MISMATCH"    // the rows received do not hash to the committed access record's response digest
	CodeNotResumable     = "NOT_RESUMABLE"      // a resume the provider refuses: unknown, another request's, or past the resume period
	CodeDataChanged      = "DATA_CHANGED"       // the provider's rows no longer hash to the digest it committed
	CodeProtocol         = "PROTOCOL_ERROR"     // a message that is not the protocol's
	CodeTransferTooLarge = "TRANSFER_TOO_LARGE" // the response passed the requester's bound (fetch.maxResponse)
)

// FetchRequest asks the requester's gateway to fetch rows of another
// organisation's dataset under an authorization (POST /v1/fetch). The
// gateway signs it as the caller's identity, adding the nonce and time.
type FetchRequest struct {
	AuthorizationID string   `json:"authorizationId" minLength:"1" maxLength:"64" doc:"the authorization's ID"`
	DatasetID       string   `json:"datasetId" minLength:"1" maxLength:"64" doc:"the dataset's ID"`
	Fields          []string `json:"fields" minItems:"1" maxItems:"64" doc:"the fields asked for, in the order of the answer's columns"`
	Purpose         string   `json:"purpose" minLength:"1" maxLength:"64" doc:"the purpose code, as the authorization names it"`
	Subjects        []string `json:"subjects,omitempty" maxItems:"100" doc:"holder pseudonyms to restrict the rows to; empty: every row"`
}

// Response headers of POST /v1/fetch: the committed access record's ID
// and digests, and the rows' count.
const (
	HeaderAccessID       = "Wanledger-Access-Id"
	HeaderRequestDigest  = "Wanledger-Request-Digest"
	HeaderResponseDigest = "Wanledger-Response-Digest"
	HeaderRowCount       = "Wanledger-Row-Count"
)

// FetchInfo describes a fetch's answer, from its headers.
type FetchInfo struct {
	AccessID       string `json:"accessId"`
	RequestDigest  string `json:"requestDigest"`
	ResponseDigest string `json:"responseDigest"`
	Rows           uint64 `json:"rows"`
}
