// Package vlog is a verifying gateway's log of the presentations it
// verified, in its own Badger database (docs/adr/0019-who-verified-log.md):
// entries keyed by licence, so that a holder can list who verified their
// licences. Nothing of it reaches the ledger. Entries expire after a
// retention period; a licence keeps at most MaxPerLicence of them.
//
// Append queues an entry (a bounded queue: a full queue makes Append wait)
// and one writer commits what has queued in one Badger write batch, off
// the request's path. A listing first waits for everything queued
// before it; Close writes everything queued. A crash of the process loses
// the entries still queued (at most QueueLen), and like every Badger
// write without sync, a crash of the machine what the OS had not written.
package vlog

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/wanledger/wanledger/api"
)

// Defaults of a Log.
const (
	DefaultRetention = 365 * 24 * time.Hour
	MaxPerLicence    = 1000 // entries a listing returns at most, the newest
	QueueLen         = 4096 // entries queued for the writer at most
	maxBatch         = 512  // entries the writer commits in one transaction at most
)

// ErrClosed is Append's error after Close.
var ErrClosed = errors.New("vlog: the verification log is closed")

// Log is the verification log; safe for concurrent use.
type Log struct {
	db        *badger.DB
	log       *slog.Logger
	retention time.Duration
	seq       atomic.Uint64 // orders entries of the same time, across restarts too

	mu      sync.RWMutex // held to send on queue; Close takes it to close queue
	closed  bool
	queue   chan queued
	written chan struct{} // closed when the writer has written all and ended
}

// queued is an entry for the writer (key and value), or a flush: done is
// closed once everything queued before it is committed.
type queued struct {
	key, val []byte
	done     chan struct{}
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
	if log == nil {
		log = slog.Default()
	}
	l := &Log{db: db, log: log, retention: retention, queue: make(chan queued, QueueLen), written: make(chan struct{})}
	l.seq.Store(uint64(time.Now().UnixNano())) // later than any sequence before a restart
	go l.write()
	return l, nil
}

// Close writes the queued entries and closes the log.
func (l *Log) Close() error {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.queue)
	}
	l.mu.Unlock()
	<-l.written
	return l.db.Close()
}

// enqueue hands q to the writer, waiting while the queue is full.
func (l *Log) enqueue(q queued) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	l.queue <- q
	return nil
}

// write is the writer: it takes what has queued, up to maxBatch entries,
// commits it in one transaction, then releases the flushes among it.
func (l *Log) write() {
	defer close(l.written)
	batch := make([]queued, 0, maxBatch)
	for q := range l.queue {
		batch = append(batch[:0], q)
	fill:
		for len(batch) < maxBatch {
			select {
			case q, ok := <-l.queue:
				if !ok {
					break fill
				}
				batch = append(batch, q)
			default:
				break fill
			}
		}
		if err := l.commit(batch); err != nil {
			l.log.Error("verification log write", "entries", len(batch), "err", err)
		}
		for _, q := range batch {
			if q.done != nil {
				close(q.done)
			}
		}
	}
}

// commit writes a batch's entries; a WriteBatch splits a batch too large
// for one transaction.
func (l *Log) commit(batch []queued) error {
	wb := l.db.NewWriteBatch()
	for _, q := range batch {
		if q.done == nil {
			if err := wb.SetEntry(badger.NewEntry(q.key, q.val).WithTTL(l.retention)); err != nil {
				wb.Cancel()
				return err
			}
		}
	}
	return wb.Flush()
}

// flush waits until everything queued before it is committed.
func (l *Log) flush() error {
	done := make(chan struct{})
	if err := l.enqueue(queued{done: done}); err != nil {
		return err
	}
	<-done
	return nil
}

// key is "v/" licence ID "/" 8 bytes of unix nanoseconds and 8 of sequence,
// big-endian, so a licence's entries iterate in time order.
func (l *Log) key(e *api.VerificationEntry) []byte {
	k := append([]byte("v/"+e.LicenceID+"/"), make([]byte, 16)...)
	binary.BigEndian.PutUint64(k[len(k)-16:], uint64(e.At.UnixNano()))
	binary.BigEndian.PutUint64(k[len(k)-8:], l.seq.Add(1))
	return k
}

// Append queues an entry for the writer; its order among entries of the
// same time is the order of Append calls. It fails only for an entry that
// does not encode or after Close; a failed write is logged by the writer.
func (l *Log) Append(e api.VerificationEntry) error {
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return l.enqueue(queued{key: l.key(&e), val: v})
}

// ForLicence lists a licence's entries, oldest first: the newest
// MaxPerLicence, including every entry appended before the call.
func (l *Log) ForLicence(id string) ([]api.VerificationEntry, error) {
	if err := l.flush(); err != nil {
		return nil, err
	}
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
