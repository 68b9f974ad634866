package snapshot

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

const benchLicences = 100_000

// synthetic adds n licences of the fixture's kind, IDs as issuers number
// them, one in fifty revoked and one in a hundred suspended.
func (f *fixture) synthetic(b *Builder, n int) {
	for i := range n {
		l := f.licence
		l.ID = fmt.Sprintf("BL-3401%02d-2026-%06d", i%20, i)
		l.SealedAt = testBuilt.Add(-time.Duration(i) * time.Minute)
		switch {
		case i%50 == 0:
			l.StatusHistory = []record.StatusChange{{Status: record.StatusRevoked, EffectiveAt: l.SealedAt.Add(time.Hour)}}
		case i%100 == 1:
			l.StatusHistory = []record.StatusChange{{Status: record.StatusSuspended, EffectiveAt: l.SealedAt.Add(time.Hour)}}
		}
		b.AddLicence("anhui", &l)
	}
}

func (f *fixture) builder() *Builder {
	b := NewBuilder(testMSP, "anhui", 42, testBuilt, nil)
	b.AddType("anhui", &record.LicenceType{Code: "BL"})
	b.AddGrant("anhui", &f.grant)
	b.AddSealKey("anhui", &f.sealKey)
	return b
}

// BenchmarkSnapshot100k builds, encodes and signs the snapshot of 100,000
// licences per op, and reports its size (JSON body and signed file) and
// the time to parse it back.
func BenchmarkSnapshot100k(b *testing.B) {
	f := newFixture(b)
	var data []byte
	var raw int
	for b.Loop() {
		bl := f.builder()
		f.synthetic(bl, benchLicences)
		body := bl.Body()
		js, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		raw = len(js)
		if data, err = Encode(body, f.org.signer); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	if _, err := Parse(data, f.trust()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(raw), "raw-bytes/100k")
	b.ReportMetric(float64(len(data)), "file-bytes/100k")
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "parse-ms/100k")
}

// BenchmarkOfflineCheck checks one presentation disclosing a field against
// a snapshot of 100,000 licences, and one raw SM2 signature, per op, and
// reports the check's cost as a ratio to the SM2 verification's.
func BenchmarkOfflineCheck(b *testing.B) {
	f := newFixture(b)
	bl := f.builder()
	f.synthetic(bl, benchLicences)
	bl.AddLicence("anhui", &f.licence)
	s, err := Parse(f.file(b, bl.Body()), f.trust())
	if err != nil {
		b.Fatal(err)
	}
	now := testBuilt.Add(time.Minute)
	off := f.present(b, now, "name")
	msg, sig := []byte("one raw SM2 verification"), []byte(nil)
	if sig, err = f.holder.Sign(msg); err != nil {
		b.Fatal(err)
	}
	pub := f.holder.Public()
	var checkTime, sm2Time time.Duration
	for b.Loop() {
		t0 := time.Now()
		if !pub.Verify(msg, sig) {
			b.Fatal("SM2")
		}
		t1 := time.Now()
		v, err := s.Check(off, expectAt(now), false)
		if err != nil || !v.Valid {
			b.Fatalf("%v %v", err, failed(v))
		}
		checkTime += time.Since(t1)
		sm2Time += t1.Sub(t0)
	}
	b.ReportMetric(float64(checkTime.Nanoseconds())/float64(b.N), "check-ns/op")
	b.ReportMetric(float64(sm2Time.Nanoseconds())/float64(b.N), "sm2-ns/op")
	b.ReportMetric(float64(checkTime)/float64(sm2Time), "x-sm2-verify")
}
