package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// TestURLIsOnlySchemeHostAndPort: a --url with a path, query, fragment or
// user would redirect every request, so it is a usage error; --as with
// --url or --key, or a role no demo key has, is one too.
func TestURLIsOnlySchemeHostAndPort(t *testing.T) {
	t.Setenv("WANLEDGER_URL", "")
	t.Setenv("WANLEDGER_KEY", "")
	for _, u := range []string{"http://127.0.0.1:1/v1/keys?x=", "http://127.0.0.1:1/v1", "http://127.0.0.1:1?x=1", "http://127.0.0.1:1/#x",
		"http://u:p@127.0.0.1:1", "http://127.0.0.1:1//", "http://127.0.0.1:1?"} {
		if got, out := execute(t, "whoami", "--url", u, "--key", "wl_a_b"); got != exitUsage || !strings.Contains(out, "want only") {
			t.Errorf("--url %s: exit %d, want %d\n%s", u, got, exitUsage, out)
		}
	}
	for _, u := range []string{"http://127.0.0.1:1", "http://127.0.0.1:1/", "https://[::1]:1/"} {
		if got, out := execute(t, "whoami", "--url", u, "--key", "wl_a_b"); got != exitError {
			t.Errorf("--url %s: exit %d, want %d (unreachable)\n%s", u, got, exitError, out)
		}
	}
	home := t.TempDir()
	for _, args := range [][]string{
		{"whoami", "--as", "hefei/admin", "--url", "http://127.0.0.1:1"},
		{"whoami", "--as", "hefei/admin", "--key", "wl_a_b"},
		{"licence", "get", "L1", "--as", "hefei/issuer", "--url", "http://127.0.0.1:1", "--key", "wl_a_b"},
		{"whoami", "--as", "hefei/nope"},
		{"whoami", "--as", "hefei"},
	} {
		if got, out := execute(t, append(args, "--home", home)...); got != exitUsage {
			t.Errorf("wanledger %s: exit %d, want %d\n%s", strings.Join(args, " "), got, exitUsage, out)
		}
	}
	// A known role in a run directory with no network is an error, not a usage error.
	if got, out := execute(t, "whoami", "--as", "hefei/admin", "--home", home); got != exitError {
		t.Errorf("--as hefei/admin without a network: exit %d, want %d\n%s", got, exitError, out)
	}
}

// TestIssueMakesAMissingCredentialsDirectory: --credentials DIR is made,
// mode 0700, when it does not exist.
func TestIssueMakesAMissingCredentialsDirectory(t *testing.T) {
	dir := t.TempDir()
	pem, saltFile := issuerFiles(t, dir)
	draft := filepath.Join(dir, "draft.json")
	if err := os.WriteFile(draft, []byte(`{"id":"BL-1","type":"business-licence","agencyId":"hefei-amr","region":"340100","sealKeyId":"s1",
		"holder":{"citizenId":"340104199001011234","publicKey":"`+mustHolderKey(t)+`"},
		"fields":{"name":"合肥示例"},"validFrom":"2026-01-01T00:00:00Z","validTo":"2027-01-01T00:00:00Z"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(dir, "new", "creds")
	_, _, err := wanledger("licence", "issue", draft, "--seal-key", pem, "--province-salt", saltFile, "--credentials", creds,
		"--url", "http://127.0.0.1:1", "--key", "wl_k_s")
	if exitCode(err) != exitError { // the gateway is unreachable
		t.Errorf("issue: %v (exit %d)", err, exitCode(err))
	}
	if st, err := os.Stat(creds); err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Errorf("--credentials %s: %v, %v", creds, st, err)
	}
}

// mustHolderKey is a fresh holder public key in hex.
func mustHolderKey(t *testing.T) string {
	t.Helper()
	k, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k.Public().Hex()
}

// TestAllStopsAtItsBoundsAgainstAHostileGateway: a gateway that never ends
// a listing, or sends huge pages, makes --all stop with an error pointing to
// --limit and --cursor, well before memory grows without bound.
func TestAllStopsAtItsBoundsAgainstAHostileGateway(t *testing.T) {
	for _, c := range []struct {
		name  string
		value int // bytes of each item's ID
		pages int // the most pages --all may fetch before it stops
	}{
		{"endless small pages", 1, maxAllItems/record.MaxPageSize + 1},
		{"endless large pages", 30000, maxAllBytes/(200*30000) + 2},
	} {
		var requests atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			n := requests.Add(1)
			items := make([]map[string]string, record.MaxPageSize)
			for i := range items {
				items[i] = map[string]string{"id": strings.Repeat("L", c.value)}
			}
			json.NewEncoder(w).Encode(map[string]any{"blockHeight": 1, "data": map[string]any{"items": items, "bookmark": fmt.Sprint("c", n)}})
		}))
		_, _, err := wanledger("licence", "list", "--issuer", "a", "--all", "--url", srv.URL, "--key", "wl_k_s")
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), "--all stops") || !strings.Contains(err.Error(), "--cursor") || exitCode(err) != exitError {
			t.Errorf("%s: %v", c.name, err)
		}
		if n := requests.Load(); n > int64(c.pages) {
			t.Errorf("%s: --all fetched %d pages, want at most %d", c.name, n, c.pages)
		}
	}
	// A page of more items than a gateway sends is refused.
	items := make([]int, record.MaxPageSize+1)
	if _, err := followPages(&api.Read[record.Page[int]]{Data: record.Page[int]{Items: items, Bookmark: "x"}}, nil); err == nil {
		t.Error("a page of 201 items was followed")
	}
}
