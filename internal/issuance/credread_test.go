package issuance

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/credential"
)

func TestACredentialFileReadsBackAndDisclosesTheFieldsAsked(t *testing.T) {
	key, salt := agency(t)
	dir := t.TempDir()
	is, err := Seal(draft(t, "BL-R"), businessLicence, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	path, err := WriteCredential(dir, is.Credential)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]string
	if b, err := os.ReadFile(path); err != nil || json.Unmarshal(b, &file) != nil || file["format"] != credential.FileFormat {
		t.Fatalf("the file is not a %s credential file: %v %v", credential.FileFormat, file, err)
	}
	c, err := ReadCredential(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, is.Credential) {
		t.Fatalf("read back %+v, wrote %+v", c, is.Credential)
	}
	if err := credential.Verify(key.Public(), c.Content, c.Seal); err != nil {
		t.Errorf("the seal read back does not verify: %v", err)
	}
	all, err := Disclosed(c, nil)
	if err != nil || len(all) != len(c.Disclosures) {
		t.Errorf("every field: %v %v", all, err)
	}
	some, err := Disclosed(c, []string{"name", "capital"})
	if err != nil || len(some) != 2 || some[0].Name != "name" || some[1].Name != "capital" || len(some[0].Salt) != 32 {
		t.Errorf("name and capital: %+v %v", some, err)
	}
	if _, err := Disclosed(c, []string{"name", "nickname"}); err == nil || !strings.Contains(err.Error(), `"nickname"`) {
		t.Errorf("a field the credential lacks: %v", err)
	}

	compact, _ := c.Compact()
	for name, body := range map[string]string{
		"unknown.json":   `{"format":"wanledger-credential/v1","credential":"` + compact + `","extra":1}`,
		"format.json":    `{"format":"something-else/v9","credential":"x"}`,
		"broken.json":    `{"format":`,
		"truncated.json": `{"format":"wanledger-credential/v1","credential":"` + compact[:len(compact)-5] + `"}`,
		"v0extra.json":   `{"format":"wanledger-holder-credential/v0","licenceId":"X","extra":1}`,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadCredential(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A version 0 file (the provisional format written before version 1) is
// still read: its disclosures are what they were, and its digests are
// the licence's, though it carries no seal.
func TestAVersion0CredentialFileStillDisclosesItsFields(t *testing.T) {
	key, salt := agency(t)
	is, err := Seal(draft(t, "BL-V0"), businessLicence, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	c := is.Request.Content
	v0 := credentialV0{Format: credentialV0Format, LicenceID: c.ID, Type: c.Type, AgencyID: c.AgencyID, Region: c.Region,
		HolderPseudonym: c.HolderPseudonym, HolderPublicKey: c.HolderPublicKey, ValidFrom: c.ValidFrom, ValidTo: c.ValidTo}
	for _, d := range is.Credential.Disclosures {
		v0.Fields = append(v0.Fields, api.Disclosure{Name: d.Name, Value: d.Value, Salt: hex.EncodeToString(d.Salt)})
	}
	b, err := json.Marshal(v0)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "BL-V0.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCredential(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seal != nil || got.Content.SealKeyID != "" || !reflect.DeepEqual(got.Content.Fields, c.Fields) ||
		!reflect.DeepEqual(got.Disclosures, is.Credential.Disclosures) {
		t.Errorf("version 0 read as %+v", got)
	}
}
