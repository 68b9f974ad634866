package gateway

import (
	"net/http"
	"testing"

	"github.com/wanledger/wanledger/api"
	"golang.org/x/sys/unix"
)

// A gateway whose cache's filesystem has less free than the reserve (here
// a reserve larger than the whole filesystem of the test's directory,
// read with the real statfs) refuses writes 507 STORAGE_FULL before the
// ledger sees them, says so in /readyz, and still answers reads from the
// cache.
func TestAFullCacheDiskRefusesWritesAndKeepsReads(t *testing.T) {
	var st unix.Statfs_t
	if err := unix.Statfs(t.TempDir(), &st); err != nil {
		t.Fatal(err)
	}
	f := newFixtureReserving(t, st.Blocks*uint64(st.Bsize)+1)
	code, out := f.do(http.MethodPost, "/v1/licences/L1/suspend", "issuer", []byte(`{"reason":"INVESTIGATION"}`))
	if code != http.StatusInsufficientStorage || out["code"] != api.CodeStorageFull {
		t.Errorf("a suspension on a full disk: %d %v; want 507 %s", code, out, api.CodeStorageFull)
	}
	if len(f.ledger.calls) != 0 {
		t.Errorf("writes refused for a full disk reached the ledger: %v", f.ledger.calls)
	}
	code, out = f.do(http.MethodGet, "/readyz", "", nil)
	if code != http.StatusServiceUnavailable || out["cacheDiskFull"] != true {
		t.Errorf("/readyz on a full disk: %d %v", code, out)
	}
	if code, out := f.do(http.MethodGet, "/v1/licences/NOPE", "verifier", nil); code != http.StatusNotFound || out["code"] != "NOT_FOUND" {
		t.Errorf("a read from the cache on a full disk: %d %v; want the cache's answer", code, out)
	}
}
