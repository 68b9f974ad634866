package gateway

import (
	"encoding/json"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/gateway/vlog"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/presentation"
)

// BenchmarkVerifyPresentation posts POST /v1/presentations/verify from 64
// concurrent clients on cache hits (one licence, its seal in the memo),
// each request a fresh presentation to its own nonce, disclosing one
// field, logged to a verification log on disk; and sets its rate against
// raw SM2 verification measured in the same run, as BenchmarkVerify does
// (shared and pinned, the same metrics; presentations/s for verify/s). The
// holder's key-binding signature is the one SM2 verification per request.
//
// batch posts POST /v1/presentations/verify/batch instead, presentBatch
// presentations a request, from 64 clients (shared and pinned); its rate,
// CPU time and sm2/op are per presentation, its latencies per request.
//
// direct calls the service's VerifyPresentation from 64 goroutines, with
// no HTTP: the verification path alone against raw SM2 on both cores.
func BenchmarkVerifyPresentation(b *testing.B) {
	for _, batch := range []int{1, presentBatch} {
		for _, pinned := range []bool{false, true} {
			name := map[bool]string{false: "shared", true: "pinned"}[pinned]
			if batch > 1 {
				name = "batch/" + name
			}
			b.Run(name, func(b *testing.B) { benchPresent(b, pinned, batch) })
		}
	}
	b.Run("direct", benchPresentDirect)
}

// presentBatch is the presentations a batch request of the benchmark holds.
const presentBatch = 16

// presentWorld is a fixture with licence B0 in its cache, a verification
// log on disk, and n request bodies, each a fresh presentation of B0 to a
// nonce of its own.
func presentWorld(b *testing.B, n int) (*fixture, benchLicences, []api.PresentationRequest) {
	f := newFixture(b)
	f.g.cfg.MaxStaleness.Duration = 24 * time.Hour
	log, err := vlog.Open(b.TempDir(), 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { log.Close() })
	f.g.pres.Log = log
	bl := benchWorld(b, f.store, 1)
	d := credential.Disclosure{LicenceID: "B0", Name: "creditCode", Salt: bl.salt, Value: "creditCode of B0"}
	reqs := make([]api.PresentationRequest, n)
	now := time.Now()
	for i := range reqs {
		nonce, _ := f.g.pres.Nonces.Issue("User1", now) // every key of the fixture is User1's
		p, err := presentation.Make(bl.holder, "B0", []credential.Disclosure{d}, nonce, "HefeiMSP", now)
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = api.PresentationRequest{Presentation: p, Nonce: nonce}
	}
	return f, bl, reqs
}

func benchPresentDirect(b *testing.B) {
	f, bl, reqs := presentWorld(b, b.N+1)
	svc := service.New(service.Options{Store: f.store, Verifier: f.g.judge, Presentations: f.g.pres})
	if v, err := svc.VerifyPresentation(b.Context(), "User1", reqs[b.N]); err != nil || !v.Valid { // warm: the seal into the memo
		b.Fatal(v, err)
	}
	before := rawSM2(runtime.GOMAXPROCS(0), baselineTime, bl.msg, bl.sig, bl.pub)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range benchClients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < b.N; i = int(next.Add(1) - 1) {
				if v, err := svc.VerifyPresentation(b.Context(), "User1", reqs[i]); err != nil || !v.Valid {
					b.Error(v, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	after := rawSM2(runtime.GOMAXPROCS(0), baselineTime, bl.msg, bl.sig, bl.pub)
	rate, raw := float64(b.N)/elapsed.Seconds(), (before.rate+after.rate)/2
	b.ReportMetric(rate, "presentations/s")
	b.ReportMetric(raw, "raw-sm2/s")
	b.ReportMetric(rate/raw, "x-raw-sm2")
}

func benchPresent(b *testing.B, pinned bool, batch int) {
	requests := (b.N + batch - 1) / batch
	f, bl, reqs := presentWorld(b, (benchClients+requests)*batch)
	srv := httptest.NewServer(f.g.Handler()) // with the log
	defer srv.Close()
	path, bodies := "/v1/presentations/verify", make([][]byte, benchClients+requests)
	for i := range bodies {
		if batch == 1 {
			bodies[i], _ = json.Marshal(reqs[i])
		} else {
			path = "/v1/presentations/verify/batch"
			bodies[i], _ = json.Marshal(api.PresentationBatch{Items: reqs[i*batch : (i+1)*batch]})
		}
	}
	spec := loadSpec{URL: srv.URL + path, Key: f.keys["verifier"], WarmEach: bodies[:benchClients],
		Bodies: bodies[benchClients:], N: requests, Clients: benchClients, CPU: 1, Items: batch}
	measureLoad(b, f, spec, pinned, bl, "presentations/s")
}
