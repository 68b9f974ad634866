package gm

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm4"
	tjsm2 "github.com/tjfoc/gmsm/sm2"
	tjsm3 "github.com/tjfoc/gmsm/sm3"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// GB/T 32918.5-2017 (GM/T 0003.5) Annex A: an SM2 signature on the
// recommended curve with user ID 1234567812345678.
const (
	vecPriv = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
	vecPubX = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
	vecPubY = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
	vecMsg  = "message digest"
	vecZ    = "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3"
	vecE    = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640"
	vecR    = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
	vecS    = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)

func vectorSignature(t testing.TB) []byte {
	r, _ := new(big.Int).SetString(vecR, 16)
	s, _ := new(big.Int).SetString(vecS, 16)
	sig, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestGBT32918VectorKeyPair(t *testing.T) {
	priv, err := ParsePrivateKey(unhex(t, vecPriv))
	if err != nil {
		t.Fatal(err)
	}
	want := "04" + vecPubX + vecPubY
	if got := priv.Public().Hex(); got != hex.EncodeToString(unhex(t, want)) {
		t.Errorf("public key = %s, want %s", got, want)
	}
}

func TestGBT32918VectorZAndDigest(t *testing.T) {
	pub, err := ParsePublicKeyHex("04" + vecPubX + vecPubY)
	if err != nil {
		t.Fatal(err)
	}
	z, err := sm2.CalculateZA(pub.k, DefaultUID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(z, unhex(t, vecZ)) {
		t.Errorf("Z = %X, want %s", z, vecZ)
	}
	e := SM3(append(z, vecMsg...))
	if !bytes.Equal(e[:], unhex(t, vecE)) {
		t.Errorf("e = %X, want %s", e, vecE)
	}
}

func TestGBT32918VectorSignatureVerifies(t *testing.T) {
	pub, err := ParsePublicKeyHex("04" + vecPubX + vecPubY)
	if err != nil {
		t.Fatal(err)
	}
	sig := vectorSignature(t)
	if !pub.Verify([]byte(vecMsg), sig) {
		t.Fatal("the published signature does not verify")
	}
	if pub.Verify([]byte("message digesT"), sig) {
		t.Error("the published signature verifies another message")
	}
	bad := bytes.Clone(sig)
	bad[len(bad)-1] ^= 1
	if pub.Verify([]byte(vecMsg), bad) {
		t.Error("a tampered signature verifies")
	}
	// The independent implementation agrees.
	if !tjPublic(t, pub).Verify([]byte(vecMsg), sig) {
		t.Error("tjfoc/gmsm rejects the published signature")
	}
}

// GM/T 0004-2012 (GB/T 32905) Annex A.
func TestGMT0004Vectors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{"abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	}
	for _, tt := range tests {
		if got := SM3Hex([]byte(tt.in)); got != tt.want {
			t.Errorf("SM3(%q) = %s, want %s", tt.in, got, tt.want)
		}
		if got := hex.EncodeToString(tjsm3.Sm3Sum([]byte(tt.in))); got != tt.want {
			t.Errorf("tjfoc SM3(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSM3AgreesWithTheIndependentImplementation(t *testing.T) {
	for _, n := range []int{0, 1, 55, 56, 63, 64, 65, 1000, 4096} {
		data := make([]byte, n)
		rand.Read(data)
		got := SM3(data)
		if !bytes.Equal(got[:], tjsm3.Sm3Sum(data)) {
			t.Errorf("SM3 of %d bytes differs from tjfoc/gmsm", n)
		}
	}
}

// HMAC-SM3 agrees with crypto/hmac over the independent SM3, for keys
// shorter and longer than SM3's 64-byte block.
func TestHMACSM3AgreesWithTheIndependentImplementation(t *testing.T) {
	for _, n := range []int{1, 16, 64, 65, 200} {
		key, data := make([]byte, n), make([]byte, 3*n)
		rand.Read(key)
		rand.Read(data)
		m := hmac.New(tjsm3.New, key)
		m.Write(data)
		if got := HMACSM3(key, data); !bytes.Equal(got[:], m.Sum(nil)) {
			t.Errorf("HMAC-SM3 with a %d-byte key differs from tjfoc/gmsm's SM3 under crypto/hmac", n)
		}
	}
}

func TestSignaturesCrossVerifyBothWays(t *testing.T) {
	for range 20 {
		priv, err := GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		msg := make([]byte, 100)
		rand.Read(msg)

		sig, err := priv.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		tjPub := tjPublic(t, priv.Public())
		if !tjPub.Verify(msg, sig) {
			t.Fatal("tjfoc/gmsm rejects a signature made here")
		}

		tjPriv := &tjsm2.PrivateKey{PublicKey: *tjPub, D: new(big.Int).SetBytes(priv.Raw())}
		tjSig, err := tjPriv.Sign(rand.Reader, msg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !priv.Public().Verify(msg, tjSig) {
			t.Fatal("a tjfoc/gmsm signature does not verify here")
		}
	}
}

func tjPublic(t testing.TB, k *PublicKey) *tjsm2.PublicKey {
	b := k.Bytes()
	return &tjsm2.PublicKey{Curve: tjsm2.P256Sm2(), X: new(big.Int).SetBytes(b[1:33]), Y: new(big.Int).SetBytes(b[33:])}
}

func TestKeysRoundTripThroughPEMAndHex(t *testing.T) {
	priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	privPEM, err := priv.PEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePrivateKeyPEM(privPEM)
	if err != nil || !bytes.Equal(back.Raw(), priv.Raw()) {
		t.Fatalf("private PEM round trip: %v", err)
	}
	pubPEM, err := priv.Public().PEM()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKeyPEM(pubPEM)
	if err != nil || !pub.Equal(priv.Public()) {
		t.Fatalf("public PEM round trip: %v", err)
	}
	pub2, err := ParsePublicKeyHex(priv.Public().Hex())
	if err != nil || !pub2.Equal(priv.Public()) {
		t.Fatalf("hex round trip: %v", err)
	}
}

func TestMalformedKeysAreRefused(t *testing.T) {
	for name, s := range map[string]string{
		"not hex":          "zz",
		"too short":        "04abcd",
		"compressed":       "02" + vecPubX,
		"not on the curve": "04" + vecPubX + vecPubX,
	} {
		if _, err := ParsePublicKeyHex(s); !errors.Is(err, ErrBadKey) && !errors.Is(err, ErrNotSM2) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParsePublicKeyPEM([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")); !errors.Is(err, ErrBadKey) {
		t.Errorf("wrong PEM type: %v", err)
	}
	if _, err := ParsePrivateKey(make([]byte, 31)); !errors.Is(err, ErrBadKey) {
		t.Errorf("short private key: %v", err)
	}
}

// GB/T 32907-2016 (GM/T 0002) Annex A, example 1: the block cipher under
// SM4-GCM.
func TestGBT32907BlockVector(t *testing.T) {
	key := unhex(t, "0123456789abcdeffedcba9876543210")
	b, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 16)
	b.Encrypt(out, key)
	if got := hex.EncodeToString(out); got != "681edf34d206965e86b3e94f536e4246" {
		t.Errorf("SM4 = %s", got)
	}
}

func TestSM4GCMSealsAndDetectsTampering(t *testing.T) {
	key := unhex(t, "0123456789abcdeffedcba9876543210")
	sealed, err := Seal(key, []byte("row 1,row 2"), []byte("auth-42"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(key, sealed, []byte("auth-42"))
	if err != nil || string(got) != "row 1,row 2" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := Open(key, sealed, []byte("auth-43")); !errors.Is(err, ErrDecrypt) {
		t.Errorf("other aad: %v", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := Open(key, sealed, []byte("auth-42")); !errors.Is(err, ErrDecrypt) {
		t.Errorf("tampered: %v", err)
	}
	if _, err := Open(key, sealed[:5], nil); !errors.Is(err, ErrDecrypt) {
		t.Errorf("truncated: %v", err)
	}
	if _, err := Seal(key[:8], nil, nil); !errors.Is(err, ErrBadSM4KeySize) {
		t.Errorf("short key: %v", err)
	}
}
