package cache

import (
	"encoding/json"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api/record"
)

// Visits are what Walk calls for each record of a kind; a nil one skips
// the kind. Records are fresh copies, in ledger key order.
type Visits struct {
	Types    func(*record.LicenceType) error
	Grants   func(*record.Accreditation) error
	SealKeys func(*record.SealKey) error
	Licences func(*record.Licence) error
	Relayed  func(*record.RelayedLicence) error
	// Endpoints are the gateways' mesh endpoints.
	Endpoints func(*record.GatewayEndpoint) error
}

// Walk reads every cached record of the kinds v visits, in that order, in
// one Badger transaction, and returns the number of blocks they reflect.
// It stops at the first error a visit returns.
func (s *Store) Walk(v Visits) (uint64, error) {
	var height uint64
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		if height, err = heightIn(txn); err != nil {
			return err
		}
		if err := walk(txn, objType, v.Types); err != nil {
			return err
		}
		if err := walk(txn, objGrant, v.Grants); err != nil {
			return err
		}
		if err := walk(txn, objSeal, v.SealKeys); err != nil {
			return err
		}
		if err := walk(txn, objLicence, v.Licences); err != nil {
			return err
		}
		if err := walk(txn, objRelayed, v.Relayed); err != nil {
			return err
		}
		return walk(txn, objEndpoint, v.Endpoints)
	})
	return height, err
}

func walk[T any](txn *badger.Txn, typ string, visit func(*T) error) error {
	if visit == nil {
		return nil
	}
	prefix, err := shim.CreateCompositeKey(typ, nil)
	if err != nil {
		return err
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: cacheKey(prefix), PrefetchValues: true, PrefetchSize: 100})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var t T
		if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &t) }); err != nil {
			return err
		}
		if err := visit(&t); err != nil {
			return err
		}
	}
	return nil
}
