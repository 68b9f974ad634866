package cache

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/dgraph-io/badger/v4"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api/record"
)

// Snapshot is the cache at one height: every read of it reflects exactly
// Height blocks, so an answer and the height it reports belong together
// even while blocks apply. Reads come from the decoded records when no
// block has been applied since the snapshot began, else from one Badger
// transaction at Height. It lives only inside View. Records it returns are
// shared with other readers: read them, never modify them.
type Snapshot struct {
	Height uint64 // the number of blocks the snapshot reflects

	s     *Store
	epoch uint64      // the decoded records' epoch at Height
	txn   *badger.Txn // opened on the first read the decoded records miss
	slow  bool        // Badger only: a block was applied during a first try
	moved bool        // a block was applied since the snapshot began
}

// View runs fn over a consistent snapshot of the cache. If a block is
// applied while fn reads, fn runs once more over a Badger-only snapshot, so
// fn must be safe to run twice.
func (s *Store) View(fn func(*Snapshot) error) error {
	snap := &Snapshot{s: s}
	m := s.dec.now() // epoch and height, as they change: together
	snap.epoch, snap.Height = m.epoch, m.height
	err := snap.run(fn)
	if !snap.moved {
		return err
	}
	snap = &Snapshot{s: s, slow: true, txn: s.db.NewTransaction(false)}
	if snap.Height, err = heightIn(snap.txn); err != nil {
		snap.txn.Discard()
		return err
	}
	return snap.run(fn)
}

func (v *Snapshot) run(fn func(*Snapshot) error) error {
	defer func() {
		if v.txn != nil {
			v.txn.Discard()
		}
	}()
	return fn(v)
}

// errMoved ends the reads of a snapshot that a block overtook.
var errMoved = errors.New("cache: a block was applied during the read")

// read returns the record under a ledger key, decoded into a new T.
func read[T any](v *Snapshot, typ string, attrs ...string) (*T, error) {
	k, err := shim.CreateCompositeKey(typ, attrs)
	if err != nil || slices.Contains(attrs, "") {
		return nil, ErrNotCached // no ledger key has such attributes
	}
	if v.moved {
		return nil, errMoved
	}
	dec := &v.s.dec
	if !v.slow {
		r, ok := dec.recs.Get(k)
		if t, isT := r.(*T); ok && isT && dec.now().epoch == v.epoch {
			return t, nil
		}
		if v.txn == nil {
			v.txn = v.s.db.NewTransaction(false)
			h, err := heightIn(v.txn)
			if err != nil {
				return nil, err
			}
			if h != v.Height {
				v.moved = true
				return nil, errMoved
			}
		}
	}
	item, err := v.txn.Get(cacheKey(k))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotCached
	}
	if err != nil {
		return nil, err
	}
	var t T
	if err := item.Value(func(b []byte) error { return json.Unmarshal(b, &t) }); err != nil {
		return nil, err
	}
	if !v.slow {
		dec.keep(k, &t, v.epoch)
	}
	return &t, nil
}

// Licence returns a cached licence.
func (v *Snapshot) Licence(id string) (*record.Licence, error) {
	return read[record.Licence](v, objLicence, id)
}

// Relayed returns a cached licence relayed from another channel, with the
// latest seal key and grant of its source relayed here in place of the
// copies its proof carried (record.RelayedLicence.Latest). A channel never
// holds a licence of its own and a relayed one of the same ID. The result
// is new on each call, but its records are the cached ones: the seal key
// is the same pointer for as long as its cached version stands.
func (v *Snapshot) Relayed(id string) (*record.RelayedLicence, error) {
	rl, err := read[record.RelayedLicence](v, objRelayed, id)
	if err != nil || rl.Licence == nil {
		return rl, err
	}
	var key *record.RelayedSealKey
	if rl.SealKey != nil {
		if key, err = readOptional[record.RelayedSealKey](v, objRelayedSeal, rl.Source.Channel, rl.SealKey.KeyID); err != nil {
			return nil, err
		}
	}
	var grant *record.RelayedGrant
	if rl.Grant != nil {
		if grant, err = readOptional[record.RelayedGrant](v, objRelayedGrant, rl.Source.Channel, rl.Grant.GrantID); err != nil {
			return nil, err
		}
	}
	return rl.Latest(key, grant), nil
}

// readOptional is read, with nil for a record not cached.
func readOptional[T any](v *Snapshot, typ string, attrs ...string) (*T, error) {
	t, err := read[T](v, typ, attrs...)
	if errors.Is(err, ErrNotCached) {
		return nil, nil
	}
	return t, err
}

// Grant returns a cached grant by its ID ("<agency ID>:<sequence>").
func (v *Snapshot) Grant(id string) (*record.Accreditation, error) {
	attrs, err := record.GrantKeyAttrs(id)
	if err != nil {
		return nil, ErrNotCached
	}
	return read[record.Accreditation](v, objGrant, attrs...)
}

// SealKey returns a cached seal key.
func (v *Snapshot) SealKey(id string) (*record.SealKey, error) {
	return read[record.SealKey](v, objSeal, id)
}

// LicenceType returns a cached licence type.
func (v *Snapshot) LicenceType(code string) (*record.LicenceType, error) {
	return read[record.LicenceType](v, objType, code)
}

// Endpoint returns an organisation's cached gateway endpoint.
func (v *Snapshot) Endpoint(msp string) (*record.GatewayEndpoint, error) {
	return read[record.GatewayEndpoint](v, objEndpoint, msp)
}
