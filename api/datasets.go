package api

import (
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Codes of a dataset's rows at its owner's gateway (PUT /v1/datasets/{id}/rows
// and the fetch protocol's reads of them).
const (
	// CodeDatasetFormat: the body is neither CSV with a header row nor JSON
	// lines, or is malformed (the message names the line).
	CodeDatasetFormat = "DATASET_FORMAT"
	// CodeDatasetUnknownField: a column or key the dataset's registration
	// does not have.
	CodeDatasetUnknownField = "DATASET_UNKNOWN_FIELD"
	// CodeDatasetMissingField: a registered field with no column (CSV), or a
	// required field without a value.
	CodeDatasetMissingField = "DATASET_MISSING_FIELD"
	// CodeDatasetBadValue: a value that is not of its field's type, not
	// UTF-8, or a subject pseudonym that is not one.
	CodeDatasetBadValue = "DATASET_BAD_VALUE"
	// CodeDatasetLimit: a row, a value, the number of columns or the body
	// passes its limit.
	CodeDatasetLimit = "DATASET_LIMIT"
	// CodeDatasetNotImported: the gateway holds no rows of that dataset.
	CodeDatasetNotImported = "DATASET_NOT_IMPORTED"
)

// SubjectColumn is the optional column (CSV) or key (JSON lines) of a row
// that holds its subject's pseudonym. Field names start with a letter, so it
// never names a registered field.
const SubjectColumn = "_subject"

// DatasetRows describes the rows of a dataset its owner's gateway holds.
type DatasetRows struct {
	ID         string    `json:"id" doc:"the dataset's ID"`
	Fields     []string  `json:"fields" doc:"its fields, in the order of its registration"`
	Subjects   bool      `json:"subjects" doc:"whether its rows carry subject pseudonyms"`
	Rows       int64     `json:"rows" doc:"the number of rows"`
	Bytes      int64     `json:"bytes" doc:"the values' total size, in bytes, before encryption"`
	ImportedAt time.Time `json:"importedAt" doc:"RFC 3339: when the rows were imported"`
	Generation uint64    `json:"generation" doc:"the import that wrote them, a counter of the gateway's imports of every dataset (not per dataset); each import of a dataset replaces the rows of the one before, at once"`
}

// MeshStatus is a gateway's libp2p host and the gateway endpoints the
// ledger holds, as its cache has them.
type MeshStatus struct {
	PeerID     string                   `json:"peerId" doc:"the host's libp2p peer ID"`
	Addrs      []string                 `json:"addrs" doc:"the multiaddresses it listens on"`
	Registered bool                     `json:"registered" doc:"whether the ledger's endpoint of this organisation names this peer ID"`
	Endpoints  []record.GatewayEndpoint `json:"endpoints" doc:"every organisation's registered endpoint, by MSP ID"`
}
