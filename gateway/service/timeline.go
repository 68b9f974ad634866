package service

import (
	"context"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// maxBuckets bounds a timeline's buckets.
const maxBuckets = 100

// steps are a timeline's bucket lengths, shortest first.
var steps = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour, 365 * 24 * time.Hour}

// Timeline counts the accesses and denials q traces, as who, in buckets
// over its window (timeline). More than api.MaxAuditRecords is TOO_LARGE.
func (s *Service) Timeline(ctx context.Context, who string, q api.AuditQuery) (api.Read[api.Timeline], error) {
	recs, height, err := s.traceAll(ctx, who, q)
	if err != nil {
		return api.Read[api.Timeline]{}, err
	}
	return api.Read[api.Timeline]{BlockHeight: height, Source: SourceLedger, Data: timeline(recs, q.From, q.To, s.now())}, nil
}

// timeline buckets records (oldest first) over [from, to). An open end is
// the records' (the first's time, the last's plus a second), else now for
// the end and a day before it for the start. The step is the shortest of
// steps that draws the window in at most maxBuckets buckets (of a window
// longer than a century, the last century is drawn); an open start is
// aligned to it (days and longer on UTC midnights). Accesses and Denials
// count the records drawn.
func timeline(recs []*record.AccessRecord, from, to, now time.Time) api.Timeline {
	lo, hi := from.UTC(), to.UTC()
	if hi.IsZero() {
		hi = now.UTC()
		if n := len(recs); n > 0 && !recs[n-1].At.Before(hi) {
			hi = recs[n-1].At.UTC().Add(time.Second)
		}
	}
	if lo.IsZero() {
		lo = hi.Add(-24 * time.Hour)
		if len(recs) > 0 {
			lo = recs[0].At.UTC()
		}
	}
	if !lo.Before(hi) {
		lo = hi.Add(-time.Second)
	}
	step := steps[len(steps)-1]
	for _, st := range steps {
		if hi.Sub(lo) <= time.Duration(maxBuckets)*st {
			step = st
			break
		}
	}
	if longest := time.Duration(maxBuckets) * step; hi.Sub(lo) > longest {
		lo = hi.Add(-longest) // a window of over a century: its last
	}
	if from.IsZero() {
		lo = lo.Truncate(step)
	}
	n := int((hi.Sub(lo) + step - 1) / step)
	t := api.Timeline{From: lo, To: lo.Add(time.Duration(n) * step), Step: int64(step / time.Second), Buckets: make([]api.Bucket, n)}
	for i := range t.Buckets {
		t.Buckets[i].Start = lo.Add(time.Duration(i) * step)
	}
	for _, r := range recs {
		i := int(r.At.Sub(lo) / step)
		if i < 0 || i >= n {
			continue // outside the window: the ledger's window is the query's
		}
		if r.Kind == record.KindDenial {
			t.Buckets[i].Denials++
			t.Denials++
		} else {
			t.Buckets[i].Accesses++
			t.Accesses++
		}
	}
	return t
}
