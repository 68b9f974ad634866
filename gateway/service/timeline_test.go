package service

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

func TestATimelineDrawsItsWindowInAtMostAHundredBuckets(t *testing.T) {
	at := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	rec := func(kind string, d time.Duration) *record.AccessRecord {
		return &record.AccessRecord{Kind: kind, At: at.Add(d)}
	}
	recs := []*record.AccessRecord{rec(record.KindAccess, 0), rec(record.KindDenial, 90*time.Second), rec(record.KindAccess, 2*time.Hour)}
	for _, c := range []struct {
		name      string
		from, to  time.Time
		recs      []*record.AccessRecord
		step      int64
		first     time.Time
		buckets   int
		acc, den  int
		denialsIn int // the bucket of the denial
	}{
		{"an open window runs from the first record, aligned, to now", time.Time{}, time.Time{}, recs, 300, at, 30, 2, 1, 0},
		{"a given start is the first bucket's", at.Add(-time.Minute), at.Add(4 * time.Minute), recs[:2], 60, at.Add(-time.Minute), 5, 1, 1, 2},
		{"a week's window draws in hours or more", now.AddDate(0, 0, -7), now, recs, 3 * 3600, now.AddDate(0, 0, -7), 56, 2, 1, -1},
		{"an empty open window is the day before now", time.Time{}, time.Time{}, nil, 900, now.Add(-24 * time.Hour), 96, 0, 0, -1},
		{"a millennium is drawn in its last century", time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), now, recs, 365 * 86400, now.Add(-100 * 365 * 24 * time.Hour), 100, 2, 1, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			tl := timeline(c.recs, c.from, c.to, now)
			if tl.Step != c.step || !tl.From.Equal(c.first) || len(tl.Buckets) != c.buckets || tl.Accesses != c.acc || tl.Denials != c.den {
				t.Fatalf("step %d from %s, %d buckets, %d accesses %d denials", tl.Step, tl.From, len(tl.Buckets), tl.Accesses, tl.Denials)
			}
			if !tl.To.Equal(tl.From.Add(time.Duration(int64(len(tl.Buckets))*tl.Step) * time.Second)) {
				t.Errorf("to %s", tl.To)
			}
			if c.denialsIn >= 0 && tl.Buckets[c.denialsIn].Denials != 1 {
				t.Errorf("the denial is not in bucket %d: %+v", c.denialsIn, tl.Buckets)
			}
		})
	}
}
