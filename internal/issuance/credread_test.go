package issuance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	c, err := ReadCredential(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.LicenceID != "BL-R" || len(c.Fields) != len(is.Credential.Fields) || c.Fields[0] != is.Credential.Fields[0] {
		t.Fatalf("read back %+v, wrote %+v", c, is.Credential)
	}
	all, err := c.Disclose(nil)
	if err != nil || len(all) != len(c.Fields) {
		t.Errorf("every field: %v %v", all, err)
	}
	some, err := c.Disclose([]string{"name", "capital"})
	if err != nil || len(some) != 2 || some[0].Name != "name" || some[1].Name != "capital" || some[0].Salt == "" {
		t.Errorf("name and capital: %+v %v", some, err)
	}
	if _, err := c.Disclose([]string{"name", "nickname"}); err == nil || !strings.Contains(err.Error(), `"nickname"`) {
		t.Errorf("a field the credential lacks: %v", err)
	}

	for name, body := range map[string]string{
		"unknown.json": `{"format":"wanledger-holder-credential/v0","licenceId":"X","extra":1}`,
		"format.json":  `{"format":"something-else/v9","licenceId":"X"}`,
		"broken.json":  `{"format":`,
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
