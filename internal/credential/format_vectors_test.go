package credential_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tjsm2 "github.com/tjfoc/gmsm/sm2"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/presentation"
)

var updateFormat = flag.Bool("update-format", false, "rewrite testdata/credential-format.json")

const formatVectorsFile = "testdata/credential-format.json"

// formatVectors is testdata/credential-format.json: a credential and two
// presentations of it, one key binding signed here and one signed with
// tjfoc/gmsm, every intermediate value given (docs/credential-format.md).
type formatVectors struct {
	Note             string               `json:"note"`
	SealPrivateKey   string               `json:"sealPrivateKey"`
	SealPublicKey    string               `json:"sealPublicKey"`
	HolderPrivateKey string               `json:"holderPrivateKey"`
	HolderPublicKey  string               `json:"holderPublicKey"`
	Credential       credentialVector     `json:"credential"`
	Presentations    []presentationVector `json:"presentations"`
}

type credentialVector struct {
	Content      credential.Content `json:"content"`
	SigningBytes string             `json:"signingBytes"`
	Seal         string             `json:"seal"`
	Disclosures  []disclosureVector `json:"disclosures"`
	Compact      string             `json:"compact"`
	File         string             `json:"file"`
}

type disclosureVector struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Salt     string `json:"salt"`
	Encoding string `json:"encoding"`
	Base64   string `json:"base64url"`
	Digest   string `json:"digest"`
}

type presentationVector struct {
	SignedWith string    `json:"signedWith"`
	Disclose   []string  `json:"disclose"`
	Nonce      string    `json:"nonce"`
	Audience   string    `json:"audience"`
	Time       time.Time `json:"time"`
	Reference  string    `json:"reference"`
	SignedText string    `json:"sdHashInput"`
	SDHash     string    `json:"sdHash"`
	KeyBinding string    `json:"keyBinding"`
	Signature  string    `json:"signature"`
	Compact    string    `json:"compact"`
}

const (
	vectorSealKey   = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8" // GB/T 32918.5
	vectorHolderKey = "0000000000000000000000000000000000000000000000000000000000000007"
)

// vectorCredential is the credential of the licence of testdata/vectors.json.
func vectorCredential(t *testing.T, seal []byte) credential.Credential {
	holder := key(t, vectorHolderKey)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := credential.Content{ID: "BL-340100-2026-000001", Type: "business-licence", AgencyID: "hefei-amr", Region: "340100",
		SealKeyID: "hefei-amr-seal-1", HolderPseudonym: "c3bea4dd072f8dc63c513be17d6bcae4ccd63d2b53b596d5bd02cfee844603b8",
		HolderPublicKey: holder.Public().Hex(), ValidFrom: from, ValidTo: from.AddDate(5, 0, 0)}
	var ds []credential.Disclosure
	for i, f := range [][2]string{{"creditCode", "91340100MA2XXXXX1Q"}, {"name", "合肥示例科技有限公司"}} {
		salt := make([]byte, 16)
		for j := range salt {
			salt[j] = byte(16*i + j)
		}
		d := credential.Disclosure{LicenceID: c.ID, Name: f[0], Salt: salt, Value: f[1]}
		digest, err := d.Digest()
		if err != nil {
			t.Fatal(err)
		}
		c.Fields = append(c.Fields, credential.FieldDigest{Name: f[0], Digest: digest})
		ds = append(ds, d)
	}
	if seal == nil {
		var err error
		if seal, err = credential.Sign(key(t, vectorSealKey), c); err != nil {
			t.Fatal(err)
		}
	}
	return credential.Credential{Content: c, Seal: seal, Disclosures: ds}
}

// buildFormatVectors computes every vector from the fixed inputs, with
// the signatures given (made afresh where nil).
func buildFormatVectors(t *testing.T, seal []byte, kbSigs [2][]byte) formatVectors {
	c := vectorCredential(t, seal)
	v := formatVectors{Note: "wanledger credential and presentation vectors; see docs/credential-format.md. Hex is lower case, base64url unpadded. SM2 signatures are randomised: check them by verifying.",
		SealPrivateKey: vectorSealKey, SealPublicKey: key(t, vectorSealKey).Public().Hex(),
		HolderPrivateKey: vectorHolderKey, HolderPublicKey: c.Content.HolderPublicKey}
	signed, err := c.Content.SigningBytes()
	if err != nil {
		t.Fatal(err)
	}
	v.Credential = credentialVector{Content: c.Content, SigningBytes: hex.EncodeToString(signed), Seal: hex.EncodeToString(c.Seal)}
	for i, d := range c.Disclosures {
		enc, err := d.Encode()
		if err != nil {
			t.Fatal(err)
		}
		v.Credential.Disclosures = append(v.Credential.Disclosures, disclosureVector{Name: d.Name, Value: d.Value,
			Salt: hex.EncodeToString(d.Salt), Encoding: hex.EncodeToString(enc), Base64: credential.B64.EncodeToString(enc), Digest: c.Content.Fields[i].Digest})
	}
	if v.Credential.Compact, err = c.Compact(); err != nil {
		t.Fatal(err)
	}
	file, err := issuance.EncodeCredentialFile(c)
	if err != nil {
		t.Fatal(err)
	}
	v.Credential.File = string(file)
	at := time.Date(2026, 6, 1, 8, 30, 0, 0, time.UTC)
	for i, with := range []string{"wanledger (emmansun/gmsm)", "tjfoc/gmsm"} {
		v.Presentations = append(v.Presentations, buildPresentation(t, c, with, kbSigs[i], at.Add(time.Duration(i)*time.Minute)))
	}
	return v
}

func buildPresentation(t *testing.T, c credential.Credential, with string, sig []byte, at time.Time) presentationVector {
	p := presentationVector{SignedWith: with, Disclose: []string{"name"}, Nonce: "n-0123456789abcdef", Audience: "wuhu-amr", Time: at}
	ref := "050000000201000000" + hex.EncodeToString([]byte{byte(len(presentation.TagReference))}) + hex.EncodeToString([]byte(presentation.TagReference)) +
		"01" + hex.EncodeToString([]byte{0, 0, 0, byte(len(c.Content.ID))}) + hex.EncodeToString([]byte(c.Content.ID))
	p.Reference = ref
	refBytes, _ := hex.DecodeString(ref)
	enc, err := c.Disclosures[1].Encode()
	if err != nil {
		t.Fatal(err)
	}
	p.SignedText = credential.B64.EncodeToString(refBytes) + "~" + credential.B64.EncodeToString(enc) + "~"
	sd := gm.SM3([]byte(p.SignedText))
	p.SDHash = hex.EncodeToString(sd[:])
	kb := "05000000050100000018" + hex.EncodeToString([]byte(presentation.TagKeyBinding)) +
		"01" + hex.EncodeToString([]byte{0, 0, 0, byte(len(p.Nonce))}) + hex.EncodeToString([]byte(p.Nonce)) +
		"01" + hex.EncodeToString([]byte{0, 0, 0, byte(len(p.Audience))}) + hex.EncodeToString([]byte(p.Audience)) +
		"04" + hex.EncodeToString(big.NewInt(at.Unix()).FillBytes(make([]byte, 8))) + "0200000020" + p.SDHash
	p.KeyBinding = kb
	kbBytes, _ := hex.DecodeString(kb)
	if sig == nil {
		holder := key(t, vectorHolderKey)
		if strings.HasPrefix(with, "tjfoc") {
			tjPriv := &tjsm2.PrivateKey{PublicKey: *tjPublic(t, holder.Public()), D: new(big.Int).SetBytes(holder.Raw())}
			sig, err = tjPriv.Sign(rand.Reader, kbBytes, nil)
		} else {
			sig, err = holder.Sign(kbBytes)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	p.Signature = hex.EncodeToString(sig)
	p.Compact = p.SignedText + credential.B64.EncodeToString(kbBytes) + "." + credential.B64.EncodeToString(sig)
	return p
}

// The vectors are what this code computes, byte for byte; their
// signatures verify here and with tjfoc/gmsm; the credential parses back;
// each presentation (one signed with tjfoc/gmsm) parses and verifies, and
// one made by presentation.Make has the same bytes but its signature.
func TestCredentialFormatVectors(t *testing.T) {
	if *updateFormat {
		v := buildFormatVectors(t, nil, [2][]byte{})
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.FromSlash(formatVectorsFile), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.FromSlash(formatVectorsFile))
	if err != nil {
		t.Fatal(err)
	}
	var file formatVectors
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	var kbSigs [2][]byte
	for i, p := range file.Presentations {
		kbSigs[i] = mustHex(t, p.Signature)
	}
	want := buildFormatVectors(t, mustHex(t, file.Credential.Seal), kbSigs)
	if !reflect.DeepEqual(file, want) {
		got, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("%s differs from what the code computes:\n%s", formatVectorsFile, got)
	}

	sealPub := key(t, vectorSealKey).Public()
	signed := mustHex(t, file.Credential.SigningBytes)
	if !sealPub.Verify(signed, mustHex(t, file.Credential.Seal)) || !tjPublic(t, sealPub).Verify(signed, mustHex(t, file.Credential.Seal)) {
		t.Error("the seal signature does not verify")
	}
	c, err := credential.ParseCompact(file.Credential.Compact)
	if err != nil || !reflect.DeepEqual(c, vectorCredential(t, mustHex(t, file.Credential.Seal))) {
		t.Errorf("the compact credential parses to %+v: %v", c, err)
	}

	holder := key(t, vectorHolderKey)
	for _, v := range file.Presentations {
		kb := mustHex(t, v.KeyBinding)
		if !holder.Public().Verify(kb, mustHex(t, v.Signature)) || !tjPublic(t, holder.Public()).Verify(kb, mustHex(t, v.Signature)) {
			t.Errorf("%s: the key binding signature does not verify", v.SignedWith)
		}
		p, err := presentation.Parse(v.Compact)
		if err != nil {
			t.Fatalf("%s: %v", v.SignedWith, err)
		}
		ds, err := presentation.Verify(p, c.Content, presentation.Expect{Nonce: v.Nonce, Audience: v.Audience, Now: v.Time})
		if err != nil || len(ds) != 1 || ds[0].Name != "name" || ds[0].Value != "合肥示例科技有限公司" {
			t.Errorf("%s: verified %+v: %v", v.SignedWith, ds, err)
		}
		made, err := presentation.Make(holder, c.Content.ID, ds, v.Nonce, v.Audience, v.Time)
		if err != nil || !strings.HasPrefix(made, v.Compact[:strings.LastIndex(v.Compact, ".")+1]) {
			t.Errorf("%s: Make wrote %s: %v", v.SignedWith, made, err)
		}
	}
}

func key(t *testing.T, scalar string) *gm.PrivateKey {
	t.Helper()
	k, err := gm.ParsePrivateKey(mustHex(t, scalar))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tjPublic(t *testing.T, k *gm.PublicKey) *tjsm2.PublicKey {
	b := k.Bytes()
	return &tjsm2.PublicKey{Curve: tjsm2.P256Sm2(), X: new(big.Int).SetBytes(b[1:33]), Y: new(big.Int).SetBytes(b[33:])}
}
