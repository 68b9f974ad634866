package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPrintExportsQuotesForTheShell(t *testing.T) {
	var b bytes.Buffer
	env := []string{"B=it's here", "A=/a b/c"}
	if err := printExports(&b, env); err != nil {
		t.Fatal(err)
	}
	// The shell must read back exactly the values.
	out, err := exec.Command("sh", "-c", b.String()+`printf '%s|%s' "$A" "$B"`).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "/a b/c|it's here" {
		t.Errorf("shell read %q from:\n%s", out, b.String())
	}
	if !strings.HasPrefix(b.String(), "export A=") {
		t.Errorf("exports are not sorted:\n%s", b.String())
	}
}

func TestCommandsRejectWrongArguments(t *testing.T) {
	for _, args := range [][]string{{"up", "extra"}, {"peer-env"}, {"logs"}, {"nosuch"},
		{"org", "add"}, {"org", "add", "bengbu"}, {"org", "add", "bengbu", "--province", "anhui"}, {"org", "remove", "bengbu"}} {
		root := newRoot()
		root.SetArgs(args)
		root.SetOut(&bytes.Buffer{})
		root.SetErr(&bytes.Buffer{})
		if err := root.Execute(); err == nil {
			t.Errorf("wanledger %v succeeded", args)
		}
	}
}

func TestClientCommandsCallTheGatewayAndPrintTables(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/v1/licences/L1/revoke"):
			w.WriteHeader(http.StatusConflict)
			w.Write([]byte(`{"code":"INVALID_TRANSITION","message":"licence L1 is revoked"}`))
		case r.URL.Path == "/v1/verify":
			w.Write([]byte(`{"licenceId":"L1","valid":false,"status":"revoked","blockHeight":9,"source":"cache","checks":[{"name":"status-active","ok":false,"detail":"revoked"}]}`))
		default:
			w.Write([]byte(`{"blockHeight":9,"source":"cache","data":{"items":[{"id":"L1","status":"active"}],"bookmark":"next"}}`))
		}
	}))
	defer srv.Close()
	run := func(args ...string) (string, error) {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append(args, "--url", srv.URL, "--key", "wl_k_s"))
		err := root.Execute()
		return out.String(), err
	}
	out, err := run("licence", "list", "--issuer", "hefei-amr")
	if err != nil || !lineHas(out, "ID", "STATUS") || !lineHas(out, "L1", "active") || !strings.Contains(out, "--cursor next ") {
		t.Errorf("list: %v\n%s", err, out)
	}
	out, err = run("verify", "L1", "--field", "name=合肥:0011")
	if exitCode(err) != exitNotValid || !strings.Contains(out, "L1 NOT VALID") || !strings.Contains(out, "FAIL status-active: revoked") {
		t.Errorf("verify: %v (exit %d)\n%s", err, exitCode(err), out)
	}
	_, err = run("licence", "revoke", "L1", "--reason", "FRAUD")
	if err == nil || !strings.Contains(err.Error(), "INVALID_TRANSITION") || exitCode(err) != exitError {
		t.Errorf("revoke: %v", err)
	}
	if _, err := run("licence", "revoke", "L1"); exitCode(err) != exitUsage {
		t.Errorf("revoke without --reason: %v, want a usage error", err)
	}
	if _, err := run("handoff", "list", "--org", "WuhuMSP", "--limit", "5"); err != nil {
		t.Errorf("handoff list: %v", err)
	}
	if _, err := run("audit", "trace"); exitCode(err) != exitUsage {
		t.Errorf("trace without --by: %v, want a usage error", err)
	}
	// --value is the trace's dimension value; --key stays the API key.
	if _, err := run("audit", "trace", "--by", "dataset", "--value", "DS1"); err != nil {
		t.Errorf("audit trace: %v", err)
	}
	want := []string{"GET /v1/licences?issuer=hefei-amr Bearer wl_k_s", "POST /v1/verify Bearer wl_k_s", "POST /v1/licences/L1/revoke Bearer wl_k_s",
		"GET /v1/handoffs?limit=5&org=WuhuMSP&status=open Bearer wl_k_s", "GET /v1/audit/trace?by=dataset&key=DS1 Bearer wl_k_s"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s", strings.Join(got, "\n"))
	}
}

// lineHas reports whether a line of out holds these words, among others.
func lineHas(out string, words ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if !slices.ContainsFunc(words, func(w string) bool { return !slices.Contains(f, w) }) {
			return true
		}
	}
	return false
}

func TestUpRejectsAnAbsurdProposalTimeWindow(t *testing.T) {
	for _, flag := range []string{"--proposal-past-window=-1m", "--proposal-future-window=48h", "--proposal-future-window=0"} {
		root := newRoot()
		root.SetArgs([]string{"up", "--home", t.TempDir(), flag})
		root.SetOut(&bytes.Buffer{})
		root.SetErr(&bytes.Buffer{})
		if err := root.Execute(); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("wanledger up %s: %v, want an out-of-range error", flag, err)
		}
	}
}

// A refusal the gateway answers with a denial exits non-zero with the
// denial's code and ID; a reason's free text goes to the gateway beside
// its code, never as the code.
func TestAccessDenialsFailAndReasonsAreCodes(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, r.URL.Path+" "+string(b))
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v1/denials" {
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"code":"USES_EXHAUSTED","message":"refused","denialId":"tx42","blockNumber":12}`))
			return
		}
		w.Write([]byte(`{"txId":"tx1","blockNumber":3,"data":{}}`))
	}))
	defer srv.Close()
	run := func(args ...string) error {
		root := newRoot()
		root.SetOut(io.Discard)
		root.SetErr(io.Discard)
		root.SetArgs(append(args, "--url", srv.URL, "--key", "wl_k_s"))
		return root.Execute()
	}
	f := filepath.Join(t.TempDir(), "access.json")
	if err := os.WriteFile(f, []byte(`{"authorizationId":"A1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run("share", "deny", f)
	if err == nil || !strings.Contains(err.Error(), "USES_EXHAUSTED") || !strings.Contains(err.Error(), "denial tx42") {
		t.Errorf("a denied access: %v, want an error naming the code and the denial", err)
	}
	if err := run("handoff", "reject", "H1", "--reason", "INCOMPLETE_DOCUMENTS", "--reason-text", "缺少户口本"); err != nil {
		t.Fatal(err)
	}
	if want := `/v1/handoffs/H1/reject {"reason":"INCOMPLETE_DOCUMENTS","reasonText":"缺少户口本"}`; bodies[len(bodies)-1] != want {
		t.Errorf("sent %s, want %s", bodies[len(bodies)-1], want)
	}
}
