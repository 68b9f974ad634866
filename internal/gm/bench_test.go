package gm

import (
	"testing"

	"github.com/emmansun/gmsm/sm2"
)

// The SM2 verify benchmarks run the same signature through this package,
// through github.com/emmansun/gmsm directly, and through tjfoc/gmsm: the
// first two give the wrapper's overhead, the third the reason for the choice.
func benchKey(b *testing.B) (*PrivateKey, []byte, []byte) {
	priv, err := GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 512)
	sig, err := priv.Sign(msg)
	if err != nil {
		b.Fatal(err)
	}
	return priv, msg, sig
}

func BenchmarkSM2VerifyGM(b *testing.B) {
	priv, msg, sig := benchKey(b)
	pub := priv.Public()
	for b.Loop() {
		if !pub.Verify(msg, sig) {
			b.Fatal("verify failed")
		}
	}
}

func BenchmarkSM2VerifyEmmansunDirect(b *testing.B) {
	priv, msg, sig := benchKey(b)
	pub := &priv.k.PublicKey
	for b.Loop() {
		if !sm2.VerifyASN1WithSM2(pub, DefaultUID, msg, sig) {
			b.Fatal("verify failed")
		}
	}
}

func BenchmarkSM2VerifyTjfoc(b *testing.B) {
	priv, msg, sig := benchKey(b)
	pub := tjPublic(b, priv.Public())
	for b.Loop() {
		if !pub.Verify(msg, sig) {
			b.Fatal("verify failed")
		}
	}
}

func BenchmarkSM3_1KiB(b *testing.B) {
	data := make([]byte, 1024)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		SM3(data)
	}
}
