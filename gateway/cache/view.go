package cache

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api/record"
)

// Snapshot is the cache at one height: its reads all see the one Badger
// transaction that read Height, so an answer and the height it reports
// belong together even while blocks apply. It lives only inside View.
type Snapshot struct {
	Height uint64 // the number of blocks the snapshot reflects
	txn    *badger.Txn
}

// View runs fn over a consistent snapshot of the cache.
func (s *Store) View(fn func(*Snapshot) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		h, err := heightIn(txn)
		if err != nil {
			return err
		}
		return fn(&Snapshot{Height: h, txn: txn})
	})
}

func getIn[T any](txn *badger.Txn, typ string, attrs ...string) (*T, error) {
	k, err := shim.CreateCompositeKey(typ, attrs)
	if err != nil || slices.Contains(attrs, "") {
		return nil, ErrNotCached
	}
	item, err := txn.Get(cacheKey(k))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotCached
	}
	if err != nil {
		return nil, err
	}
	var v T
	if err := item.Value(func(b []byte) error { return json.Unmarshal(b, &v) }); err != nil {
		return nil, err
	}
	return &v, nil
}

// Licence returns a cached licence.
func (v *Snapshot) Licence(id string) (*record.Licence, error) {
	return getIn[record.Licence](v.txn, objLicence, id)
}

// Grant returns a cached grant by its ID ("<agency ID>:<sequence>").
func (v *Snapshot) Grant(id string) (*record.Accreditation, error) {
	attrs, err := record.GrantKeyAttrs(id)
	if err != nil {
		return nil, ErrNotCached
	}
	return getIn[record.Accreditation](v.txn, objGrant, attrs...)
}

// SealKey returns a cached seal key.
func (v *Snapshot) SealKey(id string) (*record.SealKey, error) {
	return getIn[record.SealKey](v.txn, objSeal, id)
}

// LicenceType returns a cached licence type.
func (v *Snapshot) LicenceType(code string) (*record.LicenceType, error) {
	return getIn[record.LicenceType](v.txn, objType, code)
}
