package gateway

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// benchClients is the number of concurrent clients of the verify benchmarks.
const benchClients = 64

// BenchmarkVerify posts POST /v1/verify from 64 concurrent clients through
// the HTTP API on cache hits, and sets its rate against raw SM2
// verification (internal/gm, the same message size and key) measured in
// the same run, just before the timed part:
//
//	repeat: one licence every time; its seal is in the verifier's memo
//	first:  a licence version never verified before every time; the seal's
//	        SM2 verification runs (cold memo, cold decoded records)
//
// each with the load generator
//
//	shared: 64 goroutines of this process; server and generator share both
//	        cores, and the baseline runs on both cores
//	pinned: a child process bound to CPU 1 (GOMAXPROCS 1); this process,
//	        the server, bound to CPU 0 with GOMAXPROCS 1, and the baseline is
//	        one goroutine there: one core against one core
//
// The baseline runs before and after the timed part; raw-sm2/s is their
// mean. Metrics: verify/s, raw-sm2/s, x-raw-sm2 (verify/s ÷ raw-sm2/s),
// sm2/op (SM2 verifications the verifier ran per request), the CPU time
// per request (shared: server and generator together; pinned: each, and
// x-raw-sm2-cpu, the CPU time of a raw SM2 verification ÷ the server's per
// request, which other load on the machine disturbs less), p50-µs, p99-µs.
func BenchmarkVerify(b *testing.B) {
	for _, first := range []bool{false, true} {
		for _, pinned := range []bool{false, true} {
			name := map[bool]string{false: "repeat", true: "first"}[first] + "/" + map[bool]string{false: "shared", true: "pinned"}[pinned]
			b.Run(name, func(b *testing.B) { benchVerify(b, first, pinned) })
		}
	}
}

func benchVerify(b *testing.B, first, pinned bool) {
	f := newFixture(b)
	// No blocks arrive, and building many licences takes a while.
	f.g.cfg.MaxStaleness.Duration = 24 * time.Hour
	n := 1 // repeat: one licence, also the warm-up's
	if first {
		n = b.N + 1 // licence 0 warms up; each request verifies another
	}
	bw := benchWorld(b, f.store, n)
	bodies := bw.bodies
	spec := loadSpec{URL: f.srv.URL + "/v1/verify", Key: f.keys["verifier"], Bodies: bodies, Warm: bodies[0], N: b.N, Clients: benchClients, CPU: 1}
	if first {
		spec.Bodies = bodies[1:]
	}
	measureLoad(b, f, spec, pinned, bw, "verify/s")
}

// measureLoad runs spec against the fixture's gateway (pinned: from a child
// process on CPU 1, the server on CPU 0) between two measures of the raw
// SM2 baseline over bl's licence, and reports the metrics BenchmarkVerify
// describes, the rate as unit.
func measureLoad(b *testing.B, f *fixture, spec loadSpec, pinned bool, bl benchLicences, unit string) {
	msg, sig, pub := bl.msg, bl.sig, bl.pub
	workers := runtime.GOMAXPROCS(0)
	if pinned {
		restore, err := pinProcess(0)
		if err != nil {
			b.Fatal(err)
		}
		defer restore()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		workers = 1
	}
	var before sm2Baseline
	var sm2Before uint64
	var cpuBefore time.Duration
	baseline := func() {
		before = rawSM2(workers, baselineTime, msg, sig, pub)
		sm2Before = f.g.judge.Stats().Verified
		cpuBefore = cpuTime()
		b.ResetTimer()
	}
	var res loadResult
	if pinned {
		res = childLoad(b, spec, baseline)
	} else {
		conns, err := spec.connect()
		if err != nil {
			b.Fatal(err)
		}
		baseline()
		res = spec.run(conns)
	}
	b.StopTimer()
	ops := float64(spec.N * max(spec.Items, 1)) // verdicts
	cpu := float64((cpuTime() - cpuBefore).Nanoseconds()) / 1e3 / ops
	sm2 := f.g.judge.Stats().Verified - sm2Before
	if res.Err != "" {
		b.Fatal(res.Err)
	}
	after := rawSM2(workers, baselineTime, msg, sig, pub)
	raw := (before.rate + after.rate) / 2
	rate := ops / res.Elapsed.Seconds()
	b.ReportMetric(rate, unit)
	b.ReportMetric(raw, "raw-sm2/s")
	b.ReportMetric(rate/raw, "x-raw-sm2")
	b.ReportMetric(float64(sm2)/ops, "sm2/op")
	if pinned { // this process is the server alone
		b.ReportMetric(cpu, "server-cpu-µs/op")
		b.ReportMetric(float64(res.CPU.Nanoseconds())/1e3/ops, "loadgen-cpu-µs/op")
		b.ReportMetric((before.cpuPerOp+after.cpuPerOp)/2/cpu, "x-raw-sm2-cpu")
	} else {
		b.ReportMetric(cpu, "cpu-µs/op")
	}
	b.ReportMetric(float64(res.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(res.P99.Microseconds()), "p99-µs")
}

// baselineTime is how long the baseline runs, before and after the timed part.
const baselineTime = 300 * time.Millisecond

// sm2Baseline is raw SM2 verification: its rate, and the CPU time of one
// verification (µs).
type sm2Baseline struct{ rate, cpuPerOp float64 }

// rawSM2 is the baseline: workers goroutines verify one signature over d,
// with nothing around them.
func rawSM2(workers int, d time.Duration, msg, sig []byte, pub *gm.PublicKey) sm2Baseline {
	var done atomic.Int64
	var wg sync.WaitGroup
	cpu := cpuTime()
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for time.Since(start) < d {
				for range 8 {
					if !pub.Verify(msg, sig) {
						panic("the baseline's signature does not verify")
					}
				}
				done.Add(8)
			}
		})
	}
	wg.Wait()
	n := float64(done.Load())
	return sm2Baseline{rate: n / time.Since(start).Seconds(), cpuPerOp: float64((cpuTime() - cpu).Nanoseconds()) / 1e3 / n}
}

// benchLicences are the licences of benchWorld: a verification body for
// each (disclosing one field), one licence's signed message, signature and
// key for the baseline, and the holder's key and salt of every field.
type benchLicences struct {
	bodies   [][]byte
	msg, sig []byte
	pub      *gm.PublicKey
	holder   *gm.PrivateKey
	salt     []byte
}

// benchWorld puts an accredited agency, its seal key and n sealed licences
// (B0, B1, …; field F of licence ID has the value "F of ID") into the
// cache, through block writes of at most 1,000.
func benchWorld(b *testing.B, store *cache.Store, n int) (bl benchLicences) {
	b.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	seal, _ := gm.GenerateKey()
	holder, _ := gm.GenerateKey()
	salt := make([]byte, 16)
	rand.Read(salt)
	bl.holder, bl.salt = holder, salt
	put := func(typ string, v any, attrs ...string) cache.Write {
		k, err := shim.CreateCompositeKey(typ, attrs)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := json.Marshal(v)
		return cache.Write{Key: k, Value: data}
	}
	writes := []cache.Write{
		put("grant", record.Accreditation{GrantID: "hefei-amr:000001", Seq: 1, AgencyID: "hefei-amr", MSPID: "HefeiMSP", Types: []string{"business-licence"},
			Region: "340100", ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0)}, "hefei-amr", "000001"),
		put("seal", record.SealKey{KeyID: "K1", AgencyID: "hefei-amr", MSPID: "HefeiMSP", PublicKey: seal.Public().Hex(),
			ValidFrom: now.AddDate(-1, 0, 0), ValidTo: now.AddDate(1, 0, 0)}, "K1"),
	}
	for i := range n {
		id := "B" + strconv.Itoa(i)
		c := credential.Content{ID: id, Type: "business-licence", AgencyID: "hefei-amr", Region: "340104", SealKeyID: "K1",
			HolderPseudonym: gm.SM3Hex([]byte(id)), HolderPublicKey: holder.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}
		for _, name := range []string{"address", "creditCode", "name", "registeredCapital"} {
			d, _ := credential.FieldDigestOf(id, name, salt, name+" of "+id)
			c.Fields = append(c.Fields, credential.FieldDigest{Name: name, Digest: d})
		}
		s, err := credential.Sign(seal, c)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			bl.msg, _ = c.SigningBytes()
			bl.sig, bl.pub = s, seal.Public()
		}
		writes = append(writes, put("licence", &record.Licence{Content: c, Signature: hex.EncodeToString(s), IssuerMSP: "HefeiMSP",
			IssuedAt: now.Add(-time.Minute), SealedAt: now.Add(-time.Minute), GrantID: "hefei-amr:000001", Status: record.StatusActive,
			StatusHistory: []record.StatusChange{{Status: record.StatusActive, EffectiveAt: c.ValidFrom}}}, id))
		body, _ := json.Marshal(api.VerifyRequest{LicenceID: id, Disclosed: []api.Disclosure{{Name: "creditCode", Value: "creditCode of " + id, Salt: hex.EncodeToString(salt)}}})
		bl.bodies = append(bl.bodies, body)
		if len(writes) >= 1000 || i == n-1 {
			h, err := store.Height()
			if err == nil {
				_, err = store.ApplyBlock(h, writes)
			}
			if err != nil {
				b.Fatal(fmt.Errorf("cache block: %w", err))
			}
			writes = nil
		}
	}
	return bl
}

// BenchmarkSM2VerifyRaw is raw SM2 verification on every core, as a
// benchmark of its own (BenchmarkVerify measures its baseline itself).
func BenchmarkSM2VerifyRaw(b *testing.B) {
	k, _ := gm.GenerateKey()
	msg := make([]byte, 400)
	sig, _ := k.Sign(msg)
	pub := k.Public()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !pub.Verify(msg, sig) {
				b.Error("verify failed")
			}
		}
	})
}
