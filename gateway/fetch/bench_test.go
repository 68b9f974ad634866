package fetch

import (
	"context"
	"crypto/rand"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// genRows is a dataset made up as it is read, so that the benchmark's
// heap holds no copy of it: rows of an index and a filler of width bytes.
type genRows struct {
	n      int
	filler string
}

func (g genRows) Rows(context.Context, string, []string, []string) (RowIter, error) {
	return &genIter{g: g, i: -1}, nil
}

type genIter struct {
	g   genRows
	i   int
	row [2]string
}

func (it *genIter) Next() bool {
	it.i++
	if it.i >= it.g.n {
		return false
	}
	it.row = [2]string{strconv.Itoa(it.i), it.g.filler}
	return true
}
func (it *genIter) Row() []string { return it.row[:] }
func (it *genIter) Err() error    { return nil }
func (it *genIter) Close() error  { return nil }

// BenchmarkFetch100MB fetches 100 MB of rows over mocknet, through the
// real chaincode, both ends in this process, and reports, measured in the
// same run: the fetch's MB/s, raw SM4-GCM sealing MB/s and their ratio,
// a plain loopback TCP copy's MB/s and the fetch's ratio to it, and the
// heap's and the resident set's growth over the transfer at their peak,
// and the CPU time a fetch takes (both ends, all cores).
func BenchmarkFetch100MB(b *testing.B) {
	const total, width = 100 << 20, 1000
	rows := total / (width + 20)
	n := newNet(b, 0, Config{})
	server, err := NewServer(Config{}, genRows{n: rows, filler: strings.Repeat("x", width)}, n.ids, n.pl)
	if err != nil {
		b.Fatal(err)
	}
	server.Register(n.provider)
	n.chain.grant("AUTH-1", nil)
	q := ask("AUTH-1", "address", "members")
	// The baselines run just before and just after the fetches, and count
	// as their mean: on a machine shared with other work, the load they
	// meet is then closer to the fetches'.
	sealBefore, tcpBefore := sealSpeed(b, total), tcpSpeed(b, total)
	var bytesOut uint64
	var peak, peakRSS atomic.Uint64
	cpu0 := cpuTime(b)
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base, baseRSS := ms.HeapInuse, rss(b)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { // sample the heap and the resident set while the transfer runs
			defer close(done)
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
					peak.Store(m.HeapInuse - base)
				}
				if r := rss(b); r > baseRSS && r-baseRSS > peakRSS.Load() {
					peakRSS.Store(r - baseRSS)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		res, err := n.fetch(q)
		close(stop)
		<-done
		if err != nil {
			b.Fatal(err)
		}
		bytesOut = res.Bytes
		it, err := res.Rows()
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for it.Next() {
			got++
		}
		if it.Err() != nil || got != rows {
			b.Fatalf("read back %d of %d rows: %v", got, rows, it.Err())
		}
		res.Close()
	}
	b.StopTimer()
	cpu := (cpuTime(b) - cpu0).Seconds() / float64(b.N)
	perOp := b.Elapsed().Seconds() / float64(b.N)
	fetchMBs := float64(bytesOut) / 1e6 / perOp
	sealMBs := (sealBefore + sealSpeed(b, total)) / 2
	b.ReportMetric(fetchMBs, "fetch-MB/s")
	b.ReportMetric(sealMBs, "sm4gcm-MB/s")
	b.ReportMetric(fetchMBs/sealMBs, "ratio-to-sm4gcm")
	tcpMBs := (tcpBefore + tcpSpeed(b, total)) / 2
	b.ReportMetric(tcpMBs, "tcp-copy-MB/s")
	b.ReportMetric(fetchMBs/tcpMBs, "ratio-to-tcp")
	b.ReportMetric(float64(peak.Load())/(1<<20), "heap-growth-MiB")
	b.ReportMetric(float64(peakRSS.Load())/(1<<20), "rss-growth-MiB")
	b.ReportMetric(cpu, "cpu-s/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rss is the process's resident set in bytes (VmRSS of /proc/self/status).
func rss(b *testing.B) uint64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// sealSpeed is raw SM4-GCM sealing of n bytes in default-size chunks.
func sealSpeed(b *testing.B, n int) float64 {
	key := make([]byte, 16)
	rand.Read(key)
	sl, err := newSealer(key, "bench")
	if err != nil {
		b.Fatal(err)
	}
	plain := make([]byte, DefaultChunk)
	out := make([]byte, 0, DefaultChunk+sealOverhead)
	start := time.Now()
	for i := 0; i*DefaultChunk < n; i++ {
		out = sl.seal(out[:0], uint32(i), false, plain)
	}
	return float64(n) / 1e6 / time.Since(start).Seconds()
}

// tcpSpeed is a plain copy of n bytes over loopback TCP.
func tcpSpeed(b *testing.B, n int) float64 {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.CopyN(c, zeros{}, int64(n))
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.CopyN(io.Discard, c, int64(n)); err != nil {
		b.Fatal(err)
	}
	return float64(n) / 1e6 / time.Since(start).Seconds()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
