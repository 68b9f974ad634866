package presentation

import (
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/wanledger/wanledger/internal/gm"
)

// derByReflection is the definition checkDER implements: encoding/asn1
// reads a SEQUENCE of two positive INTEGERs and writes back the very same
// bytes.
func derByReflection(sig []byte) bool {
	var rs struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(sig, &rs)
	if err != nil || len(rest) != 0 || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 {
		return false
	}
	again, err := asn1.Marshal(rs)
	return err == nil && string(again) == string(sig)
}

// TestCheckDERAgrees: checkDER accepts exactly what derByReflection does,
// over real signatures and every one-byte change, truncation and extension
// of them, and hand-made non-DER forms.
func TestCheckDERAgrees(t *testing.T) {
	key, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	var cases [][]byte
	for i := range 8 {
		sig, err := key.Sign([]byte{byte(i)})
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, sig, append(append([]byte(nil), sig...), 0), sig[:len(sig)-1])
		for j := range sig {
			for _, v := range []byte{0x00, 0x01, 0x7f, 0x80, 0x81, 0xff, sig[j] ^ 0x01, sig[j] + 1, sig[j] - 1} {
				m := append([]byte(nil), sig...)
				m[j] = v
				cases = append(cases, m, m[:j])
			}
		}
	}
	cases = append(cases,
		[]byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01},             // r = s = 1: DER
		[]byte{0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01},       // long-form length
		[]byte{0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01},       // padded integer
		[]byte{0x30, 0x06, 0x02, 0x01, 0xff, 0x02, 0x01, 0x01},             // negative r
		[]byte{0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01},             // zero r
		[]byte{0x30, 0x80, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00, 0x00}, // indefinite length
		[]byte{0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01},
		nil)
	for _, c := range cases {
		if got, want := checkDER(c) == nil, derByReflection(c); got != want {
			t.Fatalf("checkDER(%x) accepts: %v, the definition: %v", c, got, want)
		}
	}
}
