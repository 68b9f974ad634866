package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// countingGateway answers every request with status and body and counts
// the requests.
func countingGateway(t *testing.T, status int, body string) (url string, calls *atomic.Int32) {
	t.Helper()
	calls = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body)) //nolint:errcheck // a test server
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

// TestRequesterInputErrorsAreUsageErrors: what the command line can see
// is wrong with a fetch or a trace is a usage error (exit 2), before any
// call to the gateway.
func TestRequesterInputErrorsAreUsageErrors(t *testing.T) {
	url, calls := countingGateway(t, http.StatusOK, `{}`)
	fetch := []string{"fetch", "--authorization", "A1", "--dataset", "hukou", "--purpose", "P"}
	for _, args := range [][]string{
		append(fetch, "--fields", "name,,x"),
		append(fetch, "--fields", "name,"),
		append(fetch, "--fields", "name,name"),
		append(fetch, "--fields", "name", "--subject", ""),
		append(fetch, "--fields", "name", "--subject", "not-a-pseudonym"),
		append(fetch, "--fields", "name x"),
		{"fetch", "--authorization", "../A1", "--dataset", "hukou", "--purpose", "P", "--fields", "name"},
		{"audit", "trace", "--by", "dataset"},
		{"audit", "trace", "--by", "authorization", "--value", ""},
		{"audit", "trace", "--by", "colour", "--value", "x"},
	} {
		_, errOut, code := runCLI(append(args, "--url", url, "--key", "wl_k_s")...)
		if code != exitUsage || calls.Load() != 0 {
			t.Errorf("%q: exit %d after %d calls, stderr %q: want a usage error before any call", args, code, calls.Load(), errOut)
		}
	}
}

// TestAFailedFetchLeavesNoFile: --out's file, created by the command, is
// removed when the fetch fails, so a retry is not refused; a file that was
// there before is left alone.
func TestAFailedFetchLeavesNoFile(t *testing.T) {
	url, _ := countingGateway(t, http.StatusConflict, `{"code":"USES_EXHAUSTED","message":"the ledger refused the access","denialId":"tx42"}`)
	out := filepath.Join(t.TempDir(), "rows.jsonl")
	args := []string{"fetch", "--authorization", "A1", "--dataset", "hukou", "--fields", "name", "--purpose", "P", "--out", out, "--url", url, "--key", "wl_k_s"}
	for range 2 {
		_, errOut, code := runCLI(args...)
		if code != exitError || !strings.Contains(errOut, "USES_EXHAUSTED") {
			t.Fatalf("exit %d, stderr %q: want the refusal", code, errOut)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("after a failed fetch %s is there (%v)", out, err)
		}
	}
	if err := os.WriteFile(out, []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, code := runCLI(args...); code != exitUsage {
		t.Errorf("an existing --out file: exit %d, want 2", code)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "kept" {
		t.Errorf("the existing file: %q, %v", b, err)
	}
}

// TestShareListShowsEachAuthorizationsStatus: a revoked, an expired, a
// future, a used-up and an active authorization each show their status.
func TestShareListShowsEachAuthorizationsStatus(t *testing.T) {
	auth := func(id, from, to, extra string) string {
		return `{"id":"` + id + `","owner":"HefeiMSP","requester":"WuhuMSP","datasetId":"hukou","fields":["name"],"purpose":"P","validFrom":"` + from +
			`","validTo":"` + to + `","maxUses":3,"uses":1,"grantedBy":"x"` + extra + `}`
	}
	page := `{"blockHeight":9,"source":"cache","data":{"items":[` + strings.Join([]string{
		auth("A-rev", "2020-01-01T00:00:00Z", "2999-01-01T00:00:00Z", `,"revocation":{"reason":"CONSENT_WITHDRAWN","effectiveAt":"2021-01-01T00:00:00Z","recordedAt":"2021-01-01T00:00:00Z"}`),
		auth("A-old", "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", ""),
		auth("A-new", "2998-01-01T00:00:00Z", "2999-01-01T00:00:00Z", ""),
		auth("A-used", "2020-01-01T00:00:00Z", "2999-01-01T00:00:00Z", `,"uses":3`),
		auth("A-ok", "2020-01-01T00:00:00Z", "2999-01-01T00:00:00Z", ""),
	}, ",") + `],"bookmark":""}}`
	out, errOut, code := cli(t, http.StatusOK, page, "share", "list", "--owner", "HefeiMSP")
	if code != exitOK || !strings.Contains(out, "STATUS") {
		t.Fatalf("exit %d, stdout %q, stderr %q: want a STATUS column", code, out, errOut)
	}
	for id, want := range map[string]string{"A-rev": "revoked", "A-old": "expired", "A-new": "not yet valid", "A-used": "exhausted", "A-ok": "active"} {
		line := ""
		for l := range strings.Lines(out) {
			if strings.HasPrefix(l, id+" ") {
				line = l
			}
		}
		if !strings.Contains(line, want) {
			t.Errorf("%s: line %q, want status %q", id, line, want)
		}
	}
}

// TestDatasetRowsPrintAsPromised: data info prints integers as integers
// and fields comma-separated; data list has the rows, size, import time
// and generation columns.
func TestDatasetRowsPrintAsPromised(t *testing.T) {
	info := `{"id":"hukou","fields":["name","address","born"],"subjects":true,"rows":120000,"bytes":23254715,"importedAt":"2026-11-30T07:00:00Z","generation":7}`
	out, errOut, code := cli(t, http.StatusOK, info, "data", "info", "hukou")
	for _, want := range []string{"bytes:", "23254715", "120000", "name,address,born"} {
		if code != exitOK || !strings.Contains(out, want) || strings.Contains(out, "e+07") || strings.Contains(out, `["name"`) {
			t.Errorf("data info: exit %d, stdout %q, stderr %q: want %q, no float or JSON array", code, out, errOut, want)
		}
	}
	out, errOut, code = cli(t, http.StatusOK, `[`+info+`]`, "data", "list")
	for _, want := range []string{"ROWS", "BYTES", "IMPORTEDAT", "GENERATION", "120000", "23254715", "2026-11-30 07:00Z"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("data list: exit %d, stdout %q, stderr %q: want %q", code, out, errOut, want)
		}
	}
}
