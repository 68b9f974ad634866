// Package loadgen drives an operation with a load: a fixed arrival rate
// (an open loop: request i is due at start + i/rate, whether or not
// earlier ones have been answered) or a fixed number of clients that each
// send their next request as soon as their last is answered (a closed
// loop). It records each answered request's latency in an HDR histogram
// and each failure by its code.
//
// An open loop measures a request's latency from the time it was due, not
// from the time it was sent: a request that waited for a free client
// because the system under test was slow counts the wait, so a stall
// shows in the percentiles instead of hiding in fewer samples (the
// "coordinated omission" of a closed loop, as wrk2 and HdrHistogram name
// it). A closed loop measures from the send.
//
// Requests are prepared ahead, off the clock, by producers running ahead
// of the clients (Op.Prepare), so that a latency is the system's, not the
// preparation's, unless the producers fall behind.
package loadgen

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Load is how an operation is driven.
type Load struct {
	// Rate is the requests started per second: an open loop. 0 is a
	// closed loop.
	Rate float64
	// Clients is the number of clients, each with one request in flight
	// at a time: in an open loop, a request due while every client is busy
	// waits, timed from its due time.
	Clients int
	// Duration is how long requests are started.
	Duration time.Duration
	// Requests, if not 0, bounds the requests started.
	Requests int
	// Timeout bounds one request; 0 is DefaultTimeout.
	Timeout time.Duration
}

// Limits of a Load.
const (
	MaxClients     = 4096
	MaxDuration    = 24 * time.Hour
	MaxRequests    = 10_000_000
	DefaultTimeout = 2 * time.Minute
)

// Validate checks a load and fills its defaults; every problem is
// reported at once.
func (l *Load) Validate() error {
	var errs []error
	if l.Rate < 0 || math.IsNaN(l.Rate) || math.IsInf(l.Rate, 0) {
		errs = append(errs, fmt.Errorf("rate %v: want a positive number of requests a second, or none for a closed loop", l.Rate))
	}
	if l.Clients < 1 || l.Clients > MaxClients {
		errs = append(errs, fmt.Errorf("clients %d: want 1 to %d", l.Clients, MaxClients))
	}
	if l.Duration <= 0 || l.Duration > MaxDuration {
		errs = append(errs, fmt.Errorf("duration %s: want more than 0 and at most %s", l.Duration, MaxDuration))
	}
	if l.Requests < 0 || l.Requests > MaxRequests {
		errs = append(errs, fmt.Errorf("requests %d: want 0 (no limit) to %d", l.Requests, MaxRequests))
	}
	if l.Rate*l.Duration.Seconds() > MaxRequests {
		errs = append(errs, fmt.Errorf("rate × duration is more than %d requests", MaxRequests))
	}
	if l.Timeout == 0 {
		l.Timeout = DefaultTimeout
	}
	if l.Timeout < 0 {
		errs = append(errs, errors.New("a negative timeout"))
	}
	return errors.Join(errs...)
}

// Open tells whether the load is an open loop.
func (l Load) Open() bool { return l.Rate > 0 }

// Due is when request i of an open loop is due, after the run's start.
func (l Load) Due(i int) time.Duration {
	return time.Duration(float64(i) * float64(time.Second) / l.Rate)
}

// Planned is the number of requests an open loop starts: those due before
// Duration ends, at most Requests. A closed loop's is not known ahead: it
// is Requests, or 0 for as many as the clients send within Duration.
func (l Load) Planned() int {
	if !l.Open() {
		return l.Requests
	}
	n := int(math.Ceil(l.Rate * l.Duration.Seconds()))
	for n > 0 && l.Due(n-1) >= l.Duration { // floating point at the edge
		n--
	}
	if l.Requests > 0 {
		n = min(n, l.Requests)
	}
	return n
}

// String describes the load: "open loop, 200/s, 64 clients, 30s" or
// "closed loop, 64 clients, 30s".
func (l Load) String() string {
	s := fmt.Sprintf("closed loop, %d clients, %s", l.Clients, l.Duration)
	if l.Open() {
		s = fmt.Sprintf("open loop, %g/s, %d clients, %s", l.Rate, l.Clients, l.Duration)
	}
	if l.Requests > 0 {
		s += fmt.Sprintf(", at most %d requests", l.Requests)
	}
	return s
}
