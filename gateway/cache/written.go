package cache

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/internal/gm"
)

// Written is where the channel holds an access record: the valid
// transaction that wrote it (the record's own for one recorded here, the
// relay's import for one relayed from another channel), its block, and the
// SM3 digest of the exact bytes written. This is the gateway's audit index:
// an audit report names each record by it, and a check of the report
// compares it (docs/adr/0029-signed-audit-reports.md).
type Written struct {
	TxID   string `json:"txId"`
	Block  uint64 `json:"block"`
	Digest string `json:"digest"` // hex SM3 of the value written
}

// writtenPrefix precedes the ledger key of each access record in the audit
// index.
const writtenPrefix = "written/"

// noteWritten keeps where an access record was written; a delete (which
// the chaincode never makes) forgets it.
func noteWritten(txn *badger.Txn, block uint64, w Write) error {
	k := []byte(writtenPrefix + w.Key)
	if w.Delete {
		return txn.Delete(k)
	}
	d := gm.SM3(w.Value)
	b, err := json.Marshal(Written{TxID: w.TxID, Block: block, Digest: hex.EncodeToString(d[:])})
	if err != nil {
		return err
	}
	return txn.Set(k, b)
}

// Written is where access record id was written, and the cache's height
// read with it; ErrNotCached if the cache has not seen it (not yet, or
// never).
func (s *Store) Written(id string) (Written, uint64, error) {
	var w Written
	var height uint64
	k, err := shim.CreateCompositeKey(objAccess, []string{id})
	if err != nil || id == "" {
		return w, 0, ErrNotCached
	}
	err = s.db.View(func(txn *badger.Txn) error {
		var err error
		if height, err = heightIn(txn); err != nil {
			return err
		}
		item, err := txn.Get([]byte(writtenPrefix + k))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotCached
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error {
			if err := json.Unmarshal(b, &w); err != nil {
				return fmt.Errorf("audit index of %s: %w", id, err)
			}
			return nil
		})
	})
	return w, height, err
}
