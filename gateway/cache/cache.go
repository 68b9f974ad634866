// Package cache is a gateway's Badger cache of what verification needs:
// licences, licence types, accreditation grants and seal keys, kept from the
// chaincode events of every block. Each block's updates and the new height
// commit in one Badger transaction, so a crash never leaves them apart, and
// the cache resumes from its height.
package cache

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/dgraph-io/badger/v4"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Store is the cache.
type Store struct {
	db *badger.DB
}

// Open opens (or creates) the cache in dir.
func Open(dir string, log *slog.Logger) (*Store, error) {
	opts := badger.DefaultOptions(dir).WithLogger(badgerLogger{log}).WithLoggingLevel(badger.WARNING)
	db, err := badger.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w", dir, err)
	}
	return &Store{db: db}, nil
}

// Close closes the cache.
func (s *Store) Close() error { return s.db.Close() }

var heightKey = []byte("meta/height")

// Key prefixes of cached objects.
const (
	pLicence = "lic/"
	pType    = "type/"
	pGrant   = "grant/"
	pSeal    = "seal/"
)

// Height is the number of blocks the cache reflects: the next block it
// expects.
func (s *Store) Height() (uint64, error) {
	var h uint64
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(heightKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("corrupt height of %d bytes", len(v))
			}
			h = binary.BigEndian.Uint64(v)
			return nil
		})
	})
	return h, err
}

// Event is one chaincode event of a valid transaction.
type Event struct {
	Name    string
	Payload []byte
}

// envelope is the chaincode's event envelope.
type envelope struct {
	Version int             `json:"version"`
	Type    string          `json:"type"`
	TxID    string          `json:"txId"`
	Payload json.RawMessage `json:"payload"`
}

// ApplyBlock applies a block's events and moves the height past it, in one
// transaction. A block below the height was applied already and is skipped.
func (s *Store) ApplyBlock(number uint64, events []Event) (applied bool, err error) {
	err = s.db.Update(func(txn *badger.Txn) error {
		h, err := heightIn(txn)
		if err != nil {
			return err
		}
		if number < h {
			return nil
		}
		if number > h {
			return fmt.Errorf("block %d arrived while the cache expects %d", number, h)
		}
		for _, ev := range events {
			if err := apply(txn, ev); err != nil {
				return fmt.Errorf("block %d event %s: %w", number, ev.Name, err)
			}
		}
		applied = true
		return txn.Set(heightKey, binary.BigEndian.AppendUint64(nil, number+1))
	})
	return applied, err
}

func heightIn(txn *badger.Txn) (uint64, error) {
	item, err := txn.Get(heightKey)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(v), nil
}

// apply stores what one event changed.
func apply(txn *badger.Txn, ev Event) error {
	var env envelope
	if err := json.Unmarshal(ev.Payload, &env); err != nil {
		return err
	}
	if env.Version != domain.EventVersion {
		return fmt.Errorf("event version %d, want %d", env.Version, domain.EventVersion)
	}
	switch ev.Name {
	case domain.EventLicenceIssued, domain.EventLicenceStatusChanged, domain.EventLicenceRenewed:
		return putLicence(txn, env.Payload)
	case domain.EventLicenceBatchIssued:
		var b struct {
			Licences []json.RawMessage `json:"licences"`
		}
		if err := json.Unmarshal(env.Payload, &b); err != nil {
			return err
		}
		for _, l := range b.Licences {
			if err := putLicence(txn, l); err != nil {
				return err
			}
		}
	case domain.EventLicenceTypePut:
		return putKeyed[domain.LicenceType](txn, env.Payload, func(t domain.LicenceType) string { return pType + t.Code })
	case domain.EventAccreditationGranted, domain.EventAccreditationWithdrawn:
		return putKeyed[domain.Accreditation](txn, env.Payload, func(a domain.Accreditation) string { return pGrant + a.GrantID })
	case domain.EventSealKeyRegistered, domain.EventSealKeyRevoked:
		return putKeyed[domain.SealKey](txn, env.Payload, func(k domain.SealKey) string { return pSeal + k.KeyID })
	case domain.EventSealKeyRotated:
		var r struct {
			Old json.RawMessage `json:"old"`
			New json.RawMessage `json:"new"`
		}
		if err := json.Unmarshal(env.Payload, &r); err != nil {
			return err
		}
		for _, k := range []json.RawMessage{r.Old, r.New} {
			if err := putKeyed[domain.SealKey](txn, k, func(k domain.SealKey) string { return pSeal + k.KeyID }); err != nil {
				return err
			}
		}
	}
	return nil // other events concern nothing cached
}

func putLicence(txn *badger.Txn, raw []byte) error {
	return putKeyed[domain.Licence](txn, raw, func(l domain.Licence) string { return pLicence + l.ID })
}

// putKeyed stores an object's JSON under the key it names.
func putKeyed[T any](txn *badger.Txn, raw []byte, keyOf func(T) string) error {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	k := keyOf(v)
	if k == "" {
		return errors.New("object without an ID")
	}
	return txn.Set([]byte(k), raw)
}

// ErrNotCached means the cache has no such object.
var ErrNotCached = errors.New("not in the cache")

func get[T any](s *Store, key string) (*T, error) {
	var v T
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(key))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotCached
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error { return json.Unmarshal(b, &v) })
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Licence returns a cached licence.
func (s *Store) Licence(id string) (*domain.Licence, error) {
	return get[domain.Licence](s, pLicence+id)
}

// Grant returns a cached accreditation grant by its ID ("<agency ID>:<sequence>").
func (s *Store) Grant(id string) (*domain.Accreditation, error) {
	return get[domain.Accreditation](s, pGrant+id)
}

// SealKey returns a cached seal key.
func (s *Store) SealKey(id string) (*domain.SealKey, error) { return get[domain.SealKey](s, pSeal+id) }

// LicenceType returns a cached licence type.
func (s *Store) LicenceType(code string) (*domain.LicenceType, error) {
	return get[domain.LicenceType](s, pType+code)
}

// Licences lists every cached licence, for comparing the cache with the ledger.
func (s *Store) Licences() (map[string]*domain.Licence, error) {
	out := map[string]*domain.Licence{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(pLicence), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var l domain.Licence
			if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &l) }); err != nil {
				return err
			}
			out[l.ID] = &l
		}
		return nil
	})
	return out, err
}

// badgerLogger sends Badger's log to slog.
type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any)   { l.log.Error(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Warningf(f string, a ...any) { l.log.Warn(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Infof(f string, a ...any)    { l.log.Info(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Debugf(f string, a ...any)   { l.log.Debug(fmt.Sprintf(f, a...)) }
