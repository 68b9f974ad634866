// Package hashlist is the SM3 hash list of a byte stream: the stream cut
// into blocks of BlockSize bytes (the last one shorter, none if the
// stream is empty), each block hashed with SM3, and the top hash the SM3
// of
//
//	"wanledger/sm3-hashlist/1" 0x00 ‖ uint64 stream length (big-endian) ‖ SM3(block 0) ‖ SM3(block 1) ‖ …
//
// It binds the stream's content as SM3 itself does (two streams of one
// top hash are an SM3 collision), and its blocks hash independently, so
// a Hasher spreads them over the machine's cores. Sum is the sequential
// definition; a Hasher gives the same 32 bytes.
package hashlist

import (
	"encoding/binary"
	"encoding/hex"
	"runtime"
	"sync"

	"github.com/emmansun/gmsm/sm3"
)

// BlockSize is the bytes of a block: 256 KiB.
const BlockSize = 256 << 10

const tag = "wanledger/sm3-hashlist/1"

// Sum is the top hash of b.
func Sum(b []byte) [32]byte {
	var leaves [][32]byte
	for off := 0; off < len(b); off += BlockSize {
		leaves = append(leaves, sm3.Sum(b[off:min(off+BlockSize, len(b))]))
	}
	return top(uint64(len(b)), leaves)
}

// SumHex is Sum in lower-case hex, as records carry digests.
func SumHex(b []byte) string {
	s := Sum(b)
	return hex.EncodeToString(s[:])
}

func top(n uint64, leaves [][32]byte) [32]byte {
	h := sm3.New()
	h.Write(append([]byte(tag), 0))
	h.Write(binary.BigEndian.AppendUint64(nil, n))
	for _, l := range leaves {
		h.Write(l[:])
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Hasher computes the top hash of what is written to it, hashing each
// full block on a goroutine of its own while the writer goes on: at most
// GOMAXPROCS+1 blocks (of BlockSize bytes) are held at a time, and Write
// blocks while they are. Every goroutine ends on its own once its block
// is hashed. The zero Hasher is not usable: use New.
type Hasher struct {
	buf    []byte
	n      uint64
	made   int         // block buffers made, up to cap(free)
	free   chan []byte // block buffers hashed and free again
	leaves []*[32]byte
	wg     sync.WaitGroup
}

// New makes a Hasher. Its block buffers are made as the stream needs them,
// so a short stream costs one.
func New() *Hasher {
	return &Hasher{free: make(chan []byte, runtime.GOMAXPROCS(0)+1)}
}

// block returns a free block buffer, making one while fewer than
// cap(free) exist, else waiting for one to be hashed.
func (h *Hasher) block() []byte {
	select {
	case b := <-h.free:
		return b
	default:
	}
	if h.made < cap(h.free) {
		h.made++
		return make([]byte, 0, BlockSize)
	}
	return <-h.free
}

// Write appends p to the stream; it never fails.
func (h *Hasher) Write(p []byte) (int, error) {
	n := len(p)
	h.n += uint64(n)
	for len(p) > 0 {
		if h.buf == nil {
			h.buf = h.block()
		}
		k := min(len(p), BlockSize-len(h.buf))
		h.buf = append(h.buf, p[:k]...)
		p = p[k:]
		if len(h.buf) == BlockSize {
			h.flush()
		}
	}
	return n, nil
}

// flush hashes the block held on a goroutine of its own.
func (h *Hasher) flush() {
	leaf, b := new([32]byte), h.buf
	h.leaves = append(h.leaves, leaf)
	h.buf = nil
	h.wg.Go(func() {
		*leaf = sm3.Sum(b)
		h.free <- b[:0]
	})
}

// Sum waits for every block's hash and returns the top hash. Writing
// after Sum is a mistake.
func (h *Hasher) Sum() [32]byte {
	if len(h.buf) > 0 {
		h.flush()
	}
	h.wg.Wait()
	leaves := make([][32]byte, len(h.leaves))
	for i, l := range h.leaves {
		leaves[i] = *l
	}
	return top(h.n, leaves)
}
