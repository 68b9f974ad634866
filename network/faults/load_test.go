//go:build faults

package faults

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wanledger/wanledger/internal/loadgen"
	"github.com/wanledger/wanledger/network/bench"
	"github.com/wanledger/wanledger/network/nettest"
)

// offered is the load each fault runs under: an open loop small enough to
// leave the two cores to the network and to recovery.
var offered = loadgen.Load{Rate: 20, Clients: 32, Duration: 30 * time.Second, Timeout: 30 * time.Second}

// load is a run of `wanledger bench`, in process, in the background,
// through Hefei's gateway, with the demo's keys: every request's end is
// recorded as it happens, so a test can inject a fault mid-run and see
// when writes resume.
type load struct {
	prefix string
	load   loadgen.Load
	ops    []string
	done   chan struct{}

	mu    sync.Mutex
	first time.Time // the first timed request's end
	ends  []loadgen.Outcome
	rep   *bench.Report
	err   error
}

// startLoad runs the operations (bench.Names) under l until they end or
// the test does.
func startLoad(t *testing.T, env *nettest.Env, l loadgen.Load, ops ...string) *load {
	t.Helper()
	name := t.Name()
	short := strings.ToLower(name[strings.LastIndexByte(name, '/')+1:])
	short = short[:min(len(short), 8)]
	r := &load{prefix: "fault-" + short + "-" + strconv.FormatInt(time.Now().UnixMilli(), 36), load: l, ops: ops, done: make(chan struct{})}
	cfg := bench.Config{Home: env.Net.Home, Org: "hefei", Operations: ops, Load: l, Prefix: r.prefix,
		Progress: logWriter{t}, Observe: r.observe}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); <-r.done })
	go func() {
		defer close(r.done)
		rep, err := bench.Run(ctx, cfg)
		r.mu.Lock()
		r.rep, r.err = rep, err
		r.mu.Unlock()
	}()
	return r
}

func (r *load) observe(_ string, o loadgen.Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first.IsZero() {
		r.first = o.Answered
	}
	r.ends = append(r.ends, o)
}

// running waits until the timed part of the run has begun (its first
// request ended) and has gone on for d.
func (r *load) running(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		r.mu.Lock()
		first := r.first
		r.mu.Unlock()
		if !first.IsZero() {
			time.Sleep(time.Until(first.Add(d)))
			return
		}
		select {
		case <-r.done:
			t.Fatalf("the load ended before it began: %v", r.err) // r.err is set before done closes
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the load's timed part did not begin within 3 minutes")
		}
	}
}

// resumed waits until a request sent after `after` is acknowledged, and
// returns when it was answered: writes resumed after a fault.
func (r *load) resumed(t *testing.T, after time.Time, within time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if at, ok := r.ackedAfter(after); ok {
			return at
		}
		if time.Now().After(deadline) {
			t.Fatalf("no write sent after %s was acknowledged within %s; failures: %v", after.Format(time.TimeOnly), within, r.failures())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ackedAfter is the first answer to a succeeded request sent after t.
func (r *load) ackedAfter(t time.Time) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var first time.Time
	for _, o := range r.ends {
		if o.Err == nil && o.Sent.After(t) && (first.IsZero() || o.Answered.Before(first)) {
			first = o.Answered
		}
	}
	return first, !first.IsZero()
}

// failures counts the failed requests by code so far.
func (r *load) failures() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, o := range r.ends {
		if o.Err != nil {
			out[o.Code]++
		}
	}
	return out
}

// wait waits for the run's end and returns its report; the run must have
// ended by itself, not failed.
func (r *load) wait(t *testing.T) *bench.Report {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(5 * time.Minute):
		t.Fatal("the load did not end within 5 minutes")
	}
	if r.err != nil {
		t.Fatalf("bench: %v", r.err)
	}
	return r.rep
}

// acks are the writes the run acknowledged, of every operation.
func acks(rep *bench.Report) []loadgen.Ack {
	var out []loadgen.Ack
	for _, o := range rep.Operations {
		out = append(out, o.Acks...)
	}
	return out
}

// logWriter writes the bench's progress lines to the test's log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
