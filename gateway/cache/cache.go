// Package cache is a gateway's Badger cache of what verification needs:
// licences, licence types, accreditation grants and seal keys, and the
// licences relayed from other channels, kept from the
// validated write sets of every block (see BlockWrites), never from
// chaincode events. Each block's updates and the new height commit in one
// Badger transaction, so a crash never leaves them apart, and the cache
// resumes from its height.
package cache

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/wanledger/wanledger/api/record"
)

// Store is the cache.
type Store struct {
	db      *badger.DB
	log     *slog.Logger
	dec     decoded
	dir     string
	reserve uint64 // bytes its filesystem keeps free (space.go)
}

// Open opens (or creates) the cache in dir of the channel named, which
// applies blocks only while its filesystem has reserve bytes free (Space;
// 0: no reserve). A cache belongs to the channel it was built from: one
// of another channel (a gateway whose organisation left one channel and
// joined another, ADR 41), of none recorded, or written in another format
// (an older version's) is emptied, to be rebuilt from block 0.
func Open(dir, channel string, log *slog.Logger, reserve uint64) (*Store, error) {
	if channel == "" {
		return nil, fmt.Errorf("open cache %s: no channel", dir)
	}
	opts := badger.DefaultOptions(dir).WithLogger(badgerLogger{log}).WithLoggingLevel(badger.WARNING)
	db, err := badger.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w", dir, err)
	}
	s := &Store{db: db, log: log, dir: dir, reserve: reserve}
	s.dec.init()
	err = s.checkFormat(channel)
	if err == nil {
		err = s.db.View(func(txn *badger.Txn) error {
			h, err := heightIn(txn)
			s.dec.at.Store(&mark{height: h})
			return err
		})
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open cache %s: %w", dir, err)
	}
	return s, nil
}

// Close closes the cache.
func (s *Store) Close() error { return s.db.Close() }

var (
	heightKey  = []byte("meta/height")
	formatKey  = []byte("meta/format")
	channelKey = []byte("meta/channel")
)

// format names the cache's layout: ledger keys under statePrefix, filled
// from write sets. Caches of earlier versions, filled from chaincode events,
// have no format and may hold what no validated write said; those of
// "write-sets/1" lack the relayed licences, those of "write-sets/2" the
// relayed seal keys and grants, those of "write-sets/3" the gateway
// endpoints, those of "write-sets/4" the audit index (written.go).
const format = "write-sets/5"

// checkFormat empties the cache unless it is of this format and of the
// channel, and records both.
func (s *Store) checkFormat(channel string) error {
	var have, of []byte
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		if have, err = metaIn(txn, formatKey); err != nil {
			return err
		}
		of, err = metaIn(txn, channelKey)
		return err
	})
	switch {
	case err != nil || string(have) == format && string(of) == channel:
		return err
	case have == nil && of == nil:
	case string(have) != format:
		s.log.Info("cache of another format: rebuilding it from block 0", "format", string(have), "want", format)
	case of == nil:
		s.log.Info("cache of no recorded channel (an older version's): rebuilding it from block 0", "want", channel)
	default:
		s.log.Info("cache of another channel: rebuilding it from block 0", "channel", string(of), "want", channel)
	}
	if err := s.db.DropAll(); err != nil {
		return err
	}
	return s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Set(formatKey, []byte(format)); err != nil {
			return err
		}
		return txn.Set(channelKey, []byte(channel))
	})
}

// metaIn reads a meta key's value, nil if it has none.
func metaIn(txn *badger.Txn, key []byte) ([]byte, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// Height is the number of blocks the cache reflects: the next block it
// expects. It is kept in memory (see decoded.applied); the error is always
// nil.
func (s *Store) Height() (uint64, error) { return s.dec.now().height, nil }

// ApplyBlock applies a block's writes (BlockWrites) and moves the height
// past it, in one transaction. A block below the height was applied already
// and is skipped; one beyond it is refused; none is applied while the disk
// is short of the reserve (Space: a *DiskFullError).
func (s *Store) ApplyBlock(number uint64, writes []Write) (applied bool, err error) {
	if err := s.Space(); err != nil {
		return false, err
	}
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
		for _, w := range writes {
			if err := s.apply(txn, number, w); err != nil {
				return fmt.Errorf("block %d key %q: %w", number, w.Key, err)
			}
		}
		applied = true
		return txn.Set(heightKey, binary.BigEndian.AppendUint64(nil, number+1))
	})
	if applied && err == nil {
		s.dec.applied(number+1, writes)
	}
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
	if len(v) != 8 {
		return 0, fmt.Errorf("corrupt height of %d bytes", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// Object types of the chaincode's composite keys (chaincode/domain) that
// the cache keeps.
const (
	objLicence = "licence"
	objType    = "type"
	objGrant   = "grant"
	objSeal    = "seal"
	objRelayed = "relay~licence"
	// relayed seal keys and grants, keyed by (source channel, ID)
	objRelayedSeal  = "relay~seal"
	objRelayedGrant = "relay~grant"
	objEndpoint     = "endpoint" // gateway mesh endpoints, by MSP ID
	objAccess       = "access"   // access records: only where they were written (written.go)
)

// objects are the cached object types, by composite-key object type: each
// decodes a written value and names the key attributes that value belongs
// under. Caching another type is one line here (and a getter).
var objects = map[string]func(value []byte) (attrs []string, err error){
	objLicence: keyedBy(func(l *record.Licence) []string { return []string{l.ID} }),
	objType:    keyedBy(func(t *record.LicenceType) []string { return []string{t.Code} }),
	objGrant: keyedBy(func(a *record.Accreditation) []string {
		attrs, _ := record.GrantKeyAttrs(a.GrantID) // nil for a malformed ID: not cached
		return attrs
	}),
	objSeal:     keyedBy(func(k *record.SealKey) []string { return []string{k.KeyID} }),
	objEndpoint: keyedBy(func(e *record.GatewayEndpoint) []string { return []string{e.MSPID} }),
	objRelayed: keyedBy(func(r *record.RelayedLicence) []string {
		if r.Licence == nil {
			return nil // not a licence: not cached
		}
		return []string{r.Licence.ID}
	}),
	objRelayedSeal: keyedBy(func(r *record.RelayedSealKey) []string {
		if r.SealKey == nil {
			return nil
		}
		return []string{r.Source.Channel, r.SealKey.KeyID}
	}),
	objRelayedGrant: keyedBy(func(r *record.RelayedGrant) []string {
		if r.Grant == nil {
			return nil
		}
		return []string{r.Source.Channel, r.Grant.GrantID}
	}),
}

func keyedBy[T any](attrs func(*T) []string) func([]byte) ([]string, error) {
	return func(b []byte) ([]string, error) {
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, err
		}
		return attrs(&v), nil
	}
}

// apply stores one write of a cached object type under its ledger key; a
// delete removes it. A value that does not decode as its type, or names
// another object than its key, is not cached, and what was cached under
// that key is dropped: the ledger no longer holds a record there that a
// verifier could rely on.
func (s *Store) apply(txn *badger.Txn, block uint64, w Write) error {
	if len(w.Key) > maxKeyLen {
		return nil // not a cached object
	}
	typ, attrs, ok := splitKey(w.Key)
	if ok && typ == objAccess {
		return noteWritten(txn, block, w)
	}
	decode, cached := objects[typ]
	if !ok || !cached {
		return nil
	}
	k := cacheKey(w.Key)
	if w.Delete {
		return txn.Delete(k)
	}
	named, err := decode(w.Value)
	if err == nil && !slices.Equal(named, attrs) {
		err = fmt.Errorf("the value names %q", named)
	}
	if err != nil {
		s.log.Warn("a validated write is not a consistent record; not cached", "block", block, "type", typ, "key", attrs, "err", err)
		return txn.Delete(k)
	}
	return txn.Set(k, w.Value)
}

// maxKeyLen bounds the ledger keys of cached objects, far above any the
// chaincode makes (IDs are short) and far below Badger's key limit.
const maxKeyLen = 1024

// statePrefix precedes ledger keys in the cache, apart from meta/ keys.
const statePrefix = "state/"

func cacheKey(ledgerKey string) []byte { return []byte(statePrefix + ledgerKey) }

// splitKey parses a composite key into its object type and (at least one)
// attributes.
func splitKey(k string) (typ string, attrs []string, ok bool) {
	if len(k) < 2 || k[0] != 0 || k[len(k)-1] != 0 {
		return "", nil, false
	}
	parts := strings.Split(k[1:len(k)-1], "\x00")
	if len(parts) < 2 {
		return "", nil, false
	}
	return parts[0], parts[1:], true
}

// ErrNotCached means the cache has no such object.
var ErrNotCached = errors.New("not in the cache")

// The getters below read one record from a snapshot of their own; View
// reads several at one height. Records are shared with every other reader
// of the same version: read them, never modify them.

// Licence returns a cached licence.
func (s *Store) Licence(id string) (*record.Licence, error) {
	return viewOne(s, (*Snapshot).Licence, id)
}

// Relayed returns a cached licence relayed from another channel.
func (s *Store) Relayed(id string) (*record.RelayedLicence, error) {
	return viewOne(s, (*Snapshot).Relayed, id)
}

// Grant returns a cached accreditation grant by its ID ("<agency ID>:<sequence>").
func (s *Store) Grant(id string) (*record.Accreditation, error) {
	return viewOne(s, (*Snapshot).Grant, id)
}

// SealKey returns a cached seal key.
func (s *Store) SealKey(id string) (*record.SealKey, error) {
	return viewOne(s, (*Snapshot).SealKey, id)
}

// LicenceType returns a cached licence type.
func (s *Store) LicenceType(code string) (*record.LicenceType, error) {
	return viewOne(s, (*Snapshot).LicenceType, code)
}

func viewOne[T any](s *Store, get func(*Snapshot, string) (*T, error), id string) (*T, error) {
	var out *T
	err := s.View(func(v *Snapshot) (err error) {
		out, err = get(v, id)
		return err
	})
	return out, err
}

// Endpoint returns an organisation's cached gateway endpoint.
func (s *Store) Endpoint(msp string) (*record.GatewayEndpoint, error) {
	return viewOne(s, (*Snapshot).Endpoint, msp)
}

// Endpoints lists every cached gateway endpoint, by MSP ID.
func (s *Store) Endpoints() ([]record.GatewayEndpoint, error) {
	var out []record.GatewayEndpoint
	_, err := s.Walk(Visits{Endpoints: func(e *record.GatewayEndpoint) error {
		out = append(out, *e)
		return nil
	}})
	return out, err
}

// Licences lists every cached licence, for comparing the cache with the ledger.
func (s *Store) Licences() (map[string]*record.Licence, error) {
	out := map[string]*record.Licence{}
	_, err := s.Walk(Visits{Licences: func(l *record.Licence) error {
		out[l.ID] = l
		return nil
	}})
	return out, err
}

// badgerLogger sends Badger's log to slog.
type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any)   { l.log.Error(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Warningf(f string, a ...any) { l.log.Warn(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Infof(f string, a ...any)    { l.log.Info(fmt.Sprintf(f, a...)) }
func (l badgerLogger) Debugf(f string, a ...any)   { l.log.Debug(fmt.Sprintf(f, a...)) }
