package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

// gatewayOf answers every request with status and body, and records the
// last request's path and body.
func gatewayOf(t *testing.T, status int, body string) (url string, path, got *string) {
	path, got = new(string), new(string)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*path, *got = r.URL.RequestURI(), string(b)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, path, got
}

func runCLI(args ...string) (string, string, int) {
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	code := exitOK
	if err != nil {
		code = reportError(&out, &errOut, cmd, err)
	}
	return out.String(), errOut.String(), code
}

func TestVerifyPresentationPostsItWithItsNonce(t *testing.T) {
	key, _ := gm.GenerateKey()
	p, err := presentation.Make(key, "BL-1", nil, "nonce-0123456789", "WuhuMSP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "p.txt")
	if err := os.WriteFile(file, []byte(p+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	verdict := `{"licenceId":"BL-1","valid":true,"status":"active","checks":[{"name":"status-active","ok":true}],"assurance":"holder-bound","holderVerified":true,"disclosed":[{"name":"name","value":"合肥"}]}`
	url, path, got := gatewayOf(t, http.StatusOK, verdict)
	out, errOut, code := runCLI("verify", "--presentation", "@"+file, "--purpose", "tenancy", "--url", url, "--key", "wl_k_s")
	if code != exitOK || *path != "/v1/presentations/verify" {
		t.Fatalf("exit %d, %s: %s %s", code, *path, out, errOut)
	}
	var req api.PresentationRequest
	if err := json.Unmarshal([]byte(*got), &req); err != nil || req.Presentation != p || req.Nonce != "nonce-0123456789" || req.Purpose != "tenancy" {
		t.Errorf("request %s: %v", *got, err)
	}
	if !strings.Contains(out, "holder-bound") || !strings.Contains(out, "disclosed name: 合肥") {
		t.Errorf("output: %s", out)
	}
	// Not valid: exit 3; a refusal: exit 1 with its code; bad use: exit 2.
	url, _, _ = gatewayOf(t, http.StatusOK, strings.Replace(verdict, `"valid":true`, `"valid":false`, 1))
	if _, _, code := runCLI("verify", "--presentation", p, "--url", url, "--key", "wl_k_s"); code != exitNotValid {
		t.Errorf("NOT VALID: exit %d", code)
	}
	url, _, _ = gatewayOf(t, http.StatusConflict, `{"code":"NONCE_USED","message":"the nonce was used before"}`)
	if _, errOut, code := runCLI("verify", "--presentation", p, "--url", url, "--key", "wl_k_s"); code != exitError || !strings.Contains(errOut, "NONCE_USED") {
		t.Errorf("a replay: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{{"verify"}, {"verify", "BL-1", "--presentation", p},
		{"verify", "--presentation", p, "--purpose", "bank account opening"}, {"verify", "--presentation", p, "--purpose", "Tenancy"}} {
		if _, errOut, code := runCLI(append(args, "--url", url, "--key", "wl_k_s")...); code != exitUsage {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
	}
}

func TestVerifyNoncePrintsTheNonceAndAudience(t *testing.T) {
	url, path, _ := gatewayOf(t, http.StatusOK, `{"nonce":"abcdefghijabcdefghijabcdefghijabcdefghijabc","audience":"WuhuMSP","expiresAt":"2026-11-30T01:00:00Z"}`)
	out, errOut, code := runCLI("verify", "nonce", "--url", url, "--key", "wl_k_s")
	if code != exitOK || *path != "/v1/verify/nonce" || !strings.Contains(out, "nonce abcdefghij") || !strings.Contains(out, "audience WuhuMSP") {
		t.Errorf("exit %d, %s: %s %s", code, *path, out, errOut)
	}
}
