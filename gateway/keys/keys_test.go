package keys

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestKeysFileBindsSecretsOrCertificates(t *testing.T) {
	dir := t.TempDir()
	write := func(v any) string {
		b, _ := json.Marshal(v)
		p := dir + "/ks.json"
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secret, k, err := NewKey("User1", "verifier")
	if err != nil {
		t.Fatal(err)
	}
	ks, err := LoadKeys(write([]APIKey{k, {ID: "cert-User1", CertSubject: "User1@hefei.wanledger", Identity: "User1", Roles: []string{"issuer"}}}))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ks.Check(secret); err != nil || got.Identity != "User1" {
		t.Errorf("Check = %+v, %v", got, err)
	}
	if _, err := ks.Check(secret + "x"); err == nil {
		t.Error("a changed secret passed")
	}
	if got, err := ks.ForCert("User1@hefei.wanledger"); err != nil || !got.Has("issuer") {
		t.Errorf("ForCert = %+v, %v", got, err)
	}
	if _, err := ks.ForCert("User1@wuhu.wanledger"); err == nil {
		t.Error("an unbound certificate passed")
	}
	for name, bad := range map[string]APIKey{
		"no identity":      {ID: "a", Hash: strings.Repeat("0", 64)},
		"hash and subject": {ID: "a", Hash: strings.Repeat("0", 64), CertSubject: "x", Identity: "U"},
		"neither":          {ID: "a", Identity: "U"},
		"a hash too short": {ID: "a", Hash: "abc", Identity: "U"},
	} {
		if _, err := LoadKeys(write([]APIKey{bad})); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}
