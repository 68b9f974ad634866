package credential

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/gm"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

// vectors is testdata/vectors.json: inputs, their canonical encodings and
// digests, and a seal signature, for other implementations to reproduce.
type vectors struct {
	Note   string `json:"note"`
	Holder struct {
		ProvinceSalt string `json:"provinceSalt"`
		CitizenID    string `json:"citizenId"`
		Encoding     string `json:"encoding"`
		Pseudonym    string `json:"pseudonym"`
	} `json:"holder"`
	Fields        []fieldVector `json:"fields"`
	Normalization []nfcVector   `json:"normalization"`
	Seal          struct {
		UserID     string `json:"userId"`
		PrivateKey string `json:"privateKey"`
		PublicKey  string `json:"publicKey"`
	} `json:"seal"`
	Licence struct {
		Content      Content `json:"content"`
		SigningBytes string  `json:"signingBytes"`
		SigningSM3   string  `json:"signingBytesSm3"`
		Signature    string  `json:"signature"`
	} `json:"licence"`
}

type fieldVector struct {
	LicenceID string `json:"licenceId"`
	Name      string `json:"name"`
	Salt      string `json:"salt"`
	Value     string `json:"value"`
	Encoding  string `json:"encoding"`
	Digest    string `json:"digest"`
}

// nfcVector is one field value typed in several Unicode forms that all hash
// as its NFC form. Inputs and the hashed value are also given as UTF-8 hex,
// since an editor may normalise the JSON strings themselves.
type nfcVector struct {
	Note       string     `json:"note"`
	LicenceID  string     `json:"licenceId"`
	Name       string     `json:"name"`
	Salt       string     `json:"salt"`
	Inputs     []nfcInput `json:"inputs"`
	HashedUTF8 string     `json:"hashedUtf8"`
	Encoding   string     `json:"encoding"`
	Digest     string     `json:"digest"`
}

type nfcInput struct {
	Form  string `json:"form"`
	Value string `json:"value"`
	UTF8  string `json:"utf8"`
}

// nfcCases are the normalization vectors: a decomposed Latin letter of a
// pinyin name and a CJK compatibility ideograph.
var nfcCases = []struct {
	note, name string
	inputs     []nfcInput
}{
	{"pinyin name LǙ (吕): U+01D9, U+00DC U+030C and U+0055 U+0308 U+030C are one text; NFC is U+01D9", "name", []nfcInput{
		{Form: "NFC", Value: "L\u01d9"}, {Form: "partly composed", Value: "L\u00dc\u030c"}, {Form: "NFD", Value: "LU\u0308\u030c"}}},
	{"CJK compatibility ideograph U+F900 normalises to the unified ideograph U+8C48", "name", []nfcInput{
		{Form: "NFC", Value: "\u8c48"}, {Form: "compatibility ideograph", Value: "\uf900"}}},
}

const vectorsPath = "testdata/vectors.json"

// The seal key of the vectors is the GB/T 32918.5 example key.
const vectorSealKey = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"

func buildVectors(t *testing.T, sig string) vectors {
	t.Helper()
	var v vectors
	v.Note = "wanledger canonical encoding vectors; see docs/canonical-encoding.md. Hex is lower case. SM2 signatures are randomised: check the signature by verifying it."
	v.Holder.ProvinceSalt = hex.EncodeToString([]byte("anhui-province-salt-2026"))
	v.Holder.CitizenID = "340104199001011234"
	salt, _ := hex.DecodeString(v.Holder.ProvinceSalt)
	v.Holder.Encoding = hex.EncodeToString(mustEncode(t, func(l *canon.Encoder) { l.String(TagHolder).Bytes(salt).String(v.Holder.CitizenID) }))
	v.Holder.Pseudonym = mustPseudonym(t, salt, v.Holder.CitizenID)

	id := "BL-340100-2026-000001"
	for i, f := range []struct{ name, value string }{{"creditCode", "91340100MA2XXXXX1Q"}, {"name", "合肥示例科技有限公司"}} {
		s := make([]byte, 16)
		for j := range s {
			s[j] = byte(i*16 + j)
		}
		d, err := FieldDigestOf(id, f.name, s, f.value)
		if err != nil {
			t.Fatal(err)
		}
		v.Fields = append(v.Fields, fieldVector{LicenceID: id, Name: f.name, Salt: hex.EncodeToString(s), Value: f.value,
			Encoding: hex.EncodeToString(mustEncode(t, func(l *canon.Encoder) { l.String(TagField).String(id).String(f.name).Bytes(s).String(f.value) })), Digest: d})
	}
	for i, c := range nfcCases {
		v.Normalization = append(v.Normalization, buildNFCVector(t, id, c.note, c.name, c.inputs, byte(0x20+16*i)))
	}
	key := sealKey(t)
	v.Seal.UserID, v.Seal.PrivateKey, v.Seal.PublicKey = string(gm.DefaultUID), vectorSealKey, key.Public().Hex()
	holderKey, _ := gm.ParsePrivateKey(mustHex(t, "0000000000000000000000000000000000000000000000000000000000000007"))
	c := Content{ID: id, Type: "business-licence", AgencyID: "hefei-amr", Region: "340100", SealKeyID: "hefei-amr-seal-1",
		HolderPseudonym: v.Holder.Pseudonym, HolderPublicKey: holderKey.Public().Hex(),
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, f := range v.Fields {
		c.Fields = append(c.Fields, FieldDigest{Name: f.Name, Digest: f.Digest})
	}
	b, err := c.SigningBytes()
	if err != nil {
		t.Fatal(err)
	}
	v.Licence.Content, v.Licence.SigningBytes, v.Licence.SigningSM3 = c, hex.EncodeToString(b), gm.SM3Hex(b)
	v.Licence.Signature = sig
	if sig == "" {
		s, err := Sign(key, c)
		if err != nil {
			t.Fatal(err)
		}
		v.Licence.Signature = hex.EncodeToString(s)
	}
	return v
}

// buildNFCVector digests every input form and fails the test unless they
// all give the digest of the NFC form.
func buildNFCVector(t *testing.T, id, note, name string, inputs []nfcInput, saltStart byte) nfcVector {
	t.Helper()
	salt := make([]byte, 16)
	for j := range salt {
		salt[j] = saltStart + byte(j)
	}
	nfc := NFC(inputs[0].Value)
	v := nfcVector{Note: note, LicenceID: id, Name: name, Salt: hex.EncodeToString(salt), HashedUTF8: hex.EncodeToString([]byte(nfc)),
		Encoding: hex.EncodeToString(mustEncode(t, func(l *canon.Encoder) { l.String(TagField).String(id).String(name).Bytes(salt).String(nfc) }))}
	v.Digest = gm.SM3Hex(mustHex(t, v.Encoding))
	for _, in := range inputs {
		in.UTF8 = hex.EncodeToString([]byte(in.Value))
		d, err := FieldDigestOf(id, name, salt, in.Value)
		if err != nil {
			t.Fatal(err)
		}
		if d != v.Digest {
			t.Errorf("%s: the %s form %s digests to %s, the NFC form %s to %s", note, in.Form, in.UTF8, d, v.HashedUTF8, v.Digest)
		}
		v.Inputs = append(v.Inputs, in)
	}
	return v
}

func TestVectors(t *testing.T) {
	raw, err := os.ReadFile(vectorsPath)
	if *update {
		b, err := json.MarshalIndent(buildVectors(t, ""), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(vectorsPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vectorsPath, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var file vectors
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	want := buildVectors(t, file.Licence.Signature)
	got, _ := json.Marshal(file)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Errorf("testdata/vectors.json no longer matches the code (run the test with -update only for a deliberate format change)\n got %s\nwant %s", got, exp)
	}
	pub, err := gm.ParsePublicKeyHex(file.Seal.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(pub, file.Licence.Content, mustHex(t, file.Licence.Signature)); err != nil {
		t.Errorf("the vector signature: %v", err)
	}
}

func mustEncode(t *testing.T, items func(*canon.Encoder)) []byte {
	b, err := encodeList(items)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sealKey(t *testing.T) *gm.PrivateKey {
	k, err := gm.ParsePrivateKey(mustHex(t, vectorSealKey))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustPseudonym(t *testing.T, salt []byte, id string) string {
	p, err := HolderPseudonym(salt, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
