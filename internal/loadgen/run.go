package loadgen

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Call sends one prepared request and returns the writes it acknowledged.
type Call func(ctx context.Context) ([]Ack, error)

// Op is an operation the generator drives.
type Op interface {
	// Prepare makes request i, ahead of its send and off the clock. It is
	// called from several goroutines at once.
	Prepare(ctx context.Context, i int) (Call, error)
	// Items is what one succeeded request counts: 50 for a batch of 50
	// licences, else 1.
	Items() int
}

// Clock is the generator's time: time.Now and a sleep, or a test's.
type Clock interface {
	Now() time.Time
	// SleepUntil returns at t, or ctx's error if ctx ends first.
	SleepUntil(ctx context.Context, t time.Time) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) SleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Options are a run's settings beside its load.
type Options struct {
	// CodeOf names a failure's code (e.g. the gateway's error code); nil:
	// every failure is "ERROR".
	CodeOf func(error) string
	// Clock is the run's time; nil: the real clock.
	Clock Clock
	// Producers is how many goroutines prepare requests; 0: 4.
	Producers int
	// Observe, if not nil, is told of each request as it ends, answered or
	// failed, from the goroutine that sent it (so it must be safe for
	// concurrent use, and quick). A request interrupted by ctx's end is
	// not told.
	Observe func(Outcome)
}

// Outcome is one request's end: when it was sent and answered, the writes
// it acknowledged, and its failure (Err nil if it succeeded) with its code.
// A request whose preparation failed was sent and answered at once.
type Outcome struct {
	Sent, Answered time.Time
	Acks           []Ack
	Err            error
	Code           string
}

// prepared is a request made ready by a producer.
type prepared struct {
	call Call
	err  error
}

// Run drives op with load (validated) until Duration has passed or
// Requests were started, waits for every answer, and returns the result.
// When ctx ends, no further request starts; requests in flight end with
// it and are not counted. A request whose preparation failed counts as
// failed, with its error's code.
func Run(ctx context.Context, load Load, op Op, o Options) Result {
	if o.CodeOf == nil {
		o.CodeOf = func(error) string { return "ERROR" }
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.Producers <= 0 {
		o.Producers = 4
	}
	r := &runner{load: load, op: op, o: o, rec: newRecorder()}
	prodCtx, stopProducers := context.WithCancel(ctx)
	defer stopProducers()
	r.ready = make(chan prepared, load.Clients)
	r.produce(prodCtx)
	start := o.Clock.Now()
	r.end = start.Add(load.Duration)
	var wg sync.WaitGroup
	if load.Open() {
		tickets := make(chan time.Time)
		for range load.Clients {
			wg.Go(func() { r.openClient(ctx, tickets) })
		}
		r.dispatch(ctx, start, tickets)
		close(tickets)
	} else {
		for range load.Clients {
			wg.Go(func() { r.closedClient(ctx) })
		}
	}
	wg.Wait()
	stopProducers()
	last := r.last
	if last.IsZero() { // nothing was answered
		last = o.Clock.Now()
	}
	return r.rec.result(last.Sub(start))
}

type runner struct {
	load  Load
	op    Op
	o     Options
	rec   *recorder
	ready chan prepared
	end   time.Time // no request starts at or after it

	next atomic.Int64 // the next request's index (closed loop)
	mu   sync.Mutex
	last time.Time // the last answer
}

// produce starts the producers: each prepares the next request until the
// planned number is prepared (if known) or ctx ends.
func (r *runner) produce(ctx context.Context) {
	var next atomic.Int64
	planned := r.load.Planned()
	for range r.o.Producers {
		go func() {
			for {
				i := int(next.Add(1) - 1)
				if planned > 0 && i >= planned {
					return
				}
				call, err := r.op.Prepare(ctx, i)
				select {
				case r.ready <- prepared{call, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
}

// dispatch hands each request of an open loop to a client at its due
// time; when every client is busy, it waits, and the request keeps its
// due time.
func (r *runner) dispatch(ctx context.Context, start time.Time, tickets chan<- time.Time) {
	for i := range r.load.Planned() {
		due := start.Add(r.load.Due(i))
		if r.o.Clock.SleepUntil(ctx, due) != nil {
			return
		}
		select {
		case tickets <- due:
		case <-ctx.Done():
			return
		}
	}
}

func (r *runner) openClient(ctx context.Context, tickets <-chan time.Time) {
	for due := range tickets {
		r.send(ctx, due)
	}
}

func (r *runner) closedClient(ctx context.Context) {
	for ctx.Err() == nil {
		i := int(r.next.Add(1) - 1)
		if r.load.Requests > 0 && i >= r.load.Requests || !r.o.Clock.Now().Before(r.end) {
			return
		}
		r.send(ctx, time.Time{})
	}
}

// send takes the next prepared request and sends it; its latency runs
// from due (an open loop's) or else from the send.
func (r *runner) send(ctx context.Context, due time.Time) {
	var p prepared
	select {
	case p = <-r.ready:
	case <-ctx.Done():
		return
	}
	if p.err != nil {
		now := r.o.Clock.Now()
		r.fail(Outcome{Sent: now, Answered: now, Err: p.err})
		return
	}
	sent := r.o.Clock.Now()
	from := due
	if from.IsZero() {
		from = sent
	}
	cctx, cancel := context.WithTimeout(ctx, r.load.Timeout)
	acks, err := p.call(cctx)
	cancel()
	now := r.o.Clock.Now()
	if ctx.Err() != nil {
		return // interrupted: neither an answer nor the system's failure
	}
	r.mu.Lock()
	if now.After(r.last) {
		r.last = now
	}
	r.mu.Unlock()
	if err != nil {
		r.fail(Outcome{Sent: sent, Answered: now, Err: err})
		return
	}
	r.rec.succeeded(now.Sub(from), r.op.Items(), acks)
	if r.o.Observe != nil {
		r.o.Observe(Outcome{Sent: sent, Answered: now, Acks: acks})
	}
}

// fail records a failed request by its code and tells Observe.
func (r *runner) fail(o Outcome) {
	o.Code = r.o.CodeOf(o.Err)
	r.rec.failed(o.Code, o.Err)
	if r.o.Observe != nil {
		r.o.Observe(o)
	}
}
