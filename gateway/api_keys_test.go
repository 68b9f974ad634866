package gateway

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/gateway/keys"
)

func body(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAdminCreatesUsesAndRevokesAKey: the secret comes back once, works at
// once, is listed without hash or secret, and is refused the moment it is
// revoked.
func TestAdminCreatesUsesAndRevokesAKey(t *testing.T) {
	f := newFixture(t)
	st, out := f.do(http.MethodPost, "/v1/keys", keys.RoleAdmin, body(t, map[string]any{"identity": "User2", "roles": []string{"verifier", "auditor"}}))
	if st != http.StatusCreated {
		t.Fatalf("create: %d %v", st, out)
	}
	secret, _ := out["secret"].(string)
	id, _ := out["id"].(string)
	if secret == "" || id == "" || out["identity"] != "User2" {
		t.Fatalf("create answered %v", out)
	}
	f.keys["new"] = secret
	if st, out := f.do(http.MethodGet, "/v1/keys/self", "new", nil); st != http.StatusOK || out["id"] != id || len(out["roles"].([]any)) != 2 {
		t.Fatalf("self with the new key: %d %v", st, out)
	}
	if st, _ := f.do(http.MethodGet, "/v1/keys", "new", nil); st != http.StatusForbidden {
		t.Errorf("a verifier lists keys: %d", st)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/v1/keys", nil)
	req.Header.Set("Authorization", "Bearer "+f.keys[keys.RoleAdmin])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	found := false
	for _, k := range list {
		if _, ok := k["hash"]; ok {
			t.Fatalf("a listed key shows its hash: %v", k)
		}
		if _, ok := k["secret"]; ok {
			t.Fatalf("a listed key shows a secret: %v", k)
		}
		found = found || k["id"] == id
	}
	if !found {
		t.Fatalf("the new key is not listed: %v", list)
	}
	if st, out := f.do(http.MethodPost, "/v1/keys/"+id+"/revoke", keys.RoleAdmin, nil); st != http.StatusOK || out["id"] != id {
		t.Fatalf("revoke: %d %v", st, out)
	}
	if st, out := f.do(http.MethodGet, "/v1/keys/self", "new", nil); st != http.StatusUnauthorized || out["code"] != "UNAUTHENTICATED" {
		t.Fatalf("a revoked key: %d %v", st, out)
	}
	if st, out := f.do(http.MethodPost, "/v1/keys/"+id+"/revoke", keys.RoleAdmin, nil); st != http.StatusNotFound {
		t.Fatalf("revoking twice: %d %v", st, out)
	}
}

func TestKeyRequestsAreChecked(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name, role string
		body       map[string]any
		want       int
	}{
		{"an identity the gateway lacks", keys.RoleAdmin, map[string]any{"identity": "Mallory", "roles": []string{"verifier"}}, http.StatusBadRequest},
		{"an unknown role", keys.RoleAdmin, map[string]any{"identity": "User1", "roles": []string{"root"}}, http.StatusBadRequest},
		{"no role", keys.RoleAdmin, map[string]any{"identity": "User1", "roles": []string{}}, http.StatusBadRequest},
		{"no identity", keys.RoleAdmin, map[string]any{"roles": []string{"verifier"}}, http.StatusBadRequest},
		{"a non-admin", "issuer", map[string]any{"identity": "User1", "roles": []string{"verifier"}}, http.StatusForbidden},
		{"no key", "", map[string]any{"identity": "User1", "roles": []string{"verifier"}}, http.StatusUnauthorized},
	} {
		if st, out := f.do(http.MethodPost, "/v1/keys", c.role, body(t, c.body)); st != c.want {
			t.Errorf("%s: %d %v, want %d", c.name, st, out, c.want)
		}
	}
	if n := len(f.g.keys.List()); n != 8 {
		t.Errorf("%d keys stored after refusals, want the fixture's 8", n)
	}
}

func TestAKeyCannotRevokeItself(t *testing.T) {
	f := newFixture(t)
	self, err := f.g.keys.Check(f.keys[keys.RoleAdmin])
	if err != nil {
		t.Fatal(err)
	}
	if st, out := f.do(http.MethodPost, "/v1/keys/"+self.ID+"/revoke", keys.RoleAdmin, nil); st != http.StatusBadRequest {
		t.Fatalf("self-revocation: %d %v", st, out)
	}
	if st, _ := f.do(http.MethodGet, "/v1/keys/self", keys.RoleAdmin, nil); st != http.StatusOK {
		t.Fatalf("the admin key stopped working: %d", st)
	}
	other, err := f.g.keys.Check(f.keys["issuer"])
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := f.do(http.MethodPost, "/v1/keys/"+other.ID+"/revoke", "issuer", nil); st != http.StatusForbidden {
		t.Fatalf("an issuer revoked a key: %d", st)
	}
}

// TestTypedClientManagesKeys: the typed client's key methods against the
// gateway's handlers; a refusal is an *api.Error with its status and code.
func TestTypedClientManagesKeys(t *testing.T) {
	f := newFixture(t)
	admin := apiclient.New(f.srv.URL, f.keys[keys.RoleAdmin])
	nk, err := admin.CreateKey(t.Context(), api.KeyRequest{Identity: "User2", Roles: []string{"clerk"}})
	if err != nil || nk.Secret == "" {
		t.Fatalf("CreateKey = %+v, %v", nk, err)
	}
	self, err := apiclient.New(f.srv.URL, nk.Secret).Self(t.Context())
	if err != nil || self.ID != nk.ID || self.Identity != "User2" {
		t.Fatalf("Self = %+v, %v", self, err)
	}
	list, err := admin.Keys(t.Context())
	if err != nil || !slices.ContainsFunc(list, func(k api.Key) bool { return k.ID == nk.ID }) {
		t.Fatalf("Keys = %+v, %v", list, err)
	}
	if _, err := admin.RevokeKey(t.Context(), nk.ID); err != nil {
		t.Fatal(err)
	}
	_, err = apiclient.New(f.srv.URL, nk.Secret).Self(t.Context())
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Code != api.CodeUnauthenticated {
		t.Fatalf("a revoked key's call: %v", err)
	}
}

// The failing input: with keys.json unwritable, a revoked key stayed valid.
// The revocation holds at once, and the answer says it is not stored.
func TestARevocationThatCannotBeStoredHoldsAndSaysSo(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	p := dir + "/keys.json"
	if err := os.WriteFile(p, []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	ks, err := keys.LoadKeys(p)
	if err != nil {
		t.Fatal(err)
	}
	admin, _, err := ks.Create("User1", []string{keys.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	leaked, key, err := ks.Create("User2", []string{"verifier"})
	if err != nil {
		t.Fatal(err)
	}
	f.g.keys, f.keys[keys.RoleAdmin], f.keys["leaked"] = ks, admin, leaked
	f.srv = httptest.NewServer(f.g.Handler())
	t.Cleanup(f.srv.Close)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	st, out := f.do(http.MethodPost, "/v1/keys/"+key.ID+"/revoke", keys.RoleAdmin, nil)
	if st != http.StatusInternalServerError || out["code"] != "INTERNAL" || out["message"] != "revoked now; not stored: the key will be valid again after a restart" {
		t.Errorf("revoke: %d %v", st, out)
	}
	if st, out := f.do(http.MethodGet, "/v1/keys/self", "leaked", nil); st != http.StatusUnauthorized {
		t.Errorf("the revoked key: %d %v", st, out)
	}
}
