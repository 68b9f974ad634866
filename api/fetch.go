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
)
