// Package vlog is a verifying gateway's log of the presentations it
// verified, in its own Badger database (docs/adr/0019-who-verified-log.md):
// entries keyed by licence, so that a holder can list who verified their
// licences. Nothing of it reaches the ledger. Entries expire after a
// retention period; a licence keeps at most MaxPerLicence of them.
package vlog

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/wanledger/wanledger/api"
)

// Defaults of a Log.
const (
	DefaultRetention = 365 * 24 * time.Hour
	MaxPerLicence    = 1000 // entries a listing returns at most, the newest
)

// Log is the verification log; safe for concurrent use.
type Log struct {
	db        *badger.DB
	retention time.Duration
	seq       atomic.Uint64 // orders entries of the same time, across restarts too
}

// Open opens (or creates) the log in dir; "" opens one in memory (lost at
// Close). Entries live retention (DefaultRetention if <= 0).
func Open(dir string, retention time.Duration, log *slog.Logger) (*Log, error) {
	if retention <= 0 {
		retention = DefaultRetention
	}
	opts := badger.DefaultOptions(dir).WithInMemory(dir == "").WithLoggingLevel(badger.WARNING).
		WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(8 << 20).WithValueLogFileSize(64 << 20)
	if log != nil {
		opts = opts.WithLogger(badgerLogger{log})
	}
	db, err := badger.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open verification log %s: %w", dir, err)
	}
	l := &Log{db: db, retention: retention}
	l.seq.Store(uint64(time.Now().UnixNano())) // later than any sequence before a restart
	return l, nil
}

// Close closes the log.
func (l *Log) Close() error { return l.db.Close() }

// key is "v/" licence ID "/" 8 bytes of unix nanoseconds and 8 of sequence,
// big-endian, so a licence's entries iterate in time order.
func (l *Log) key(e *api.VerificationEntry) []byte {
	k := append([]byte("v/"+e.LicenceID+"/"), make([]byte, 16)...)
	binary.BigEndian.PutUint64(k[len(k)-16:], uint64(e.At.UnixNano()))
	binary.BigEndian.PutUint64(k[len(k)-8:], l.seq.Add(1))
	return k
}

// Append records an entry.
func (l *Log) Append(e api.VerificationEntry) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return l.db.Update(func(txn *badger.Txn) error {
		return txn.SetEntry(badger.NewEntry(l.key(&e), v).WithTTL(l.retention))
	})
}

// ForLicence lists a licence's entries, oldest first: the newest
// MaxPerLicence.
func (l *Log) ForLicence(id string) ([]api.VerificationEntry, error) {
	var out []api.VerificationEntry
	prefix := []byte("v/" + id + "/")
	err := l.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix, opts.Reverse = prefix, true
		it := txn.NewIterator(opts)
		defer it.Close()
		seek := append(append([]byte(nil), prefix...), 0xff)
		for it.Seek(seek); it.ValidForPrefix(prefix) && len(out) < MaxPerLicence; it.Next() {
			var e api.VerificationEntry
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

type badgerLogger struct{ log *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.log.Error(fmt.Sprintf(f, a...)) }
func (b badgerLogger) Warningf(f string, a ...any) { b.log.Warn(fmt.Sprintf(f, a...)) }
func (b badgerLogger) Infof(f string, a ...any)    { b.log.Info(fmt.Sprintf(f, a...)) }
func (b badgerLogger) Debugf(f string, a ...any)   { b.log.Debug(fmt.Sprintf(f, a...)) }
