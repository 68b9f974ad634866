package datasets

import (
	"context"
	"crypto/cipher"
	"testing"

	"github.com/emmansun/gmsm/sm4"
)

// BenchmarkRows reads 100 MB of imported rows (all fields, no filter), and
// BenchmarkSM4GCM seals the same bytes in 64 KiB chunks: the ratio is what
// reading costs over decryption alone.
func BenchmarkRows(b *testing.B) {
	s, err := Open(Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	info, err := s.Import(context.Background(), "big", schema, CSV, &rowSource{n: 1_040_000})
	if err != nil {
		b.Fatal(err)
	}
	fields := []string{"name", "born", "income", "insured"}
	b.SetBytes(info.Bytes)
	b.ResetTimer()
	for b.Loop() {
		it, err := s.Rows(context.Background(), "big", fields, nil)
		if err != nil {
			b.Fatal(err)
		}
		for it.Next() {
		}
		if err := it.Err(); err != nil {
			b.Fatal(err)
		}
		it.Close()
	}
}

func BenchmarkSM4GCM(b *testing.B) {
	blk, err := sm4.NewCipher(make([]byte, 16))
	if err != nil {
		b.Fatal(err)
	}
	a, err := cipher.NewGCM(blk)
	if err != nil {
		b.Fatal(err)
	}
	chunk, out, nonce := make([]byte, chunkSize), make([]byte, 0, chunkSize+a.Overhead()), make([]byte, a.NonceSize())
	b.SetBytes(chunkSize)
	for b.Loop() {
		out = a.Seal(out[:0], nonce, chunk, nil)
	}
}
