// Package domain holds the ledger's types and rules. It knows nothing of the
// Fabric shim: contracts hand it a State, and it returns values or coded
// errors.
package domain

import "time"

// State is what the domain needs from a transaction: its world state, its
// events, its time and its caller. Contracts adapt the Fabric stub to it.
type State interface {
	Get(key string) ([]byte, error) // nil, nil when absent
	Put(key string, value []byte) error
	Emit(name string, payload []byte) error
	TxID() string
	TxTime() (time.Time, error)
	Caller() (Caller, error)
}

// Caller is the client identity that signed the proposal.
type Caller struct {
	MSPID string
	ID    string // the certificate's subject and issuer, as the shim's client identity gives it
}
