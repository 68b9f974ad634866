package keys

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newFile(t *testing.T) (*Keys, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(p, []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := LoadKeys(p)
	if err != nil {
		t.Fatal(err)
	}
	return k, p
}

func TestCreateListRevokePersistHashesOnly(t *testing.T) {
	k, p := newFile(t)
	secret, key, err := k.Create("User2", []string{"verifier", "auditor", "verifier"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k.Check(secret); err != nil || got.ID != key.ID || len(got.Roles) != 2 {
		t.Fatalf("Check(new) = %+v, %v", got, err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("keys file mode %v, want 0600", st.Mode().Perm())
	}
	if string(b) == "[]" || strings.Contains(string(b), secret) {
		t.Fatalf("keys file holds %s", b)
	}
	reloaded, err := LoadKeys(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reloaded.Check(secret); err != nil {
		t.Fatalf("reloaded store refuses the new key: %v", err)
	}
	if l := reloaded.List(); len(l) != 1 || l[0].ID != key.ID || l[0].Identity != "User2" {
		t.Fatalf("List = %+v", l)
	}
	if _, err := k.Revoke(key.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Check(secret); !errors.Is(err, ErrNoKey) {
		t.Fatalf("a revoked key checks: %v", err)
	}
	if _, err := k.Revoke(key.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoking twice: %v", err)
	}
	reloaded, err = LoadKeys(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reloaded.Check(secret); err == nil || len(reloaded.List()) != 0 {
		t.Fatal("the revocation was not written")
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestCreateRefusesUnknownRolesAndEmptyIdentity(t *testing.T) {
	k, _ := newFile(t)
	if _, _, err := k.Create("User1", []string{"root"}); !errors.Is(err, ErrBadRole) {
		t.Errorf("role root: %v", err)
	}
	if _, _, err := k.Create("", []string{"verifier"}); err == nil {
		t.Error("no identity accepted")
	}
	if _, _, err := k.Create("User1", nil); err == nil {
		t.Error("no role accepted")
	}
	if len(k.List()) != 0 {
		t.Error("a refused key was stored")
	}
}

// TestConcurrentCreateAndRevokeKeepEveryChange: many writers and readers at
// once (run with -race); the file, reloaded, has exactly the survivors.
func TestConcurrentCreateAndRevokeKeepEveryChange(t *testing.T) {
	k, p := newFile(t)
	const n = 24
	secrets := make([]string, n)
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, key, err := k.Create(fmt.Sprintf("User%d", i), []string{"verifier"})
			if err != nil {
				t.Error(err)
				return
			}
			secrets[i], ids[i] = s, key.ID
			if _, err := k.Check(s); err != nil {
				t.Error(err)
			}
			_ = k.List()
		})
	}
	wg.Wait()
	for i := 0; i < n; i += 2 {
		wg.Go(func() {
			if _, err := k.Revoke(ids[i]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	reloaded, err := LoadKeys(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(reloaded.List()); got != n/2 {
		t.Fatalf("%d keys in the file, want %d", got, n/2)
	}
	for i, s := range secrets {
		if _, err := reloaded.Check(s); (err == nil) != (i%2 == 1) {
			t.Errorf("key %d: Check = %v", i, err)
		}
	}
}

// The failing input: with the keys file unwritable, a revoked key stayed
// valid. The revocation holds in memory at once, and says it is not stored;
// a creation that cannot be stored is refused.
func TestRevokeHoldsWhenTheFileCannotBeWritten(t *testing.T) {
	k, p := newFile(t)
	secret, key, err := k.Create("User3", []string{"verifier"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Dir(p)); err != nil {
		t.Fatal(err)
	}
	got, err := k.Revoke(key.ID)
	if !errors.Is(err, ErrNotStored) || got.ID != key.ID {
		t.Fatalf("Revoke = %+v, %v; want the key and ErrNotStored", got, err)
	}
	if _, err := k.Check(secret); !errors.Is(err, ErrNoKey) {
		t.Errorf("the revoked key still checks: %v", err)
	}
	if len(k.List()) != 0 {
		t.Errorf("List = %+v", k.List())
	}
	if _, _, err := k.Create("User3", []string{"verifier"}); err == nil || len(k.List()) != 0 {
		t.Errorf("Create without storage = %v, %d keys", err, len(k.List()))
	}
	if _, err := k.Revoke(key.ID); !errors.Is(err, ErrNotStored) {
		t.Errorf("a second revocation while the file cannot be written: %v, want ErrNotStored", err)
	}
	// The directory comes back: revoking again stores the revocation.
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Revoke(key.ID); err != nil {
		t.Fatalf("revoking again once the file can be written: %v", err)
	}
	reloaded, err := LoadKeys(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reloaded.Check(secret); !errors.Is(err, ErrNoKey) {
		t.Errorf("after a reload the revoked key checks: %v", err)
	}
	if _, err := k.Revoke(key.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("a stored revocation revoked again: %v, want ErrNotFound", err)
	}
}
