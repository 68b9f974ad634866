package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestAnOpenLoopPlansTheRequestsDueWithinItsDuration(t *testing.T) {
	tests := []struct {
		name string
		load Load
		want int
	}{
		{"200/s for 30s", Load{Rate: 200, Duration: 30 * time.Second}, 6000},
		{"3/s for 1s: due at 0, 1/3 and 2/3 s", Load{Rate: 3, Duration: time.Second}, 3},
		{"0.5/s for 3s: due at 0 and 2 s", Load{Rate: 0.5, Duration: 3 * time.Second}, 2},
		{"bounded by requests", Load{Rate: 200, Duration: 30 * time.Second, Requests: 100}, 100},
		{"a closed loop plans its bound", Load{Clients: 4, Duration: time.Minute, Requests: 7}, 7},
		{"a closed loop without a bound plans none", Load{Clients: 4, Duration: time.Minute}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.load.Planned(); got != tt.want {
				t.Errorf("Planned = %d, want %d", got, tt.want)
			}
		})
	}
	l := Load{Rate: 200}
	if l.Due(0) != 0 || l.Due(200) != time.Second || l.Due(1) != 5*time.Millisecond {
		t.Errorf("Due(0), Due(1), Due(200) = %s, %s, %s", l.Due(0), l.Due(1), l.Due(200))
	}
}

func TestValidateReportsEveryProblemAndFillsTheTimeout(t *testing.T) {
	l := Load{Rate: -1, Clients: 0, Duration: 0, Requests: -2}
	err := l.Validate()
	for _, want := range []string{"rate", "clients", "duration", "requests"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want a word on %s", err, want)
		}
	}
	ok := Load{Clients: 64, Duration: time.Second}
	if err := ok.Validate(); err != nil || ok.Timeout != DefaultTimeout {
		t.Errorf("Validate() = %v, timeout %s", err, ok.Timeout)
	}
	if err := (&Load{Rate: math.NaN(), Clients: 1, Duration: time.Second}).Validate(); err == nil {
		t.Error("a NaN rate is valid")
	}
}

// near tells whether a histogram's value is want, to its three significant
// digits.
func near(got, want float64) bool { return math.Abs(got-want) <= want*1e-3 }

// fakeClock is a test's time: it moves only when a call advances it, and
// sleeping returns at once.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) SleepUntil(ctx context.Context, _ time.Time) error { return ctx.Err() }

// testOp is an operation whose call i runs do(i).
type testOp struct {
	items int
	do    func(ctx context.Context, i int) ([]Ack, error)
}

func (o testOp) Items() int { return max(o.items, 1) }

func (o testOp) Prepare(_ context.Context, i int) (Call, error) {
	return func(ctx context.Context) ([]Ack, error) { return o.do(ctx, i) }, nil
}

// A system that takes a second a request, driven at 10/s by one client:
// every request due is sent, and each one's latency runs from its due
// time, so the waits behind the slow system show (request i is answered
// at i+1 s and was due at i/10 s), where a closed loop would see 1 s each.
func TestAnOpenLoopTimesARequestFromItsDueTimeNotItsSend(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1e9, 0)}
	slow := testOp{do: func(context.Context, int) ([]Ack, error) { clock.advance(time.Second); return nil, nil }}
	open := Run(t.Context(), Load{Rate: 10, Clients: 1, Duration: time.Second, Timeout: time.Minute}, slow, Options{Clock: clock})
	if open.Requests != 10 || open.Succeeded != 10 {
		t.Fatalf("%d requests, %d succeeded; want the 10 due", open.Requests, open.Succeeded)
	}
	// Latencies 1.0, 1.9, …, 9.1 s: the 5th is the median, the 9th the
	// 90th percentile.
	if l := open.Latency; !near(l.Max, 9100) || !near(l.Mean, 5050) || !near(l.P50, 4600) || !near(l.P90, 8200) {
		t.Errorf("latency %+v ms, want max 9100, mean 5050, p50 4600, p90 8200", l)
	}
	if open.Elapsed != 10*time.Second {
		t.Errorf("elapsed %s, want 10s: from the start to the last answer", open.Elapsed)
	}

	clock = &fakeClock{now: time.Unix(1e9, 0)}
	closed := Run(t.Context(), Load{Clients: 1, Duration: time.Hour, Requests: 10, Timeout: time.Minute}, slow, Options{Clock: clock})
	if closed.Succeeded != 10 || !near(closed.Latency.Max, 1000) || !near(closed.Latency.P50, 1000) {
		t.Errorf("closed loop: %d succeeded, latency %+v; want 10 of 1000 ms", closed.Succeeded, closed.Latency)
	}
}

// A closed loop of 4 clients has 4 requests in flight, never more, and
// starts exactly the requests it is bounded to.
func TestAClosedLoopKeepsEachClientBusyWithOneRequest(t *testing.T) {
	var inFlight, most, calls atomic.Int64
	all := make(chan struct{})
	var once sync.Once
	op := testOp{do: func(ctx context.Context, _ int) ([]Ack, error) {
		calls.Add(1)
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if n == 4 {
			once.Do(func() { close(all) })
		}
		select { // the first requests wait until all four clients sent one
		case <-all:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return nil, nil
	}}
	res := Run(t.Context(), Load{Clients: 4, Duration: time.Hour, Requests: 40, Timeout: time.Minute}, op, Options{})
	if calls.Load() != 40 || res.Succeeded != 40 || res.Failed != 0 {
		t.Errorf("%d calls, %d succeeded, %d failed; want 40", calls.Load(), res.Succeeded, res.Failed)
	}
	if most.Load() != 4 {
		t.Errorf("%d requests in flight at most, want 4", most.Load())
	}
}

// coded is a failure with a code, as a gateway's refusal carries one.
type coded string

func (c coded) Error() string { return string(c) + ": refused" }

// Failures count by their code, preparations that failed too; only the
// succeeded requests count items and acknowledged writes. Observe is told
// of every request, with its code and acknowledged writes.
func TestFailuresAreCountedByCode(t *testing.T) {
	op := failingOp{testOp{items: 2, do: func(_ context.Context, i int) ([]Ack, error) {
		if i%3 == 0 {
			return nil, coded("CONFLICT")
		}
		return []Ack{{Key: fmt.Sprint(i), TxID: fmt.Sprintf("tx%d", i)}, {Key: fmt.Sprint(i, "b"), TxID: fmt.Sprintf("tx%d", i)}}, nil
	}}}
	codeOf := func(err error) string {
		var c coded
		if errors.As(err, &c) {
			return string(c)
		}
		return "OTHER"
	}
	var mu sync.Mutex
	observed := map[string]int{}
	observedAcks := 0
	observe := func(o Outcome) {
		mu.Lock()
		defer mu.Unlock()
		if (o.Err == nil) != (o.Code == "") || o.Answered.Before(o.Sent) {
			t.Errorf("outcome %+v", o)
		}
		observed[o.Code]++
		observedAcks += len(o.Acks)
	}
	res := Run(t.Context(), Load{Clients: 3, Duration: time.Hour, Requests: 30, Timeout: time.Minute}, op, Options{CodeOf: codeOf, Observe: observe})
	if observed["CONFLICT"] != 10 || observed["OTHER"] != 4 || observed[""] != 16 || observedAcks != 32 {
		t.Errorf("observed %v and %d acks; want each request told once, with its code and acks", observed, observedAcks)
	}
	// i in 0..29: 10 multiples of 3 refused; of the rest, 1 of 5 (5, 25,
	// …: i%5 == 0 and i%3 != 0 → 5, 10, 20, 25) fails to prepare.
	want := map[string]int{"CONFLICT": 10, "OTHER": 4}
	if res.Requests != 30 || res.Failed != 14 || len(res.Errors) != 2 || res.Errors["CONFLICT"] != 10 || res.Errors["OTHER"] != 4 {
		t.Errorf("%d requests, %d failed, errors %v; want 30, 14, %v", res.Requests, res.Failed, res.Errors, want)
	}
	if res.Succeeded != 16 || res.Items != 32 || len(res.Acks) != 32 {
		t.Errorf("%d succeeded, %d items, %d acks; want 16, 32, 32", res.Succeeded, res.Items, len(res.Acks))
	}
	if res.ErrorSamples["CONFLICT"] != "CONFLICT: refused" || res.ErrorSamples["OTHER"] != "no nonce" {
		t.Errorf("samples %v, want each code's message", res.ErrorSamples)
	}
	if c := res.ErrorCodes(); len(c) != 2 || c[0] != "CONFLICT" {
		t.Errorf("ErrorCodes = %v, want the most frequent first", c)
	}
}

// failingOp fails to prepare the requests whose index is a multiple of 5
// but not of 3.
type failingOp struct{ testOp }

func (o failingOp) Prepare(ctx context.Context, i int) (Call, error) {
	if i%5 == 0 && i%3 != 0 {
		return nil, errors.New("no nonce")
	}
	return o.testOp.Prepare(ctx, i)
}

func TestPercentilesOfKnownLatencies(t *testing.T) {
	r := newRecorder()
	for ms := 1; ms <= 1000; ms++ {
		r.succeeded(time.Duration(ms)*time.Millisecond, 1, nil)
	}
	r.failed("TIMEOUT", errors.New(strings.Repeat("slow ", 100)))
	res := r.result(2 * time.Second)
	if l := res.Latency; !near(l.P50, 500) || !near(l.P90, 900) || !near(l.P99, 990) || !near(l.Max, 1000) || !near(l.Mean, 500.5) {
		t.Errorf("latency %+v, want p50 500, p90 900, p99 990, max 1000, mean 500.5 ms", l)
	}
	if len(res.ErrorSamples["TIMEOUT"]) != MaxSample || !strings.HasPrefix(res.ErrorSamples["TIMEOUT"], "slow slow") {
		t.Errorf("sample %q, want the message cut to %d bytes", res.ErrorSamples["TIMEOUT"], MaxSample)
	}
	if res.Requests != 1001 || res.PerSecond() != 500 || res.ItemsPerSecond() != 500 || res.Errors["TIMEOUT"] != 1 {
		t.Errorf("%d requests, %g/s, %g items/s, errors %v", res.Requests, res.PerSecond(), res.ItemsPerSecond(), res.Errors)
	}
}

// When the caller's context ends, no request starts and Run returns.
func TestRunStopsWhenItsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var calls atomic.Int64
	op := testOp{do: func(context.Context, int) ([]Ack, error) {
		if calls.Add(1) == 5 {
			cancel()
		}
		return nil, nil
	}}
	res := Run(ctx, Load{Clients: 1, Duration: time.Hour, Timeout: time.Minute}, op, Options{})
	if res.Succeeded != 4 || calls.Load() != 5 {
		t.Errorf("%d succeeded of %d calls; want the 4 before the end (the fifth ended with it)", res.Succeeded, calls.Load())
	}
}
