//go:build faults

package faults

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"golang.org/x/sys/unix"
)

// The cache's filesystem in the disk-full test: a tmpfs of its own, and
// the reserve the gateway keeps on it (its cacheMinFree).
const (
	tmpfsSize    = 48 << 20
	cacheReserve = 16 << 20
)

// cacheDiskFillsUp: Hefei's gateway runs with its cache on a 48 MiB tmpfs
// of the test's (mounted over its cache directory, so its own cache stays
// untouched underneath) and a reserve of 16 MiB. Under an issuing load
// through it, a file fills the filesystem below the reserve and then to the
// last byte. The gateway stays up, refuses every write 507 STORAGE_FULL
// before it reaches the ledger, says so in /readyz, and still answers reads
// from its cache. Once the file is removed, writes resume, the cache
// applies the blocks it held and equals the ledger. No acknowledged licence
// is lost or duplicated, and no refused one is on the ledger.
func cacheDiskFillsUp(t *testing.T) {
	env := nettest.Get(t)
	const node = "gateway.hefei"
	anhui, hefei := chainOn(t, env, "anhui", "anhui"), chainOn(t, env, "hefei", "anhui")
	dir := filepath.Join(env.Net.Home.NodeDir(node), "cache")
	stop(t, env, node)
	unmount := mountTmpfs(t, env, node, dir)
	overrides(t, env.Net.Home.NodeDir(node), fmt.Sprintf(`{"cacheMinFree": %d}`, cacheReserve))
	start(t, env, node)
	verifier := apiClient(t, env, "hefei", "verifier")
	cacheEqualsLedger(t, env, "hefei", nil, hefei.height(t)) // rebuilt from block 0 on the tmpfs

	from := anhui.height(t)
	r := startLoad(t, env, offered, "issue")
	rp := newReport("a gateway's cache disk fills up (Hefei's: a 48 MiB tmpfs, 16 MiB reserve), freed after 10 s", r)
	r.running(t, 8*time.Second)
	filler := filepath.Join(dir, "filler")
	fill(t, filler, dir, cacheReserve/2)
	full := time.Now()
	nettest.Eventually(t, 10*time.Second, func() error { return refusing(t, r, full) })
	fill(t, filler, dir, 0)
	if h, err := env.Net.Handle(node); err != nil || !h.Alive() {
		t.Fatalf("%s died on a full disk: %v", node, err)
	}
	if code, body := get(t, env, node, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, `"cacheDiskFull":true`) {
		t.Errorf("/readyz on a full disk: %d %s", code, body)
	}
	if _, err := verifier.Licence(t.Context(), network.DemoLicence, false); err != nil {
		t.Errorf("a read from the cache on a full disk: %v", err)
	}
	time.Sleep(time.Until(full.Add(10 * time.Second)))
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	back := r.resumed(t, freed, time.Minute)
	rp.fault(r, injected{What: "the cache's filesystem filled below its reserve, then to the last byte; freed after 10 s", Node: node,
		Recovery: "from freeing the space to the answer to the first write sent after it"}, full, freed, back)
	rep := r.wait(t)

	to := hefei.height(t)
	s := anhui.scan(t, from, to)
	tl := s.check(acks(rep), r.prefix, false)
	if tl.InDoubt != 0 {
		t.Errorf("%d licences refused or failed are on the ledger", tl.InDoubt)
	}
	rp.Checks["cacheEqualsLedgerLicences"] = cacheEqualsLedger(t, env, "hefei", s.runLicences(r.prefix), to)
	rp.finish(t, rep, tl)
	if rp.Failed[api.CodeStorageFull] == 0 {
		t.Error("no write was refused STORAGE_FULL")
	}
	if u := unexpected(rp.Failed, api.CodeStorageFull); len(u) > 0 {
		t.Errorf("failures other than STORAGE_FULL: %v", u)
	}

	// The gateway goes back to its own cache, and catches up.
	stop(t, env, node)
	if err := unmount(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(env.Net.Home.NodeDir(node), network.OverridesFile)); err != nil {
		t.Fatal(err)
	}
	start(t, env, node)
	cacheEqualsLedger(t, env, "hefei", nil, hefei.height(t))
}

// mountTmpfs mounts a tmpfs of tmpfsSize over dir (the node's, stopped)
// and returns its unmount. If the test has not unmounted it when it ends,
// the node is stopped if it runs and the tmpfs unmounted, before the node
// is started again.
func mountTmpfs(t *testing.T, env *nettest.Env, node, dir string) (unmount func() error) {
	t.Helper()
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, fmt.Sprintf("size=%d,mode=0755", tmpfsSize)); err != nil {
		t.Fatalf("mount a tmpfs on %s (the fault suite runs as root): %v", dir, err)
	}
	mounted := true
	unmount = func() error {
		if !mounted {
			return nil
		}
		err := unix.Unmount(dir, 0)
		mounted = err != nil
		return err
	}
	t.Cleanup(func() {
		if !mounted {
			return
		}
		if h, err := env.Net.Handle(node); err == nil {
			if _, err := h.Stop(15 * time.Second); err != nil {
				t.Errorf("stop %s: %v", node, err)
			}
		}
		if err := unmount(); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return unmount
}

// overrides writes the node's gateway overrides file (there must be none),
// removed when the test ends if the test has not.
func overrides(t *testing.T, nodeDir, body string) {
	t.Helper()
	path := filepath.Join(nodeDir, network.OverridesFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(body)
	if err = errors.Join(err, f.Close()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })
}

// fill grows the file until the filesystem of dir has at most left bytes
// free (0: until it refuses a write, ENOSPC).
func fill(t *testing.T, path, dir string, left uint64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 256<<10)
	for {
		var st unix.Statfs_t
		if err := unix.Statfs(dir, &st); err != nil {
			t.Fatal(err)
		}
		free := st.Bavail * uint64(st.Bsize)
		if left > 0 && free <= left || left == 0 && free == 0 {
			t.Logf("%s has %d bytes free", dir, free)
			return
		}
		n := min(uint64(len(chunk)), max(free-left, 4096))
		if _, err := f.Write(chunk[:n]); errors.Is(err, unix.ENOSPC) && left == 0 {
			continue // the last pages
		} else if err != nil {
			t.Fatal(err)
		}
	}
}

// refusing tells whether a write sent after `since` was refused
// STORAGE_FULL.
func refusing(t *testing.T, r *load, since time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range r.ends {
		if o.Code == api.CodeStorageFull && o.Sent.After(since) {
			return nil
		}
	}
	return errors.New("no write refused STORAGE_FULL yet")
}

// get asks a node's HTTP endpoint for path: the status and the start of
// the body.
func get(t *testing.T, env *nettest.Env, node, path string) (int, string) {
	t.Helper()
	n, _ := env.Net.Topo.Node(node)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.ListenAddr()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}
