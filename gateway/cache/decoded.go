package cache

import (
	"sync"
	"sync/atomic"

	"github.com/wanledger/wanledger/gateway/lru"
)

// DecodedRecords bounds the decoded records a Store keeps between blocks,
// least recently used first out: 8,192 records of a few KB (a licence with
// its fields and status history is about 2 KB), some 16 MB at most.
const DecodedRecords = 8192

// decoded keeps the records readers decoded, by ledger key, so that a read
// between blocks neither opens a Badger transaction nor decodes JSON. A
// block drops the keys it wrote once it has committed (applied), together
// with publishing the new height: a reader that sees height h sees no
// record older than block h-1 left. A reader that decoded a value before a
// block committed may not keep it after that block's drop: keep refuses a
// record read in an earlier epoch.
type decoded struct {
	mu   sync.Mutex           // orders keep against applied
	at   atomic.Pointer[mark] // the epoch and the height, read together; written under mu
	recs *lru.Cache[string, any]
}

// mark is the cache's height and the decoded records' epoch (blocks
// applied since Open), which always change together.
type mark struct{ epoch, height uint64 }

// now is the current epoch and height.
func (d *decoded) now() mark { return *d.at.Load() }

// init makes the records' store, at epoch 0 and height 0.
func (d *decoded) init() {
	d.recs = lru.New[string, any](DecodedRecords)
	d.at.Store(&mark{})
}

// keep stores a record decoded from Badger under its ledger key, unless a
// block was applied since the reader loaded epoch (before reading Badger).
func (d *decoded) keep(key string, v any, epoch uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.now().epoch == epoch {
		d.recs.Put(key, v)
	}
}

// applied drops what a committed block wrote and publishes its height.
func (d *decoded) applied(height uint64, writes []Write) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, w := range writes {
		d.recs.Remove(w.Key)
	}
	d.at.Store(&mark{epoch: d.now().epoch + 1, height: height})
}
