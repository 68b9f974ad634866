package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
)

// wanledger runs the command line in-process and returns stdout, stderr
// and its error.
func wanledger(args ...string) (string, string, error) {
	root := newRoot()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), errOut.String(), err
}

func TestSealKeygenWritesASecretPEMAndPrintsItsPublicKey(t *testing.T) {
	dir := t.TempDir()
	pem := filepath.Join(dir, "seal.pem")
	out, _, err := wanledger("seal", "keygen", "--out", pem)
	if err != nil {
		t.Fatal(err)
	}
	key, err := issuance.ReadSealKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out) != key.Public().Hex() {
		t.Errorf("printed %q, the key's public key is %s", out, key.Public().Hex())
	}
	if st, _ := os.Stat(pem); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	if _, _, err := wanledger("seal", "keygen", "--out", pem); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("a second keygen to %s: %v", pem, err)
	}
	if again, _ := issuance.ReadSealKey(pem); !again.Public().Equal(key.Public()) {
		t.Error("the key file was replaced")
	}
	out, _, err = wanledger("seal", "keygen", "--out", filepath.Join(dir, "two.pem"), "--json")
	var v struct{ File, PublicKey string }
	if err != nil || json.Unmarshal([]byte(out), &v) != nil || v.File != filepath.Join(dir, "two.pem") {
		t.Fatalf("--json: %v %q", err, out)
	}
	if _, err := gm.ParsePublicKeyHex(v.PublicKey); err != nil {
		t.Errorf("--json public key %q: %v", v.PublicKey, err)
	}
	if _, _, err := wanledger("seal", "keygen"); err == nil || !strings.Contains(err.Error(), `"out" not set`) {
		t.Errorf("keygen without --out: %v", err)
	}
}

// Every local mistake is reported before anything is sent: the gateway
// URL here leads nowhere, so an attempted request would fail differently.
func TestIssueAndRenewRefuseBadLocalInputsBeforeAnyRequest(t *testing.T) {
	dir := t.TempDir()
	pem, saltFile := issuerFiles(t, dir)
	holder, _ := gm.GenerateKey()
	draft := `{"id":"BL-1","type":"business-licence","agencyId":"hefei-amr","region":"340100","sealKeyId":"s1",
		"holder":{"citizenId":"340104199001011234","publicKey":"` + holder.Public().Hex() + `"},
		"fields":{"name":"合肥示例"},"validFrom":"2026-01-01T00:00:00Z","validTo":"2027-01-01T00:00:00Z"}`
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("draft.json", draft)
	creds := filepath.Join(dir, "creds")
	os.Mkdir(creds, 0o700)
	shortSalt := write("short.hex", "00112233445566778899aabbccddee\n")
	badPEM := write("bad.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
	write("creds/BL-1.json", "{}")
	fresh := filepath.Join(dir, "fresh")
	os.Mkdir(fresh, 0o700)
	gw := []string{"--url", "http://127.0.0.1:1", "--key", "wl_k_s"}
	for _, c := range []struct {
		name, want string
		args       []string
	}{
		{"draft with two names", `field "name" is given twice`, []string{"licence", "issue", write("dup.json", strings.Replace(draft, `"name":"合肥示例"`, `"name":"a","name":"b"`, 1)), "--seal-key", pem, "--province-salt", saltFile, "--credentials", fresh}},
		{"draft without validTo", "validFrom and validTo are required", []string{"licence", "issue", write("novalid.json", strings.Replace(draft, `"validTo":"2027-01-01T00:00:00Z"`, `"validTo":null`, 1)), "--seal-key", pem, "--province-salt", saltFile, "--credentials", fresh}},
		{"draft with an unknown property", `unknown field "colour"`, []string{"licence", "issue", write("colour.json", strings.Replace(draft, `"id"`, `"colour":"red","id"`, 1)), "--seal-key", pem, "--province-salt", saltFile, "--credentials", fresh}},
		{"validTo before validFrom", "is not after validFrom", []string{"licence", "issue", write("back.json", strings.Replace(draft, "2027-01-01", "2025-01-01", 1)), "--seal-key", pem, "--province-salt", saltFile, "--credentials", fresh}},
		{"bad seal key", "malformed SM2 key", []string{"licence", "issue", good, "--seal-key", badPEM, "--province-salt", saltFile, "--credentials", fresh}},
		{"short province salt", "15 bytes, want at least 16", []string{"licence", "issue", good, "--seal-key", pem, "--province-salt", shortSalt, "--credentials", fresh}},
		{"no credentials directory", "is not a directory", []string{"licence", "issue", good, "--seal-key", pem, "--province-salt", saltFile, "--credentials", good}},
		{"credential exists", "of licence BL-1 is in", []string{"licence", "issue", good, "--seal-key", pem, "--province-salt", saltFile, "--credentials", creds}},
		{"no province salt flag", `"province-salt" not set`, []string{"licence", "issue", good, "--seal-key", pem, "--credentials", fresh}},
		{"licence ID with a path", "may hold only", []string{"licence", "issue", write("evil.json", strings.Replace(draft, `"BL-1"`, `"../evil"`, 1)), "--seal-key", pem, "--province-salt", saltFile, "--credentials", fresh}},
		{"draft not JSON", "is not JSON", []string{"licence", "issue", write("notjson.json", "id: BL-1"), "--seal-key", pem, "--province-salt", saltFile, "--credentials", fresh}},
		{"renew to a bad time", "--valid-to: want RFC 3339", []string{"licence", "renew", "BL-1", "--valid-to", "2031-01-01", "--seal-key", pem}},
		{"renew with a bad key", "malformed SM2 key", []string{"licence", "renew", "BL-1", "--valid-to", "2031-01-01T00:00:00Z", "--seal-key", badPEM}},
	} {
		_, _, err := wanledger(append(c.args, gw...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
		want := exitUsage // a bad flag or input file, as docs/cli.md says
		if c.name == "credential exists" {
			want = exitError
		}
		if got := exitCode(err); got != want {
			t.Errorf("%s: exit %d, want %d", c.name, got, want)
		}
	}
	if entries, _ := os.ReadDir(fresh); len(entries) != 0 {
		t.Errorf("failed issues left %d files in the credentials directory", len(entries))
	}
}

func TestIssueResultsPrintAsAnObjectForOneAndAListForAList(t *testing.T) {
	results := []issued{{LicenceID: "L1", TxID: "t1", BlockNumber: 7, Credential: "c/L1.json"}, {LicenceID: "L2", TxID: "t1", BlockNumber: 7, Credential: "c/L2.json"}}
	o := &clientOptions{asJSON: true}
	var b bytes.Buffer
	if err := o.printIssued(&b, results[:1], false); err != nil {
		t.Fatal(err)
	}
	var one issued
	if err := json.Unmarshal(b.Bytes(), &one); err != nil || one != results[0] {
		t.Errorf("one: %v %s", err, b.String())
	}
	b.Reset()
	if err := o.printIssued(&b, results, true); err != nil {
		t.Fatal(err)
	}
	var list []issued
	if err := json.Unmarshal(b.Bytes(), &list); err != nil || len(list) != 2 || list[1] != results[1] {
		t.Errorf("list: %v %s", err, b.String())
	}
	b.Reset()
	o.asJSON = false
	o.printIssued(&b, results, true)
	if !strings.Contains(b.String(), "L2 issued (transaction t1, block 7); holder credential c/L2.json") {
		t.Errorf("text: %s", b.String())
	}
}

// When the gateway cannot be reached, whether a batch committed is unknown:
// its credentials stay as pending files, and the message says where.
func TestAnUnknownOutcomeKeepsThePendingCredentials(t *testing.T) {
	dir := t.TempDir()
	key, err := issuance.GenerateSealKey(filepath.Join(dir, "seal.pem"))
	if err != nil {
		t.Fatal(err)
	}
	salt, _ := issuance.NewProvinceSalt()
	holder, _ := gm.GenerateKey()
	typ := &record.LicenceType{Code: "t", MaxValidityDays: 365, Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	is, err := issuance.Seal(issuance.Draft{ID: "L1", Type: "t", AgencyID: "a", Region: "340100", SealKeyID: "k",
		Holder: issuance.Holder{CitizenID: "340104199001011234", PublicKey: holder.Public().Hex()},
		Fields: issuance.Fields{"name": "x"}, ValidFrom: from, ValidTo: from.AddDate(0, 1, 0)}, typ, key, salt)
	if err != nil {
		t.Fatal(err)
	}
	cmd := &cobra.Command{}
	cmd.SetContext(t.Context())
	_, err = submitChunk(cmd, apiclient.New("http://127.0.0.1:1", "wl_k_s"), []*issuance.Issued{is}, false, dir)
	pending := filepath.Join(dir, ".L1.json.pending")
	if err == nil || !strings.Contains(err.Error(), "the outcome is unknown") || !strings.Contains(err.Error(), pending) {
		t.Errorf("error %v, want one naming the pending file %s", err, pending)
	}
	if _, err := os.Stat(pending); err != nil {
		t.Errorf("the pending credential is gone: %v", err)
	}
	if _, err := os.Stat(issuance.CredentialFile(dir, "L1")); err == nil {
		t.Error("the credential file exists although nothing was accepted")
	}
}

// issuerFiles writes a new seal key and province salt into dir, as an
// issuing agency holds them, and returns their paths.
func issuerFiles(t *testing.T, dir string) (sealKey, provinceSalt string) {
	t.Helper()
	sealKey, provinceSalt = filepath.Join(dir, "seal.pem"), filepath.Join(dir, "salt.hex")
	if _, err := issuance.GenerateSealKey(sealKey); err != nil {
		t.Fatal(err)
	}
	salt, err := issuance.NewProvinceSalt()
	if err == nil {
		err = issuance.WriteProvinceSalt(provinceSalt, salt)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sealKey, provinceSalt
}
