// Package fetch is the data plane between gateways: the protocol
// /wanledger/fetch/1 on a libp2p stream, by which a requester's gateway
// fetches rows of a provider's dataset under an authorization, and the
// provider's gateway serves them only after the ledger has committed the
// access (ADR 24; docs/gateway.md, "Fetch protocol").
//
// The requester sends its signed request (record.SignedRequest, carrying
// an ephemeral SM2 public key). The provider verifies the signature and
// the certificate's chain (Identities), projects the rows (Rows), records
// the access with the SM3 digest of the projected response through the
// Ledger, waits for the commit and only then streams the rows in chunks
// sealed with SM4-GCM under a fresh key encrypted to the ephemeral key.
// The requester checks every chunk's place, the totals, and the response
// digest against the committed access record (AccessReader) before it
// hands any row to its caller. An interrupted transfer resumes under the
// same access record without a second use.
//
// Server and Client tie no goroutine beyond the stream they serve; every
// wait is bounded by the context or the configured timeouts.
package fetch
