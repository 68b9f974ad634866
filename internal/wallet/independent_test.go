package wallet

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	tjsm2 "github.com/tjfoc/gmsm/sm2"
	tjsm3 "github.com/tjfoc/gmsm/sm3"
)

// The decoder below is written from docs/credential-format.md and
// docs/canonical-encoding.md alone, with tjfoc/gmsm for SM2 and SM3: it
// shares no code with the packages that made the credential and the
// presentation.

type cval struct {
	kind byte
	str  []byte
	u    uint64
	list []cval
}

func cdecode(b []byte) (cval, []byte, error) {
	bad := errors.New("malformed")
	if len(b) == 0 {
		return cval{}, nil, bad
	}
	v := cval{kind: b[0]}
	b = b[1:]
	switch v.kind {
	case 1, 2:
		if len(b) < 4 || int(binary.BigEndian.Uint32(b)) > len(b)-4 {
			return cval{}, nil, bad
		}
		n := int(binary.BigEndian.Uint32(b))
		v.str = b[4 : 4+n]
		return v, b[4+n:], nil
	case 3, 4:
		if len(b) < 8 {
			return cval{}, nil, bad
		}
		v.u = binary.BigEndian.Uint64(b)
		return v, b[8:], nil
	case 5:
		if len(b) < 4 {
			return cval{}, nil, bad
		}
		n := int(binary.BigEndian.Uint32(b))
		b = b[4:]
		for range n {
			item, rest, err := cdecode(b)
			if err != nil {
				return cval{}, nil, err
			}
			v.list = append(v.list, item)
			b = rest
		}
		return v, b, nil
	}
	return cval{}, nil, bad
}

func b64list(t *testing.T, s string) (cval, []byte) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	v, rest, err := cdecode(b)
	if err != nil || len(rest) != 0 || v.kind != 5 {
		t.Fatalf("%s is not one canonical list", s)
	}
	return v, b
}

func tjKey(t *testing.T, point []byte) *tjsm2.PublicKey {
	if len(point) != 65 || point[0] != 4 {
		t.Fatalf("not an uncompressed point: %x", point)
	}
	return &tjsm2.PublicKey{Curve: tjsm2.P256Sm2(), X: new(big.Int).SetBytes(point[1:33]), Y: new(big.Int).SetBytes(point[33:])}
}

// independentVerify checks a presentation against a compact credential
// and the seal's public key, and returns the disclosed name → value.
func independentVerify(t *testing.T, credentialText, presentationText string, sealPub []byte, nonce, audience string, now time.Time) map[string]string {
	// Credential: CONTENT.SEAL~DISCLOSURE~…~
	issuerPart := strings.Split(credentialText, "~")[0]
	contentB64, sealB64, _ := strings.Cut(issuerPart, ".")
	content, contentBytes := b64list(t, contentB64)
	seal, _ := base64.RawURLEncoding.DecodeString(sealB64)
	if string(content.list[0].str) != "wanledger/licence/v1" || !tjKey(t, sealPub).Verify(contentBytes, seal) {
		t.Fatal("the seal does not verify")
	}
	licenceID, holderKey := string(content.list[1].str), content.list[7].str
	digests := map[string][]byte{}
	for _, pair := range content.list[8].list {
		digests[string(pair.list[0].str)] = pair.list[1].str
	}

	// Presentation: REFERENCE~DISCLOSURE~…~PAYLOAD.SIGNATURE
	parts := strings.Split(presentationText, "~")
	ref, _ := b64list(t, parts[0])
	if string(ref.list[0].str) != "wanledger/credential-ref/v1" || string(ref.list[1].str) != licenceID {
		t.Fatalf("reference %q %q", ref.list[0].str, ref.list[1].str)
	}
	disclosed := map[string]string{}
	for _, p := range parts[1 : len(parts)-1] {
		d, raw := b64list(t, p)
		name := string(d.list[2].str)
		if string(d.list[0].str) != "wanledger/field/v1" || string(d.list[1].str) != licenceID || len(d.list[3].str) < 16 {
			t.Fatalf("disclosure %s", name)
		}
		if !bytes.Equal(tjsm3.Sm3Sum(raw), digests[name]) {
			t.Fatalf("disclosure of %s does not hash to the licence's digest", name)
		}
		disclosed[name] = string(d.list[4].str)
	}
	kbText := parts[len(parts)-1]
	payloadB64, sigB64, _ := strings.Cut(kbText, ".")
	kb, kbBytes := b64list(t, payloadB64)
	sig, _ := base64.RawURLEncoding.DecodeString(sigB64)
	sdHash := tjsm3.Sm3Sum([]byte(presentationText[:len(presentationText)-len(kbText)]))
	at := time.Unix(int64(kb.list[3].u), 0)
	switch {
	case string(kb.list[0].str) != "wanledger/key-binding/v1":
		t.Fatalf("key binding tag %q", kb.list[0].str)
	case string(kb.list[1].str) != nonce || string(kb.list[2].str) != audience:
		t.Fatalf("nonce %q audience %q", kb.list[1].str, kb.list[2].str)
	case kb.list[3].kind != 4 || at.After(now.Add(30*time.Second)) || at.Before(now.Add(-5*time.Minute)):
		t.Fatalf("time %v", at)
	case !bytes.Equal(kb.list[4].str, sdHash):
		t.Fatalf("sd hash %x, want %s", kb.list[4].str, hex.EncodeToString(sdHash))
	case !tjKey(t, holderKey).Verify(kbBytes, sig): // default user ID 1234567812345678
		t.Fatal("the key binding is not signed by the holder key")
	}
	return disclosed
}

// A presentation made by the wallet verifies with the independent decoder.
func TestAPresentationVerifiesWithAnIndependentDecoderOnTjfocGmsm(t *testing.T) {
	w, pub := newWallet(t)
	lic := issue(t, "BL-X", pub.Hex())
	c, err := w.Import(lic.file)
	if err != nil {
		t.Fatal(err)
	}
	compact, err := c.Compact()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, names := range [][]string{{"creditCode"}, {"name", "founded", "creditCode"}, nil} {
		text, err := w.Present("BL-X", names, "n0nce:abc/DEF_123", "https://wuhu.example/verify", now)
		if err != nil {
			t.Fatal(err)
		}
		got := independentVerify(t, compact, text, lic.seal.Public().Bytes(), "n0nce:abc/DEF_123", "https://wuhu.example/verify", now)
		if len(got) != len(names) {
			t.Errorf("disclosed %v, asked %v", got, names)
		}
		for _, n := range names {
			if got[n] == "" {
				t.Errorf("%s not disclosed", n)
			}
		}
	}
}
