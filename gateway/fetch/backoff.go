package fetch

import (
	"context"
	"math/rand/v2"
	"time"
)

// Pacing of resume attempts: the first wait is about resumeBase, each
// next twice the last, at most resumeCap; each is drawn from the upper
// half of its step ("equal jitter"), so requesters cut by one restart do
// not come back all at once.
const (
	resumeBase = 200 * time.Millisecond
	resumeCap  = 5 * time.Second
)

// backoff paces the resumes of one transfer: no attempt starts more than
// total after the interruption that the transfer has not yet recovered
// from (one that delivered a chunk since starts the wait afresh).
type backoff struct {
	total    time.Duration
	step     time.Duration
	deadline time.Time // zero while the transfer is not interrupted
}

// wait sleeps before the next resume; progressed says whether the stream
// that just ended delivered a chunk. It returns false, at once, if the
// wait would end past the deadline, or when ctx is done.
func (b *backoff) wait(ctx context.Context, progressed bool) bool {
	now := time.Now()
	if progressed || b.deadline.IsZero() {
		b.step, b.deadline = resumeBase, now.Add(b.total)
	}
	d := b.delay()
	if left := b.deadline.Sub(now); d > left {
		if left <= 0 {
			return false
		}
		d = left
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// delay is the next wait: within the upper half of the step, which then
// doubles up to resumeCap.
func (b *backoff) delay() time.Duration {
	d := b.step/2 + rand.N(b.step/2+1)
	b.step = min(2*b.step, resumeCap)
	return d
}
