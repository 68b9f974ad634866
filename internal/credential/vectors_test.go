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
	Fields []fieldVector `json:"fields"`
	Seal   struct {
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
