// Package domain holds the ledger's types and rules. It knows nothing of the
// Fabric shim: contracts hand it a State, and it returns values or coded
// errors. Everything here is deterministic: time comes from the transaction,
// and nothing ranges over a map into state or output.
package domain

import "time"

// State is what the domain needs from a transaction: its world state, its
// events, its time and its caller. Contracts adapt the Fabric stub to it.
//
// As in Fabric, a transaction does not read its own writes: Get returns the
// committed value.
type State interface {
	Get(key string) ([]byte, error) // nil, nil when absent
	Put(key string, value []byte) error
	Del(key string) error
	// Key builds a composite key; Page lists the keys that extend a partial
	// one, pageSize at a time, resuming after bookmark ("" for the start).
	Key(objectType string, attrs ...string) (string, error)
	Page(objectType string, attrs []string, pageSize int32, bookmark string) (kvs []KV, next string, err error)
	// Range lists simple (non-composite) keys in [start, end), pageSize at
	// a time; Fabric allows range queries over simple keys only.
	Range(start, end string, pageSize int32, bookmark string) (kvs []KV, next string, err error)
	History(key string) ([]Change, error)
	// RequireEndorsers sets the key-level endorsement policy of key to
	// "the owners and a majority of the members": every later change needs
	// the endorsement of a peer of each owner organisation and of peers of
	// more than half of members (the channel's, as the ledger's membership
	// names them), the owners counted among them; with no owners, of the
	// majority alone. In Fabric a key-level policy replaces the
	// chaincode's majority policy for that key, so it repeats the majority
	// rather than relying on it.
	RequireEndorsers(key string, members []string, owners ...string) error
	// ChannelOrgs lists the MSP IDs of the application organisations of
	// the channel's configuration as the endorsing peer holds it, sorted.
	// A configuration update that changes them needs the signatures of a
	// majority of the channel's admins.
	ChannelOrgs() ([]string, error)
	Emit(name string, payload []byte) error
	TxID() string
	Channel() string
	TxTime() (time.Time, error)
	Caller() (Caller, error)
}

// KV is one entry of a range.
type KV struct {
	Key   string
	Value []byte
}

// Change is one committed version of a key.
type Change struct {
	TxID    string    `json:"txId"`
	Time    time.Time `json:"time"`
	Deleted bool      `json:"deleted"`
	Value   []byte    `json:"-"`
}

// Caller is the client identity that signed the proposal.
type Caller struct {
	MSPID string
	ID    string // "x509::<subject>::<issuer>"
	Admin bool   // the certificate carries the admin organisational unit
}
