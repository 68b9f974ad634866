package hashlist

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// The top hash, written out from the definition for one short and one
// two-block stream.
func TestSumIsTheDefinition(t *testing.T) {
	for _, n := range []int{0, 5, BlockSize + 3} {
		b := bytes.Repeat([]byte{0xa5}, n)
		in := append([]byte("wanledger/sm3-hashlist/1\x00"), binary.BigEndian.AppendUint64(nil, uint64(n))...)
		for off := 0; off < n; off += BlockSize {
			leaf := sm3.Sum(b[off:min(off+BlockSize, n)])
			in = append(in, leaf[:]...)
		}
		if got, want := Sum(b), sm3.Sum(in); got != want {
			t.Errorf("%d bytes: %x, want %x", n, got, want)
		}
	}
}

// A Hasher fed in pieces of any size gives Sum's top hash; a byte changed
// or added anywhere changes it.
func TestHasherMatchesSum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, BlockSize - 1, BlockSize, BlockSize + 1, 3*BlockSize + 7} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		h := New()
		for rest := b; len(rest) > 0; {
			k := min(len(rest), 1+r.IntN(BlockSize/2))
			h.Write(rest[:k])
			rest = rest[k:]
		}
		want := Sum(b)
		if got := h.Sum(); got != want {
			t.Errorf("%d bytes: a Hasher gives %x, Sum %x", n, got, want)
		}
		if n > 0 {
			c := bytes.Clone(b)
			c[r.IntN(n)] ^= 1
			if Sum(c) == want {
				t.Errorf("%d bytes: a flipped byte keeps the top hash", n)
			}
		}
		if Sum(append(bytes.Clone(b), 0)) == want {
			t.Errorf("%d bytes: a byte added keeps the top hash", n)
		}
	}
}

// BenchmarkHasher hashes 64 MiB with a Hasher and reports its MB/s
// against plain SM3's over the same bytes, measured in the same run.
func BenchmarkHasher(b *testing.B) {
	data := make([]byte, 64<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		h := New()
		for off := 0; off < len(data); off += 64 << 10 {
			h.Write(data[off : off+64<<10])
		}
		h.Sum()
	}
	b.StopTimer()
	per := b.Elapsed().Seconds() / float64(b.N)
	start := time.Now()
	sm3.Sum(data)
	plain := float64(len(data)) / 1e6 / time.Since(start).Seconds()
	b.ReportMetric(float64(len(data))/1e6/per/plain, "ratio-to-sm3")
	b.ReportMetric(plain, "sm3-MB/s")
}
