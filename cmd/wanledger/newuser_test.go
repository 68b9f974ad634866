package main

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/internal/snapshot"
)

// jsonError is the error object --json prints on stdout.
func jsonError(t *testing.T, out string) errorObject {
	t.Helper()
	var e errorObject
	if err := json.Unmarshal([]byte(out), &e); err != nil || e.Error == nil {
		t.Fatalf("stdout is not one JSON error object: %v\n%s", err, out)
	}
	return e
}

// TestVerifyOfflineRefusalsPrintTheirCodeAsJSON: with --json, a refused
// snapshot or presentation is a JSON object on stdout with its code and
// exit code 3, as every other error.
func TestVerifyOfflineRefusalsPrintTheirCodeAsJSON(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.snap")
	if err := os.WriteFile(garbage, []byte("not a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	ca, good := signedSnapshot(t, dir, "WuhuMSP", "WuhuMSP")
	shCA, wrong := signedSnapshot(t, dir, "ShanghaiMSP", "WuhuMSP")
	pres := []string{"--presentation", "abc~def.ghi", "--nonce", "nonce-0123456789", "--audience", "wuhu-amr", "--json"}
	for _, c := range []struct {
		snap, ca, msp, code string
	}{{garbage, ca, "WuhuMSP", "SNAPSHOT_MALFORMED"}, {wrong, shCA, "ShanghaiMSP", "SNAPSHOT_SIGNER"}, {good, ca, "WuhuMSP", string(snapshot.OfflineForm)}} {
		out, errOut, code := runCLI(append([]string{"verify", "--offline", c.snap, "--ca", c.ca, "--msp", c.msp}, pres...)...)
		if code != exitNotValid || !strings.Contains(errOut, c.code) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %s", c.snap, code, errOut, exitNotValid, c.code)
			continue
		}
		if e := jsonError(t, out); e.Code != c.code || e.ExitCode != exitNotValid {
			t.Errorf("%s: JSON %+v, want code %s exit %d", c.snap, e, c.code, exitNotValid)
		}
	}
}

// offlineCase is a licence sealed an hour before presented, its offline
// presentation made at presented, and a snapshot of it built at built
// (BL's freshness limit is 12h).
func offlineCase(t *testing.T, presented, built time.Time) (ca, snap, offline string) {
	t.Helper()
	seal, _ := gm.GenerateKey()
	holder, _ := gm.GenerateKey()
	is := sealFor(t, seal, "BL-0001", holder.Public().Hex(), issuance.Fields{"name": "合肥"})
	c := is.Credential
	p, err := presentation.Make(holder, "BL-0001", nil, "nonce-0123456789", "wuhu-amr", presented)
	if err != nil {
		t.Fatal(err)
	}
	if offline, err = snapshot.Offline(c, p); err != nil {
		t.Fatal(err)
	}
	from, to := presented.AddDate(-1, 0, 0), presented.AddDate(1, 0, 0)
	grant := record.Accreditation{GrantID: "hefei-amr:000001", Seq: 1, AgencyID: "hefei-amr", MSPID: "HefeiMSP", Province: "AnhuiMSP",
		Types: []string{"BL"}, Region: "340100", ValidFrom: from, ValidTo: to}
	b := snapshot.NewBuilder("WuhuMSP", "anhui", 7, built, func(string) time.Duration { return 12 * time.Hour })
	b.AddType("anhui", &record.LicenceType{Code: "BL", Name: "营业执照", Province: "AnhuiMSP", MaxValidityDays: 3650})
	b.AddGrant("anhui", &grant)
	b.AddSealKey("anhui", &record.SealKey{KeyID: "hefei-amr-1", AgencyID: "hefei-amr", MSPID: "HefeiMSP", PublicKey: seal.Public().Hex(), ValidFrom: from, ValidTo: to})
	sealedAt := presented.Add(-time.Hour).Truncate(time.Second)
	b.AddLicence("anhui", &record.Licence{Content: c.Content, Signature: hex.EncodeToString(c.Seal), IssuerMSP: "HefeiMSP", IssuedAt: sealedAt,
		SealedAt: sealedAt, GrantID: grant.GrantID, Status: record.StatusActive, Revision: 1})
	ca, snap = signedSnapshotOf(t, t.TempDir(), "WuhuMSP", b.Body())
	return ca, snap, offline
}

// TestVerifyOfflineJudgesAtAt: --at is the time an offline verdict is
// judged at, the snapshot's age included; a stale snapshot accepted with
// --accept-stale shows its freshness check as stale, not ok (as text and
// JSON).
func TestVerifyOfflineJudgesAtAt(t *testing.T) {
	then := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	at := then.Format(time.RFC3339)
	verify := func(ca, snap, pres string, extra ...string) (string, string, int) {
		return runCLI(append([]string{"verify", "--offline", snap, "--ca", ca, "--msp", "WuhuMSP", "--presentation", pres,
			"--nonce", "nonce-0123456789", "--audience", "wuhu-amr"}, extra...)...)
	}
	ca, snap, pres := offlineCase(t, then, then.Add(-time.Hour))
	if out, errOut, code := verify(ca, snap, pres, "--at", at); code != exitOK || !strings.Contains(out, "BL-0001 VALID offline") || !strings.Contains(out, "1h0m0s old") {
		t.Errorf("--at when presented: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, code := verify(ca, snap, pres); code != exitNotValid || !strings.Contains(out, "FAIL snapshot-fresh") {
		t.Errorf("now, a day later: exit %d\n%s", code, out)
	}

	now := time.Now().Truncate(time.Second)
	ca, snap, pres = offlineCase(t, now, now.Add(-13*time.Hour))
	if out, _, code := verify(ca, snap, pres); code != exitNotValid || !strings.Contains(out, "FAIL snapshot-fresh: SNAPSHOT_STALE") {
		t.Errorf("stale: exit %d\n%s", code, out)
	}
	out, errOut, code := verify(ca, snap, pres, "--accept-stale")
	if code != exitOK || !strings.Contains(out, "STALE snapshot-fresh (accepted by --accept-stale): SNAPSHOT_STALE") || strings.Contains(out, "ok   snapshot-fresh") {
		t.Errorf("stale, accepted: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code = verify(ca, snap, pres, "--accept-stale", "--json")
	var v snapshot.Verdict
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != exitOK || !v.Valid || !v.Stale || !v.StaleAccepted {
		t.Fatalf("stale, accepted, JSON: exit %d, %v\n%s", code, err, out)
	}
	for _, c := range v.Checks {
		if c.Name == snapshot.CheckFresh && (c.OK || !strings.Contains(c.Detail, "SNAPSHOT_STALE")) {
			t.Errorf("JSON freshness check %+v, want failed with SNAPSHOT_STALE", c)
		}
	}
}

// TestMissingInputFilesAreUsageErrors: every command's input file that
// cannot be read exits 2 and says which file.
func TestMissingInputFilesAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	none := filepath.Join(dir, "nope.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { t.Error("a request was sent") }))
	defer srv.Close()
	net := []string{"--url", srv.URL, "--key", "wl_k_s", "--json"}
	wallet := filepath.Join(dir, "w")
	if _, errOut, code := runCLI("wallet", "init", "--wallet", wallet); code != exitOK {
		t.Fatal(errOut)
	}
	for _, args := range [][]string{
		{"verify", "BL-0001", "--credential", none},
		{"verify", "BL-0001", "--credential", dir},
		{"verify", "--presentation", "@" + none},
		{"share", "grant", none},
		{"data", "import", "--dataset", "d", filepath.Join(dir, "rows.csv")},
		{"wallet", "import", none, "--wallet", wallet},
		{"gateway", "--config", none},
		{"relay", "--config", none},
	} {
		switch args[0] {
		case "gateway", "relay":
		case "wallet":
			args = append(args, "--json")
		default:
			args = append(args, net...)
		}
		out, errOut, code := runCLI(args...)
		if code != exitUsage || !strings.Contains(errOut, "cannot read input file") {
			t.Errorf("%v: exit %d, %q; want %d", args, code, errOut, exitUsage)
			continue
		}
		if !slices.Contains(args, "--json") {
			continue
		}
		if e := jsonError(t, out); e.Code != "USAGE" {
			t.Errorf("%v: JSON code %s", args, e.Code)
		}
	}
}

// TestPresentationFormatRefusalsCarryTheirCode: a presentation refused by
// its form is an error (exit 1) with the form's code, in --json too.
func TestPresentationFormatRefusalsCarryTheirCode(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { t.Error("a request was sent") }))
	defer srv.Close()
	out, errOut, code := runCLI("verify", "--presentation", "garbage", "--url", srv.URL, "--key", "wl_k_s", "--json")
	if e := jsonError(t, out); code != exitError || e.Code != string(presentation.Structure) || !strings.Contains(errOut, "PRESENTATION_STRUCTURE") {
		t.Errorf("verify: exit %d, %+v, %q", code, e, errOut)
	}
	dir := t.TempDir()
	pub, _, _ := runCLI("wallet", "init", "--wallet", dir)
	file, _ := issueFile(t, "BL-0001", strings.TrimSpace(pub), issuance.Fields{"name": "合肥"})
	if _, errOut, code := runCLI("wallet", "import", file, "--wallet", dir); code != exitOK {
		t.Fatal(errOut)
	}
	out, _, code = runCLI("wallet", "present", "BL-0001", "--nonce", "short", "--audience", "wuhu-amr", "--json", "--wallet", dir)
	if e := jsonError(t, out); code != exitError || e.Code != string(presentation.KBNonceFormat) {
		t.Errorf("present: exit %d, %+v", code, e)
	}
}

// TestNoFlagDescriptionHasBackquotes: pflag takes a backquoted word of a
// description as the flag's value name (--credential licence issue).
func TestNoFlagDescriptionHasBackquotes(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.LocalFlags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if strings.Contains(f.Usage, "`") {
					name, _ := pflag.UnquoteUsage(f)
					t.Errorf("%s --%s shows as --%s %s", c.CommandPath(), f.Name, f.Name, name)
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot())
	out, _, _ := runCLI("verify", "--help")
	if !strings.Contains(out, "--credential string") {
		t.Errorf("verify --help:\n%s", out)
	}
}

// TestWalletPresentQRRefusesAnExistingFileUnlessForced: as snapshot save,
// --qr never writes over a file, but with --force.
func TestWalletPresentQRRefusesAnExistingFileUnlessForced(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	pub, _, _ := runCLI("wallet", "init", "--wallet", dir)
	file, _ := issueFile(t, "BL-0001", strings.TrimSpace(pub), issuance.Fields{"name": "合肥"})
	if _, errOut, code := runCLI("wallet", "import", file, "--wallet", dir); code != exitOK {
		t.Fatal(errOut)
	}
	png := filepath.Join(t.TempDir(), "p.png")
	if err := os.WriteFile(png, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"wallet", "present", "BL-0001", "--nonce", "nonce-12345678", "--audience", "wuhu-amr", "--qr", png, "--wallet", dir}
	out, errOut, code := runCLI(args...)
	if b, _ := os.ReadFile(png); code != exitUsage || out != "" || !strings.Contains(errOut, errFileExists.Error()) || string(b) != "keep me" {
		t.Errorf("over an existing file: exit %d, %q %q, file %q", code, out, errOut, b)
	}
	if _, errOut, code := runCLI(append(args, "--force")...); code != exitOK {
		t.Errorf("--force: exit %d, %s", code, errOut)
	}
	if b, _ := os.ReadFile(png); !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("--force did not write the PNG: %q", b[:min(len(b), 8)])
	}
}

// TestANotValidVerdictIsPrintedOnceAndNamedOnStderr: a NOT VALID verdict
// exits 3 with the verdict alone on stdout (with --json, no error object
// after it) and, as every failing exit, its reason on stderr.
func TestANotValidVerdictIsPrintedOnceAndNamedOnStderr(t *testing.T) {
	verdict := `{"licenceId":"BL-0002","valid":false,"status":"revoked","blockHeight":9,"source":"cache","checks":[{"name":"status-active","ok":false,"detail":"revoked"}]}`
	out, errOut, code := cli(t, http.StatusOK, verdict, "verify", "BL-0002", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != exitNotValid || v["licenceId"] != "BL-0002" || errOut != "wanledger: licence BL-0002 is NOT VALID\n" {
		t.Errorf("exit %d, %v\nstdout:\n%s\nstderr:\n%s", code, err, out, errOut)
	}
}
