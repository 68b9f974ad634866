package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/hashlist"
)

// signedRequest is a data request signed with a fresh ECDSA key under a
// self-signed certificate, as a requester's gateway signs one.
func signedRequest(t *testing.T) record.SignedRequest {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "User1", Organization: []string{"WuhuMSP"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	eph, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, record.NonceLen/2)
	rand.Read(nonce)
	r := record.DataRequest{AuthorizationID: "A1", DatasetID: "hukou", Fields: []string{"name"}, Purpose: "P", Requester: "WuhuMSP",
		RequesterID: record.ClientIDOf(cert), Nonce: hex.EncodeToString(nonce), At: now, EphemeralKey: eph.Public().Hex()}
	sr, err := record.Sign(r, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), func(d []byte) ([]byte, error) {
		return ecdsa.SignASN1(rand.Reader, key, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sr
}

// accessGateway answers GET /v1/accesses/{id} with rec, and counts the
// calls.
func accessGateway(t *testing.T, rec *record.AccessRecord) (string, *int) {
	t.Helper()
	calls := new(int)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*calls++
		if r.Method != http.MethodGet || r.URL.Path != "/v1/accesses/"+rec.ID {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"code":"NOT_FOUND","message":"no such route"}`)) //nolint:errcheck // a test server
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(api.Read[*record.AccessRecord]{BlockHeight: 12, Source: "ledger", Data: rec}) //nolint:errcheck // a test server
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAuditVerifyChecksBodiesOfAnySizeHere: the response's hash list and
// the request's SM3 are computed here, a body larger than any request
// body limit included; the record's digests show beside the computed
// ones; a body not given says so; a mismatch exits 1; the record's own
// signed request is checked by its signature and digest.
func TestAuditVerifyChecksBodiesOfAnySizeHere(t *testing.T) {
	sr := signedRequest(t)
	reqDigest, err := sr.Digest()
	if err != nil {
		t.Fatal(err)
	}
	canonical, _ := sr.Bytes()
	response := make([]byte, 17<<20+12345) // past the 16 MiB a JSON request file may hold
	rand.Read(response[:4096])
	respDigest := hashlist.SumHex(response)
	rec := &record.AccessRecord{ID: strings.Repeat("ab", 32), Kind: record.KindAccess, Owner: "HefeiMSP", Requester: "WuhuMSP", DatasetID: "hukou",
		Fields: []string{"name"}, Purpose: "P", RequestDigest: reqDigest, ResponseDigest: respDigest, RecordedBy: "HefeiMSP", Signed: &sr}
	url, _ := accessGateway(t, rec)
	good, bad := writeFile(t, "response", response), writeFile(t, "other", response[:len(response)-1])
	reqFile := writeFile(t, "request", canonical)
	verify := func(args ...string) (string, string, int) {
		return runCLI(append(append([]string{"audit", "verify", "--access", rec.ID}, args...), "--url", url, "--key", "wl_k_s")...)
	}

	out, errOut, code := verify("--request-from-record", "--response", good)
	if code != exitOK || strings.Count(out, respDigest) != 2 || strings.Count(out, reqDigest) != 2 || strings.Contains(out, "NO MATCH") ||
		!strings.Contains(out, "signature verifies") {
		t.Errorf("a matching response and the record's request: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = verify("--response", bad)
	if code != exitError || !strings.Contains(out, "NO MATCH") || !strings.Contains(out, respDigest) || !strings.Contains(out, hashlist.SumHex(response[:len(response)-1])) ||
		!strings.Contains(out, "request:   not given") || strings.Contains(out, gm.SM3Hex(nil)) {
		t.Errorf("another response: exit %d, stdout %q, stderr %q: want exit 1, both digests, the request not given", code, out, errOut)
	}
	out, errOut, code = verify("--request", reqFile, "--json")
	var v accessCheck
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != exitOK || !v.Matches || v.Request == nil || v.Request.Recorded != reqDigest ||
		v.Request.Computed != reqDigest || v.Response != nil {
		t.Errorf("the canonical request bytes, --json: exit %d, stdout %q, stderr %q (%v)", code, out, errOut, err)
	}

	forged := sr
	forged.Request.Purpose = "Q" // changed after signing
	rec.Signed = &forged
	out, errOut, code = verify("--request-from-record")
	if code != exitError || !strings.Contains(out, "NO MATCH") || !strings.Contains(out, "does not verify") {
		t.Errorf("a record whose signed request was altered: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestAuditVerifyOfADenialSaysSo: a denial's ID says the record is a
// denial, with no response, and a response given to it does not match.
func TestAuditVerifyOfADenialSaysSo(t *testing.T) {
	rec := &record.AccessRecord{ID: strings.Repeat("cd", 32), Kind: record.KindDenial, Owner: "HefeiMSP", Requester: "WuhuMSP", DatasetID: "hukou",
		Fields: []string{"name"}, Purpose: "P", RequestDigest: gm.SM3Hex([]byte("r")), Reason: "USES_EXHAUSTED", RecordedBy: "HefeiMSP"}
	url, _ := accessGateway(t, rec)
	out, errOut, code := runCLI("audit", "verify", "--access", rec.ID, "--response", writeFile(t, "response", []byte("rows")), "--url", url, "--key", "wl_k_s")
	if code != exitError || !strings.Contains(out, "denial (USES_EXHAUSTED)") || !strings.Contains(out, "no response was sent") || !strings.Contains(out, "NO MATCH") {
		t.Errorf("exit %d, stdout %q, stderr %q: want the denial said plainly, exit 1", code, out, errOut)
	}
}

// TestAuditVerifyNeedsAnAccessAndABody: without --access, or with no body
// to check, it is a usage error before any call.
func TestAuditVerifyNeedsAnAccessAndABody(t *testing.T) {
	rec := &record.AccessRecord{ID: "x"}
	url, calls := accessGateway(t, rec)
	resp := writeFile(t, "response", []byte("rows"))
	for _, args := range [][]string{
		{"--response", resp},
		{"--access", "x"},
		{"--access", "x", "--request", resp, "--request-from-record"},
		{"--access", "x", "--response", filepath.Join(t.TempDir(), "missing")},
	} {
		_, errOut, code := runCLI(append(append([]string{"audit", "verify"}, args...), "--url", url, "--key", "wl_k_s")...)
		if code != exitUsage || *calls != 0 {
			t.Errorf("%q: exit %d after %d calls, stderr %q: want a usage error before any call", args, code, *calls, errOut)
		}
	}
}
