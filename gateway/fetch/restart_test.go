package fetch

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// away takes the provider off the network mid-stream, as a killed
// process: its link to the requester goes, its connections close and it
// serves the protocol no more. It returns a function that brings it back
// after a delay, as a restart would: linked again, serving with a new
// Server over the same rows and ledger.
func (n *testNet) away() (back func(delay time.Duration) <-chan struct{}) {
	n.provider.RemoveStreamHandler(ProtocolID)
	if err := n.mn.UnlinkPeers(n.provider.ID(), n.req.ID()); err != nil {
		n.t.Error(err)
	}
	n.mn.DisconnectPeers(n.provider.ID(), n.req.ID())
	return func(delay time.Duration) <-chan struct{} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			time.Sleep(delay)
			if _, err := n.mn.LinkPeers(n.provider.ID(), n.req.ID()); err != nil {
				n.t.Error(err)
				return
			}
			srv, err := NewServer(n.server.cfg, n.rows, n.ids, n.pl)
			if err != nil {
				n.t.Error(err)
				return
			}
			srv.Register(n.provider)
		}()
		return done
	}
}

// goneAt is a mitm's mutation that passes every message on but, the
// first time the message sent is reached, calls away instead: the
// provider's host, which the requester reaches through the mitm's, goes
// mid-stream. (The provider seals the whole response before the commit,
// so only the stream shows where a transfer is.)
func (n *testNet) goneAt(at int, away func()) func(typ byte, body []byte, sent int) [][2][]byte {
	var once sync.Once
	return func(typ byte, body []byte, sent int) [][2][]byte {
		if sent == at {
			once.Do(away)
			return nil
		}
		return [][2][]byte{{{typ}, body}}
	}
}

// The provider's gateway goes away mid-stream and comes back two seconds
// later: the requester's resumes, paced by backoff, reach the restarted
// provider, and the fetch completes with every row and one use.
func TestATransferResumesAcrossAProviderRestart(t *testing.T) {
	n := newNet(t, 500, Config{ChunkSize: 2048})
	n.client.cfg.ResumeWait = 30 * time.Second
	n.chain.grant("AUTH-1", func(a *record.Authorization) { a.MaxUses = 1 })
	var restarted atomic.Pointer[<-chan struct{}]
	n.mitm(n.goneAt(3, func() {
		done := n.away()(2 * time.Second)
		restarted.Store(&done)
	}))
	res, err := n.fetch(ask("AUTH-1", "address", "members"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	done := restarted.Load()
	if done == nil {
		t.Fatal("the provider never went away")
	}
	select {
	case <-*done:
	default:
		t.Fatal("the fetch completed while the provider was away")
	}
	if got, want := collect(t, res), n.rows.tables["hefei.household"].project("address", "members"); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("after the restart: %d rows, want %d", len(got), len(want))
	}
	if u, calls, trail := n.chain.uses("AUTH-1"), n.pl.accesses.Load(), n.chain.trail("AUTH-1"); u != 1 || calls != 1 || len(trail) != 1 {
		t.Errorf("uses %d, accesses submitted %d, trail %d records: want 1, 1, 1", u, calls, len(trail))
	}
}

// A provider that does not come back within the resume wait ends the
// fetch TRANSFER_TRUNCATED; so does the request's context, at once,
// while the requester waits to resume.
func TestResumesEndWithTheResumeWaitOrTheContext(t *testing.T) {
	for _, tt := range []struct {
		name   string
		wait   time.Duration
		cancel bool
	}{{"the resume wait spent", time.Second, false}, {"the context cancelled", time.Hour, true}} {
		t.Run(tt.name, func(t *testing.T) {
			n := newNet(t, 300, Config{ChunkSize: 1024})
			n.client.cfg.ResumeWait = tt.wait
			n.chain.grant("AUTH-1", nil)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var gone atomic.Bool
			n.mitm(n.goneAt(3, func() {
				gone.Store(true)
				n.away()
				if tt.cancel {
					time.AfterFunc(500*time.Millisecond, cancel)
				}
			}))
			start := time.Now()
			res, err := n.client.Fetch(ctx, n.provider.ID(), ask("AUTH-1", "address"), n.signer("wuhu-requester"))
			if res != nil || codeOf(err) != api.CodeTransferTruncate || !gone.Load() {
				t.Fatalf("%v, %v (provider gone: %v); want %s and no result", res, err, gone.Load(), api.CodeTransferTruncate)
			}
			if took := time.Since(start); took > time.Minute {
				t.Errorf("the fetch gave up after %s", took)
			}
		})
	}
}

// Each wait lies in the upper half of its step; the steps double from
// resumeBase up to resumeCap.
func TestBackoffStepsDoubleToTheCapWithJitter(t *testing.T) {
	b := backoff{step: resumeBase}
	step := resumeBase
	for i := range 12 {
		d := b.delay()
		if d < step/2 || d > step {
			t.Errorf("wait %d is %s, want %s to %s", i, d, step/2, step)
		}
		step = min(2*step, resumeCap)
	}
	if b.step != resumeCap {
		t.Errorf("the step reached %s, want the cap %s", b.step, resumeCap)
	}
}
