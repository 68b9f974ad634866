package gateway

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/gm"
)

// BenchmarkVerifyCacheHit64 verifies one licence through the HTTP API from
// 64 concurrent clients, on cache hits: each verification reads the cache
// and checks the seal's SM2 signature and a disclosed field. It reports
// p50 and p99 latencies; compare ns/op with BenchmarkSM2VerifyRaw.
func BenchmarkVerifyCacheHit64(b *testing.B) {
	f := newFixture(b)
	salts, _ := sealedWorld(b, f.store)
	body, _ := json.Marshal(api.VerifyRequest{LicenceID: "L1", Disclosed: []api.Disclosure{{Name: "creditCode", Value: "91340100MA2XXXXX1Q", Salt: salts["creditCode"]}}})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var mu sync.Mutex
	var lat []time.Duration
	b.SetParallelism(32) // 32 × GOMAXPROCS(2) = 64 clients
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			start := time.Now()
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/verify", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+f.keys["verifier"])
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			var v api.Verdict
			err = json.NewDecoder(resp.Body).Decode(&v)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || !v.Valid {
				b.Errorf("verdict %+v, %v", v, err)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}

// BenchmarkSM2VerifyRaw is the baseline: one SM2 verification, on both
// cores, with nothing around it.
func BenchmarkSM2VerifyRaw(b *testing.B) {
	k, _ := gm.GenerateKey()
	msg := make([]byte, 400)
	sig, _ := k.Sign(msg)
	pub := k.Public()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !pub.Verify(msg, sig) {
				b.Error("verify failed")
			}
		}
	})
}
