package nodeops

import (
	"context"
	"sync"
	"time"

	"github.com/wanledger/wanledger/api"
)

// Watcher reads a fixed list of nodes for any number of callers: one read
// at a time, and a reading younger than MaxAge is answered again instead
// of read anew, so the nodes are read at most once per MaxAge however many
// callers ask. It is safe for concurrent use.
type Watcher struct {
	o WatchOptions

	mu     sync.Mutex
	last   []api.NodeReading
	lastAt time.Time
}

// WatchOptions are a Watcher's targets and bounds.
type WatchOptions struct {
	Targets  []Target
	Timeout  time.Duration    // each node's read
	Parallel int              // reads at once (at least one)
	MaxAge   time.Duration    // how long a reading is answered again
	Clock    func() time.Time // nil: time.Now
}

// NewWatcher makes a watcher of o.Targets.
func NewWatcher(o WatchOptions) *Watcher {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return &Watcher{o: o}
}

// Read answers the targets' readings, in their order: the last reading if
// it is younger than MaxAge, else a new one. The read goes on if ctx ends
// (a caller that gives up does not cut it short for the others), bounded
// by the timeout of each node. The readings are shared: do not change them.
func (w *Watcher) Read(ctx context.Context) []api.NodeReading {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.last != nil && w.o.Clock().Sub(w.lastAt) < w.o.MaxAge {
		return w.last
	}
	w.last = ReadAll(context.WithoutCancel(ctx), w.o.Targets, w.o.Parallel, w.o.Timeout, w.o.Clock)
	w.lastAt = w.o.Clock()
	return w.last
}
