package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
)

// cli runs the command line as main does, against a gateway answering
// every request with status and body; it returns stdout, stderr and the
// exit code.
func cli(t *testing.T, status int, body string, args ...string) (string, string, int) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	defer srv.Close()
	return runCLI(append(args, "--url", srv.URL, "--key", "wl_k_s")...)
}

// TestARefusedAccessNamesItsDenialOnceAndPrintsJSONWithJSON: for any
// answer naming a denial, the denial ID
// appears once on stderr; with --json the error object is on stdout for
// scripts, and the exit code is still 1.
func TestARefusedAccessNamesItsDenialOnceAndPrintsJSONWithJSON(t *testing.T) {
	f := filepath.Join(t.TempDir(), "access.json")
	if err := os.WriteFile(f, []byte(`{"authorizationId":"A1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	denial := `{"code":"USES_EXHAUSTED","message":"the access was refused; the refusal is on the trail as denial tx42","denialId":"tx42","blockNumber":12}`
	out, errOut, code := cli(t, http.StatusForbidden, denial, "share", "deny", f)
	if code != exitError || strings.Count(errOut, "tx42") != 1 || !strings.Contains(errOut, "block 12") || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q: want exit 1 and the denial named once", code, out, errOut)
	}
	out, _, code = cli(t, http.StatusForbidden, denial, "share", "deny", f, "--json")
	var e struct {
		Status      int
		Code        string
		DenialID    string
		BlockNumber uint64
		ExitCode    int
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil || code != exitError || e.Status != 403 || e.Code != "USES_EXHAUSTED" || e.DenialID != "tx42" || e.BlockNumber != 12 || e.ExitCode != 1 {
		t.Errorf("--json: exit %d, stdout %q (%v)", code, out, err)
	}
	out, _, code = cli(t, http.StatusOK, `{"licenceId":"L1","valid":false,"status":"revoked","checks":[{"name":"status-active","ok":false}]}`, "verify", "L1", "--json")
	var v api.Verdict
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != exitNotValid || v.LicenceID != "L1" {
		t.Errorf("--json NOT VALID: exit %d, stdout %q (%v), want the verdict alone", code, out, err)
	}
	out, _, code = cli(t, http.StatusOK, `{}`, "licence", "list", "--json")
	if err := json.Unmarshal([]byte(out), &e); err != nil || code != exitUsage || e.Code != "USAGE" || e.ExitCode != exitUsage {
		t.Errorf("--json usage error: exit %d, stdout %q (%v)", code, out, err)
	}
}

// TestAReasonRefusalPointsToReasonText: the ledger's hint about digests,
// meant for API clients, names --reason-text on the command line.
func TestAReasonRefusalPointsToReasonText(t *testing.T) {
	_, errOut, code := cli(t, http.StatusBadRequest,
		`{"code":"INVALID_ARGUMENT","message":"licence-status reason \"BECAUSE\" is not one of [FRAUD OTHER] (free text stays off the ledger: give its SM3 digest after the code)"}`,
		"licence", "revoke", "L1", "--reason", "BECAUSE")
	if code != exitError || !strings.Contains(errOut, "--reason-text") || strings.Contains(errOut, "digest after the code") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestOutputIsReadable: a write's transaction shows once; a type's fields
// show in full; a licence's history shows each version's status; tables
// start with the ID and fit about 120 columns.
func TestOutputIsReadable(t *testing.T) {
	out, _, _ := cli(t, http.StatusOK, `{"txId":"`+strings.Repeat("ab", 32)+`","blockNumber":7,"data":{"id":"L1","status":"revoked","txId":"`+strings.Repeat("ab", 32)+`"}}`,
		"licence", "revoke", "L1", "--reason", "FRAUD")
	if n := strings.Count(out, strings.Repeat("ab", 32)); n != 1 {
		t.Errorf("the transaction ID shows %d times:\n%s", n, out)
	}
	lt := record.LicenceType{Code: "BL", Name: "营业执照", Fields: []record.FieldSpec{{Name: "name", Type: "string", Required: true},
		{Name: "creditCode", Type: "string", Required: true}, {Name: "founded", Type: "date"}, {Name: "capital", Type: "number"}, {Name: "listed", Type: "boolean"}}}
	out, _, _ = cli(t, http.StatusOK, envelope(t, lt), "registry", "types", "get", "BL")
	for _, f := range lt.Fields {
		if !lineHas(out, f.Name, "required="+fmt.Sprint(f.Required), "type="+string(f.Type)) {
			t.Errorf("field %s is not shown in full:\n%s", f.Name, out)
		}
	}
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	lic := func(status record.Status) *record.Licence {
		l := &record.Licence{Content: credential.Content{ID: "BL-0001", Type: "business-licence", AgencyID: "hefei-amr", Region: "340100",
			SealKeyID: "hefei-amr-seal-1", HolderPseudonym: strings.Repeat("a", 64), HolderPublicKey: "04" + strings.Repeat("b", 128),
			ValidFrom: now, ValidTo: now.AddDate(5, 0, 0)}, Signature: strings.Repeat("c", 142), IssuerMSP: "HefeiMSP", IssuedAt: now,
			SealedAt: now, GrantID: "hefei-amr:000001", IssueTxID: strings.Repeat("d", 64), Status: status}
		for _, n := range []string{"name", "creditCode", "founded", "capital", "listed"} {
			l.Content.Fields = append(l.Content.Fields, credential.FieldDigest{Name: n, Digest: strings.Repeat("e", 64)})
		}
		return l
	}
	out, _, _ = cli(t, http.StatusOK, envelope(t, []record.Version{{TxID: "t1", Time: now, Licence: lic(record.StatusActive)},
		{TxID: "t2", Time: now, Licence: lic(record.StatusSuspended)}}), "licence", "history", "BL-0001")
	if !lineHas(out, "t1", "active") || !lineHas(out, "t2", "suspended") {
		t.Errorf("history without statuses:\n%s", out)
	}
	access := &record.AccessRecord{ID: strings.Repeat("f", 64), Kind: "denial", AuthorizationID: "auth-000001", Owner: "HefeiMSP", Requester: "WuhuMSP",
		RequesterID: "x509::CN=User5,OU=client::CN=ca.wuhu.example.com", DatasetID: "hefei-social-security", Fields: []string{"name", "insured"},
		Purpose: "SOCIAL_ASSISTANCE", RequestDigest: strings.Repeat("1", 64), ResponseDigest: strings.Repeat("2", 64),
		Subjects: []string{strings.Repeat("3", 64), strings.Repeat("4", 64)}, Reason: "USES_EXHAUSTED", DetailDigest: strings.Repeat("5", 64), RecordedBy: "HefeiMSP", At: now.Add(17 * time.Second)}
	for _, c := range []struct {
		args []string
		page any
	}{
		{[]string{"licence", "list", "--issuer", "hefei-amr"}, record.Page[*record.Licence]{Items: []*record.Licence{lic(record.StatusActive)}}},
		{[]string{"audit", "trace", "--by", "dataset", "--value", "x"}, record.Page[*record.AccessRecord]{Items: []*record.AccessRecord{access}}},
	} {
		out, _, _ = cli(t, http.StatusOK, envelope(t, c.page), c.args...)
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if len([]rune(l)) > 135 || strings.Contains(l, "TXID") { // about 120: the widest realistic trace row; a licence row has no transaction

				t.Errorf("%s: a line of %d columns:\n%s", strings.Join(c.args, " "), len([]rune(l)), out)
			}
		}
		if !strings.Contains(out, "\nID ") {
			t.Errorf("%s: the ID is not the first column:\n%s", strings.Join(c.args, " "), out)
		}
	}
}

// envelope is a read answer of data.
func envelope(t *testing.T, data any) string {
	b, err := json.Marshal(api.Read[any]{BlockHeight: 9, Source: "cache", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestKeysRevokeSaysWhatItDid: "revoked key ID", or the key with --json.
func TestKeysRevokeSaysWhatItDid(t *testing.T) {
	key := `{"id":"k7","identity":"User3","roles":["verifier"]}`
	if out, _, code := cli(t, http.StatusOK, key, "keys", "revoke", "k7"); code != exitOK || out != "revoked key k7\n" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	out, _, code := cli(t, http.StatusOK, key, "keys", "revoke", "k7", "--json")
	var k api.Key
	if err := json.Unmarshal([]byte(out), &k); err != nil || code != exitOK || k.ID != "k7" {
		t.Errorf("--json: exit %d, stdout %q (%v)", code, out, err)
	}
}

// TestARecordWithoutEnvelopeShowsEveryField: a key, or whoami's answer,
// has no envelope: none of its fields is left out.
func TestARecordWithoutEnvelopeShowsEveryField(t *testing.T) {
	out, _, code := cli(t, http.StatusOK, `{"id":"k7","identity":"User3","roles":["verifier"],"secret":"wl_k7_s"}`, "keys", "create", "--identity", "User3", "--role", "verifier")
	if code != exitOK || !lineHas(out, "id:", "k7") || !lineHas(out, "identity:", "User3") || !lineHas(out, "secret:", "wl_k7_s") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestADenialWithoutItsBlockPrintsNoBlock: an answer that names a denial
// but not its block prints no "block 0".
func TestADenialWithoutItsBlockPrintsNoBlock(t *testing.T) {
	f := filepath.Join(t.TempDir(), "access.json")
	if err := os.WriteFile(f, []byte(`{"authorizationId":"A1"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"the authorization's uses are exhausted", "refused as denial tx42"} {
		_, errOut, code := cli(t, http.StatusConflict, `{"code":"USES_EXHAUSTED","message":"`+msg+`","denialId":"tx42"}`, "share", "deny", f)
		if code != exitError || strings.Contains(errOut, "block") || strings.Count(errOut, "tx42") != 1 {
			t.Errorf("exit %d, stderr %q: want the denial named once, no block", code, errOut)
		}
	}
}

// TestARefusalSaysItsCodeOnce: a message that repeats the answer's code
// prints it once.
func TestARefusalSaysItsCodeOnce(t *testing.T) {
	_, errOut, code := cli(t, http.StatusBadRequest, `{"code":"INVALID_ARGUMENT","message":"INVALID_ARGUMENT: fields: \"\" is not a field name"}`, "share", "get", "A1")
	if code != exitError || strings.Count(errOut, "INVALID_ARGUMENT") != 1 || !strings.Contains(errOut, `fields: "" is not a field name`) {
		t.Errorf("exit %d, stderr %q: want the code once", code, errOut)
	}
}
