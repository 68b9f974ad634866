package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/config"
)

// bigRow is the i-th row of the large dataset: its subject, address and
// members.
func bigRow(i int) (subject, address, members string) {
	return pseudonym(i % 100), fmt.Sprintf("合肥市蜀山区长江西路 %d 号 %s", i, strings.Repeat("低保家庭住址", 4)), fmt.Sprint(i%7 + 1)
}

// importBig replaces the rows of w's dataset with n rows of bigRow.
func (w *fetchWorld) importBig(n int) {
	var csv bytes.Buffer
	csv.WriteString("_subject,address,members\n")
	for i := range n {
		s, a, m := bigRow(i)
		fmt.Fprintf(&csv, "%s,%s,%s\n", s, a, m)
	}
	size := csv.Len()
	start := time.Now()
	if _, err := w.owner.ImportRows(w.t.Context(), w.dataset, "text/csv", &csv); err != nil {
		w.t.Fatal(err)
	}
	w.t.Logf("imported %d rows, %d MB of CSV, in %s", n, size>>20, time.Since(start).Round(time.Millisecond))
}

// spoolWatch follows the size of the fetch spools that appear in dir
// after it starts.
type spoolWatch struct {
	dir    string
	before map[string]bool
	size   atomic.Int64 // the latest total
	stop   chan struct{}
	done   sync.WaitGroup
}

func watchSpools(t *testing.T, dir string) *spoolWatch {
	s := &spoolWatch{dir: dir, before: map[string]bool{}, stop: make(chan struct{})}
	names, err := filepath.Glob(filepath.Join(dir, "wanledger-fetch-*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		s.before[n] = true
	}
	s.done.Go(func() {
		for {
			select {
			case <-s.stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			names, _ := filepath.Glob(filepath.Join(dir, "wanledger-fetch-*"))
			var total int64
			for _, n := range names {
				if fi, err := os.Stat(n); err == nil && !s.before[n] {
					total += fi.Size()
				}
			}
			if total > 0 { // the spool is removed once the answer is written
				s.size.Store(total)
			}
		}
	})
	t.Cleanup(func() { close(s.stop); s.done.Wait() })
	return s
}

// TestFetchProviderKilledMidStreamResumesWithoutASecondUse: Hefei's
// gateway is killed with SIGKILL while it streams tens of MB of rows to
// Wuhu's gateway (Wuhu's spool holds some of them), and started again with
// the same configuration. Wuhu's fetch resumes under the same access
// record and completes: rows arrive after the kill, every row is the
// projected dataset's, the authorization counts one use, and the
// auditor's trail holds one access.
func TestFetchProviderKilledMidStreamResumesWithoutASecondUse(t *testing.T) {
	w := fetchSetup(t)
	ctx := t.Context()
	const rows = 250_000
	w.importBig(rows)
	auth := w.grant(2, "address", "members")
	hefeiMesh, err := adminClient(t, w.env, "hefei").Mesh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.LoadConfig(filepath.Join(w.env.Net.Home.NodeDir("gateway.wuhu"), "gateway.json"))
	if err != nil {
		t.Fatal(err)
	}
	spool := watchSpools(t, cfg.Fetch.SpoolDir)

	type answer struct {
		info api.FetchInfo
		body bytes.Buffer
		err  error
	}
	out := make(chan *answer, 1)
	start := time.Now()
	go func() {
		a := &answer{}
		a.info, a.err = w.req.Fetch(ctx, w.ask(auth, "address", "members"), apiclient.FetchRows, &a.body)
		out <- a
	}()
	// Mid-stream: Wuhu's spool holds 2 MiB of rows.
	var early *answer
	for early == nil && spool.size.Load() < 2<<20 {
		select {
		case early = <-out:
		case <-time.After(5 * time.Millisecond):
		}
	}
	if early != nil {
		t.Fatalf("the fetch ended before the transfer was seen under way: %+v, %v", early.info, early.err)
	}
	h, err := w.env.Net.Handle("gateway.hefei")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Kill(); err != nil {
		t.Fatal(err)
	}
	if !h.WaitExit(10 * time.Second) {
		t.Fatal("Hefei's gateway survived SIGKILL")
	}
	killed := time.Now()
	// What Hefei sent before it died reaches Wuhu's spool, then nothing.
	atKill := spool.size.Load()
	for still := time.Now(); time.Since(still) < time.Second; {
		time.Sleep(50 * time.Millisecond)
		if s := spool.size.Load(); s != atKill {
			atKill, still = s, time.Now()
		}
	}
	t.Logf("killed Hefei's gateway %s into the fetch; Wuhu's spool stopped at %d KiB", killed.Sub(start).Round(time.Millisecond), atKill>>10)
	restarted := time.Now()
	if err := w.env.Net.StartNode(ctx, "gateway.hefei"); err != nil {
		t.Fatal(err)
	}
	t.Logf("Hefei's gateway ready again in %s", time.Since(restarted).Round(time.Millisecond))

	a := <-out
	if a.err != nil {
		t.Fatalf("the fetch across the restart: %v", a.err)
	}
	t.Logf("the fetch ended %s after the kill, %d rows, %d MB", time.Since(killed).Round(time.Millisecond), a.info.Rows, a.body.Len()>>20)
	if last := spool.size.Load(); last <= atKill {
		t.Errorf("Wuhu's spool stopped at %d bytes while Hefei was down and ended at %d: no rows came after the restart", atKill, last)
	}
	sc := bufio.NewScanner(&a.body)
	sc.Buffer(nil, 1<<20)
	n := 0
	for ; sc.Scan(); n++ {
		var got map[string]string
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("row %d: %q: %v", n, sc.Text(), err)
		}
		_, addr, members := bigRow(n)
		if len(got) != 2 || got["address"] != addr || got["members"] != members {
			t.Fatalf("row %d is %v, want address %q, members %s", n, got, addr, members)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != rows || a.info.Rows != rows {
		t.Errorf("fetched %d rows (header %d), want %d", n, a.info.Rows, rows)
	}

	authz, err := w.owner.Authorization(ctx, auth)
	if err != nil {
		t.Fatal(err)
	}
	if authz.Data.Uses != 1 {
		t.Errorf("the authorization counts %d uses, want 1", authz.Data.Uses)
	}
	if tr := w.trail(auth, 1); tr[0].Kind != record.KindAccess || tr[0].ID != a.info.AccessID || tr[0].ResponseDigest != a.info.ResponseDigest {
		t.Errorf("the trail holds %+v; the fetch answered access %s, digest %s", tr[0], a.info.AccessID, a.info.ResponseDigest)
	}
	// The restarted gateway is Hefei's registered mesh host, as before.
	after, err := adminClient(t, w.env, "hefei").Mesh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Data.PeerID != hefeiMesh.Data.PeerID || !after.Data.Registered {
		t.Errorf("Hefei's mesh host after the restart: %+v; before: %s", after.Data, hefeiMesh.Data.PeerID)
	}
}
