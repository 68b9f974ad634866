package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/issuance"
)

// TestTheHoldersListSaysWhatEachVerificationCameTo: the header counts
// valid, not valid and refused verifications apart; each licence's line
// says its status, the reason of a change and its validity; each
// verification's line says valid,
// NOT VALID with the failing check, or refused with its code, then the
// verifier, the purpose code and labels, the fields disclosed and the time.
func TestTheHoldersListSaysWhatEachVerificationCameTo(t *testing.T) {
	var out strings.Builder
	at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	v := api.VerificationEntry{LicenceID: "BL-1", VerifierMSP: "WuhuMSP", Verifier: "User1", Audience: "wuhu-amr", At: at, Outcome: "valid",
		Purpose: "inspection", PurposeZh: "执法检查", PurposeEn: "inspection", Disclosed: []string{"name", "creditCode"}}
	revoked, replay, bare := v, v, v
	revoked.Outcome, replay.Outcome = "status-active", "NONCE_USED"
	bare.Purpose, bare.PurposeZh, bare.PurposeEn, bare.Disclosed = "", "", "", nil
	until := at.AddDate(1, 0, 0)
	licences := []api.HolderLicence{{ID: "BL-1", Status: record.StatusRevoked, ValidTo: until,
		Change: &record.StatusChange{Status: record.StatusRevoked, Reason: "FRAUD", EffectiveAt: at}},
		{ID: "SH-1", Status: record.StatusActive, ValidTo: until, Change: &record.StatusChange{Status: record.StatusActive, EffectiveAt: at},
			RelayedFrom: &api.Relayed{Channel: "delta"}}}
	printActivity(&out, gatewayActivity{URL: "http://wuhu", HolderActivity: api.HolderActivity{Licences: licences, Verifications: []api.VerificationEntry{v, revoked, replay, bare}}})
	for _, want := range []string{
		"http://wuhu: 4 verifications (2 valid, 1 not valid, 1 refused), 0 accesses",
		"  licence BL-1: revoked (FRAUD) from 2026-11-30T01:00:00Z, valid to 2027-11-30T01:00:00Z\n",
		"  licence SH-1: active, valid to 2027-11-30T01:00:00Z, relayed from delta\n",
		"  valid: BL-1 shown to WuhuMSP (wuhu-amr), purpose inspection (执法检查 / inspection), disclosed name, creditCode, at 2026-11-30T01:00:00Z",
		"  NOT VALID (failed check status-active): BL-1 shown to WuhuMSP",
		"  refused (NONCE_USED): BL-1 shown to WuhuMSP",
		"  valid: BL-1 shown to WuhuMSP (wuhu-amr), purpose -, no fields disclosed, at",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "verified") {
		t.Errorf("a line says verified:\n%s", out.String())
	}
}

// TestWalletActivityPrintsEachGatewayThatAnswered: with one gateway down,
// the other's answer is printed, the failure is named on stderr (and in
// --json as that URL's error entry), and the exit code is 1.
func TestWalletActivityPrintsEachGatewayThatAnswered(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v1/holder/challenge" {
			w.Write([]byte(`{"challenge":"` + strings.Repeat("A", 64) + `","audience":"WuhuMSP","expiresAt":"2099-01-01T00:00:00Z"}`))
			return
		}
		w.Write([]byte(`{"verifications":[{"licenceId":"BL-0001","verifierMsp":"WuhuMSP","verifier":"User1","audience":"wuhu-amr",` +
			`"at":"2026-11-30T01:00:00Z","outcome":"valid","disclosed":["name"]}],"accesses":[],"blockHeight":3}`))
	}))
	defer up.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()

	dir := filepath.Join(t.TempDir(), "w")
	pub, errOut, _ := runCLI("wallet", "init", "--wallet", dir)
	file, _ := issueFile(t, "BL-0001", strings.TrimSpace(pub), issuance.Fields{"name": "合肥"})
	if _, errOut, code := runCLI("wallet", "import", file, "--wallet", dir); code != exitOK {
		t.Fatal(errOut)
	}
	args := []string{"wallet", "activity", "--url", up.URL, "--url", down.URL, "--wallet", dir}
	out, errOut, code := runCLI(args...)
	if code != exitError || !strings.Contains(out, up.URL+": 1 verifications (1 valid, 0 refused)") || !strings.Contains(errOut, down.URL) ||
		strings.Contains(out, down.URL) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	out, errOut, code = runCLI(append(args, "--json")...)
	var got []struct {
		URL           string                  `json:"url"`
		Verifications []api.VerificationEntry `json:"verifications"`
		Error         *errorObject            `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != exitError || len(got) != 2 {
		t.Fatalf("--json: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if got[0].URL != up.URL || len(got[0].Verifications) != 1 || got[0].Error != nil || got[1].URL != down.URL || got[1].Error == nil || got[1].Error.ExitCode != exitError {
		t.Errorf("--json: %+v", got)
	}
}
