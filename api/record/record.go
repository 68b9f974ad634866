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
	UpdatedAt time.Time `json:"updatedAt" doc:"RFC 3339: the transaction time of the last change"`
	UpdatedBy string    `json:"updatedBy" doc:"MSP ID of the organisation whose identity made the last change"`
	TxID      string    `json:"txId" doc:"the ID of the transaction that made this change"`
}

// Page is one page of a listing. Bookmark is the chaincode's bookmark of the
// next page; a gateway hands it to clients as an opaque cursor.
type Page[T any] struct {
	Items    []T    `json:"items" doc:"the page's items"`
	Bookmark string `json:"bookmark" doc:"an opaque cursor of the next page: pass it as ?cursor=; empty on the last page"`
}

// BookmarkRefusal is the message of the INVALID_ARGUMENT refusing a
// bookmark that is not of the query's own range.
const BookmarkRefusal = "bookmark does not belong to this query"

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)
