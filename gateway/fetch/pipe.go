package fetch

import "sync/atomic"

// pipe runs fn on a goroutine of its own over the buffers its caller
// fills, in order, so that the caller's work on the next buffer overlaps
// fn's on this one: two cores instead of one. At most depth buffers of
// size bytes are in flight; buffer blocks while all are. The caller
// closes it on every path.
type pipe struct {
	fn     func(b []byte, n int) error
	free   chan []byte
	work   chan job
	done   chan struct{}
	failed atomic.Bool
	err    error // fn's first error: written before failed is set, read after it or after done
}

type job struct {
	b []byte
	n int
}

func newPipe(depth, size int, fn func(b []byte, n int) error) *pipe {
	p := &pipe{fn: fn, free: make(chan []byte, depth), work: make(chan job, depth), done: make(chan struct{})}
	for range depth {
		p.free <- make([]byte, 0, size)
	}
	go p.run()
	return p
}

func (p *pipe) run() {
	defer close(p.done)
	for j := range p.work {
		if p.err == nil {
			if p.err = p.fn(j.b, j.n); p.err != nil {
				p.failed.Store(true)
			}
		}
		p.free <- j.b[:0]
	}
}

// buffer is an empty buffer to fill and send, or fn's error once it
// failed.
func (p *pipe) buffer() ([]byte, error) {
	if p.failed.Load() {
		return nil, p.err
	}
	return <-p.free, nil
}

// send hands b, with a count n fn reads, to fn.
func (p *pipe) send(b []byte, n int) { p.work <- job{b, n} }

// close waits until fn has seen every buffer sent and returns its first
// error.
func (p *pipe) close() error {
	close(p.work)
	<-p.done
	return p.err
}
