package issuance

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// records are a gateway's answers for drafts of draft(): the type, and the
// agency's seal key registered with key's public half.
func records(key *gm.PrivateKey) Records {
	return Records{Types: map[string]*record.LicenceType{businessLicence.Code: businessLicence},
		SealKeys: map[string]*record.SealKey{"hefei-amr-seal-1": {KeyID: "hefei-amr-seal-1", AgencyID: "hefei-amr", PublicKey: key.Public().Hex()}}}
}

func TestNeedsNamesEachTypeAndSealKeyOnceInOrder(t *testing.T) {
	a, b, c := draft(t, "A"), draft(t, "B"), draft(t, "C")
	b.Type, b.SealKeyID = "driving-licence", "seal-2"
	types, keys := Needs([]Draft{a, b, c})
	if !slices.Equal(types, []string{"business-licence", "driving-licence"}) || !slices.Equal(keys, []string{"hefei-amr-seal-1", "seal-2"}) {
		t.Errorf("types %q, seal keys %q", types, keys)
	}
}

// Every draft is checked against its type and its seal key's record
// before any is sealed; a list that passes is sealed in its order.
func TestSealAllChecksEveryDraftBeforeSealingAny(t *testing.T) {
	key, salt := agency(t)
	other, _ := gm.GenerateKey()
	list := []Draft{draft(t, "BL-1"), draft(t, "BL-2"), draft(t, "BL-3")}
	is, err := records(key).SealAll(list, key, salt)
	if err != nil || len(is) != 3 {
		t.Fatalf("a good list: %d sealed, %v", len(is), err)
	}
	for i, s := range is {
		sig, _ := hex.DecodeString(s.Request.Signature)
		if s.Request.Content.ID != list[i].ID || credential.Verify(key.Public(), s.Request.Content, sig) != nil {
			t.Errorf("licence %d: %s, its seal does not verify", i, s.Request.Content.ID)
		}
	}
	for _, c := range []struct {
		name, want string
		change     func(r *Records, last *Draft) *gm.PrivateKey
	}{
		{"the last draft lacks a required field", `licence BL-3: type business-licence requires field "name"`,
			func(_ *Records, d *Draft) *gm.PrivateKey { delete(d.Fields, "name"); return key }},
		{"no record of a type", "licence BL-3: no definition of its type driving-licence",
			func(_ *Records, d *Draft) *gm.PrivateKey { d.Type = "driving-licence"; return key }},
		{"no record of a seal key", "licence BL-3: seal key seal-9: no record of it",
			func(_ *Records, d *Draft) *gm.PrivateKey { d.SealKeyID = "seal-9"; return key }},
		{"the seal key of another agency", "licence BL-3: seal key hefei-amr-seal-1 belongs to agency hefei-amr, not wuhu-amr",
			func(_ *Records, d *Draft) *gm.PrivateKey { d.AgencyID = "wuhu-amr"; return key }},
		{"another key than the one registered", "the seal key given is not the key registered as hefei-amr-seal-1",
			func(*Records, *Draft) *gm.PrivateKey { return other }},
		{"a record under another ID", "seal key hefei-amr-seal-1: no record of it",
			func(r *Records, _ *Draft) *gm.PrivateKey { r.SealKeys["hefei-amr-seal-1"].KeyID = "x"; return key }},
		{"no seal key", "no seal key", func(*Records, *Draft) *gm.PrivateKey { return nil }},
	} {
		r := records(key)
		ds := slices.Clone(list)
		ds[2] = draft(t, "BL-3")
		k := c.change(&r, &ds[2])
		if is, err := r.SealAll(ds, k, salt); err == nil || is != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %d sealed, error %v, want one saying %q", c.name, len(is), err, c.want)
		}
	}
}

func TestAProvinceSaltIsHexOfSixteenBytesOrMore(t *testing.T) {
	good := strings.Repeat("ab", 16)
	for text, want := range map[string]string{
		good:                                 "",
		"\n  " + good + "\r\n":               "",
		strings.Repeat("ab", 15):             "15 bytes, want at least 16",
		"zz" + good:                          "not hex",
		"":                                   "0 bytes",
		strings.Repeat("a", maxSecretFile+1): "more than a salt file's",
	} {
		salt, err := ParseProvinceSalt([]byte(text))
		switch {
		case want == "" && (err != nil || hex.EncodeToString(salt) != good):
			t.Errorf("%.40q: %x %v", text, salt, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%.40q: %v, want an error saying %q", text, err, want)
		}
	}
}

// The archive holds each credential file unchanged under its licence's
// name; a file given twice or one that is not a credential is refused.
func TestZipCredentialsNamesEachFileByItsLicence(t *testing.T) {
	key, salt := agency(t)
	is, err := records(key).SealAll([]Draft{draft(t, "BL-Z1"), draft(t, "BL-Z2")}, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	var files [][]byte
	for _, s := range is {
		f, err := EncodeCredentialFile(s.Credential)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	b, err := ZipCredentials(files)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil || len(zr.File) != 2 {
		t.Fatalf("the archive: %v", err)
	}
	for i, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || f.Name != is[i].Request.Content.ID+".json" || !bytes.Equal(got, files[i]) || f.Method != zip.Deflate {
			t.Errorf("entry %d: %s, %d bytes, method %d: %v", i, f.Name, len(got), f.Method, err)
		}
	}
	for name, c := range map[string]struct {
		files [][]byte
		want  string
	}{
		"a licence twice":  {[][]byte{files[0], files[1], files[0]}, "licence BL-Z1 is given twice"},
		"not a credential": {[][]byte{files[0], []byte(`{"format":"x"}`)}, "credential file 2: format"},
		"nothing":          {nil, "1 to 10000 credential files, not 0"},
	} {
		if _, err := ZipCredentials(c.files); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
}
