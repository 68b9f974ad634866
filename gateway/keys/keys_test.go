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

// The failing inputs: entries that New used to take silently.
func TestNewRefusesAmbiguousOrUnusableEntries(t *testing.T) {
	hash := strings.Repeat("0", 64)
	cert := func(id, subject, role string) APIKey {
		return APIKey{ID: id, CertSubject: subject, Identity: "Admin", Roles: []string{role}}
	}
	for name, c := range map[string]struct {
		list []APIKey
		want string
	}{
		"a certificate subject twice": {[]APIKey{cert("c1", "Admin@hefei", "admin"), cert("c2", "Admin@hefei", "verifier")}, `"c2"`},
		"an unknown role":             {[]APIKey{cert("c1", "Admin@hefei", "superuser")}, `"superuser"`},
		"an ID with _":                {[]APIKey{{ID: "a_b", Hash: hash, Identity: "U", Roles: []string{"verifier"}}}, `"a_b"`},
		"an ID of dots":               {[]APIKey{{ID: "..", Hash: hash, Identity: "U", Roles: []string{"verifier"}}}, `".."`},
	} {
		if _, err := New(c.list); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: New = %v; want an error naming %s", name, err, c.want)
		}
	}
	p := t.TempDir() + "/null.json"
	if err := os.WriteFile(p, []byte("null"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeys(p); err == nil {
		t.Error("a keys file of null loaded")
	}
}
