// Package record defines the records the wanledger chaincode keeps on the
// ledger, exactly as their JSON, the arguments its transactions take, its
// stable error codes, and the pure rules a verifier shares with the
// chaincode: a licence's status at a time, whether a grant allowed its
// issuance, whether a seal key was valid. It has no Fabric, network or
// storage dependencies; the chaincode, the gateway and clients all use it.
package record

import "time"

// Record is what every stored object carries about its last change.
type Record struct {
	UpdatedAt time.Time `json:"updatedAt"`
	UpdatedBy string    `json:"updatedBy"` // MSP ID of the caller
	TxID      string    `json:"txId"`
}

// Page is one page of a listing.
type Page[T any] struct {
	Items    []T    `json:"items"`
	Bookmark string `json:"bookmark"` // "" on the last page
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)
