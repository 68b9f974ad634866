package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/network/nettest"
)

// cli runs the built wanledger binary and returns its stdout, stderr and
// error (non-nil for a non-zero exit).
func cli(t *testing.T, env *nettest.Env, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), env.Net.Self, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// TestTheIssueCommandSealsLocallyAndWuhuVerifiesTheHoldersCredential: an
// agency makes its seal key with `seal keygen`, registers it, issues one
// licence and a list of 53 (two batches) from clear drafts with `licence
// issue`, and renews one with `licence renew`; Wuhu's gateway verifies
// licences VALID with the fields disclosed from the credential files the
// command wrote, also in another Unicode form, and NOT VALID with a changed
// value.
func TestTheIssueCommandSealsLocallyAndWuhuVerifiesTheHoldersCredential(t *testing.T) {
	env := nettest.Get(t)
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)
	const agency, sealID, typ = "hefei-cli", "hefei-cli-seal", "cli-licence"

	// The agency's seal key, made by the command line.
	pem := filepath.Join(dir, "seal.pem")
	out, _, err := cli(t, env, "seal", "keygen", "--out", pem, "--json")
	if err != nil {
		t.Fatalf("seal keygen: %v", err)
	}
	var keygen struct{ PublicKey string }
	if err := json.Unmarshal([]byte(out), &keygen); err != nil {
		t.Fatalf("seal keygen printed %q: %v", out, err)
	}

	// Its type, accreditation, seal key and issuer, through the gateways.
	anhuiAdmin := gatewayAs(t, env, "anhui", keys.RoleAdmin)
	anhuiAdmin.must(http.MethodPut, "/v1/registry/types/"+typ, api.LicenceTypeRequest{Name: "命令行测试证照", MaxValidityDays: 365,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}, {Name: "creditCode", Type: record.FieldString, Required: true},
			{Name: "founded", Type: record.FieldDate}}}, nil)
	anhuiAdmin.must(http.MethodPost, "/v1/registry/accreditations", api.AccreditationRequest{AgencyID: agency, MSPID: "HefeiMSP",
		Types: []string{typ}, Region: "340100", ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}, nil)
	hefeiAdmin := gatewayAs(t, env, "hefei", keys.RoleAdmin)
	nettest.Eventually(t, 15*time.Second, func() error {
		if st := hefeiAdmin.call(http.MethodGet, "/v1/registry/accreditations/"+agency, nil, nil); st != http.StatusOK {
			return fmt.Errorf("Hefei's gateway does not know accreditation %s yet: %d", agency, st)
		}
		return nil
	})
	hefeiAdmin.must(http.MethodPost, "/v1/registry/seals", api.SealKeyRequest{KeyID: sealID, AgencyID: agency,
		PublicKey: keygen.PublicKey, ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}, nil)
	issuer := gatewayAs(t, env, "hefei", "issuer")
	bindIssuer(t, hefeiAdmin, issuer, agency)
	nettest.Eventually(t, 15*time.Second, func() error { // Hefei's cache has the type the command checks drafts against
		if st := issuer.call(http.MethodGet, "/v1/registry/types/"+typ, nil, nil); st != http.StatusOK {
			return fmt.Errorf("Hefei's gateway does not know type %s yet: %d", typ, st)
		}
		return nil
	})

	// The province's salt, as the run directory keeps it.
	if _, err := env.Net.Home.EnsureProvinceSalt("anhui"); err != nil {
		t.Fatal(err)
	}
	gw := []string{"--url", issuer.url, "--key", issuer.key}
	issueArgs := func(file, creds string) []string {
		return append([]string{"licence", "issue", file, "--seal-key", pem, "--province-salt", env.Net.Home.ProvinceSaltFile("anhui"),
			"--credentials", creds, "--json"}, gw...)
	}
	creds := filepath.Join(dir, "credentials")
	if err := os.Mkdir(creds, 0o700); err != nil {
		t.Fatal(err)
	}
	draft := func(id, name string) issuance.Draft {
		holder, err := gm.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		return issuance.Draft{ID: id, Type: typ, AgencyID: agency, Region: "340100", SealKeyID: sealID,
			Holder:    issuance.Holder{CitizenID: "340104199001011234", PublicKey: holder.Public().Hex()},
			Fields:    issuance.Fields{"name": name, "creditCode": "91340100MA2XXXXX1Q", "founded": "2019-05-20"},
			ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(0, 6, 0)}
	}
	writeJSON := func(name string, v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	// One draft: a JSON object in, a JSON object out. The name is given
	// decomposed (NFD) and with a compatibility ideograph.
	one := writeJSON("one.json", draft("CLI-0001", "LU\u0308\u030c 合肥\uf900科技"))
	out, errOut, err := cli(t, env, issueArgs(one, creds)...)
	if err != nil {
		t.Fatalf("licence issue: %v\n%s", err, errOut)
	}
	var single struct {
		LicenceID, TxID, Credential string
		BlockNumber                 uint64
	}
	if err := json.Unmarshal([]byte(out), &single); err != nil || single.LicenceID != "CLI-0001" || single.TxID == "" || single.BlockNumber == 0 {
		t.Fatalf("licence issue --json printed %q: %v", out, err)
	}
	// A list of 53: two batches, a JSON list out, progress on stderr.
	var drafts []issuance.Draft
	for i := range 53 {
		drafts = append(drafts, draft(fmt.Sprintf("CLI-L-%02d", i+1), fmt.Sprintf("L\u01d9 %d 号", i+1)))
	}
	list := writeJSON("list.json", drafts)
	out, errOut, err = cli(t, env, issueArgs(list, creds)...)
	if err != nil {
		t.Fatalf("licence issue of a list: %v\n%s", err, errOut)
	}
	var many []struct {
		LicenceID, TxID, Credential string
	}
	if err := json.Unmarshal([]byte(out), &many); err != nil || len(many) != 53 || many[52].LicenceID != "CLI-L-53" {
		t.Fatalf("licence issue --json of a list printed %q: %v", out, err)
	}
	if many[49].TxID != many[0].TxID || many[50].TxID == many[49].TxID {
		t.Errorf("batches: transactions %s, %s, %s of licences 1, 50 and 51", many[0].TxID, many[49].TxID, many[50].TxID)
	}
	if !strings.Contains(errOut, "issued 50/53") || !strings.Contains(errOut, "issued 53/53") {
		t.Errorf("no progress on stderr: %q", errOut)
	}

	// Wuhu verifies every licence with the fields its credential file discloses.
	verifier := gatewayAs(t, env, "wuhu", "verifier")
	verify := func(req api.VerifyRequest) api.Verdict {
		var v api.Verdict
		nettest.Eventually(t, 20*time.Second, func() error {
			if st := verifier.call(http.MethodPost, "/v1/verify", req, &v); st != http.StatusOK {
				return fmt.Errorf("verify %s: %d", req.LicenceID, st)
			}
			if v.Status == "" {
				return fmt.Errorf("Wuhu does not know %s yet: %+v", req.LicenceID, v)
			}
			return nil
		})
		return v
	}
	disclosed := map[string]api.VerifyRequest{}
	for _, f := range []string{single.Credential, many[0].Credential, many[50].Credential, many[52].Credential} {
		st, err := os.Stat(f)
		if err != nil || st.Mode().Perm() != 0o600 || filepath.Dir(f) != creds {
			t.Fatalf("credential file %s: %v %v", f, st, err)
		}
		c, err := issuance.ReadCredential(f)
		if err != nil || len(c.Disclosures) != 3 {
			t.Fatalf("credential %s: %v", f, err)
		}
		fields, err := issuance.Disclosed(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		req := api.VerifyRequest{LicenceID: c.Content.ID, Disclosed: fields}
		if v := verify(req); !v.Valid {
			t.Errorf("%s with its credential's fields: NOT VALID %+v", c.Content.ID, v)
		}
		disclosed[c.Content.ID] = req
	}
	// The credential keeps the name in NFC; disclosed as first typed (NFD,
	// compatibility ideograph) it still matches; changed, it does not.
	req := disclosed["CLI-0001"]
	name := fieldIndexOf(req.Disclosed, "name")
	if req.Disclosed[name].Value != "L\u01d9 合肥\u8c48科技" {
		t.Errorf("the credential keeps the name as %+q", req.Disclosed[name].Value)
	}
	req.Disclosed = append([]api.Disclosure(nil), req.Disclosed...)
	req.Disclosed[name].Value = "LU\u0308\u030c 合肥\uf900科技"
	if v := verify(req); !v.Valid {
		t.Errorf("the name disclosed in NFD: NOT VALID %+v", v)
	}
	req.Disclosed[name].Value = "LU 合肥科技"
	if v := verify(req); v.Valid {
		t.Errorf("a changed name verified VALID: %+v", v)
	}

	// Renewal: read, re-sealed locally, submitted.
	renewTo := now.AddDate(0, 9, 0)
	out, errOut, err = cli(t, env, append([]string{"licence", "renew", "CLI-0001", "--valid-to", renewTo.Format(time.RFC3339), "--seal-key", pem, "--json"}, gw...)...)
	if err != nil {
		t.Fatalf("licence renew: %v\n%s", err, errOut)
	}
	var renewed txAnswer
	if err := json.Unmarshal([]byte(out), &renewed); err != nil || renewed.TxID == "" {
		t.Fatalf("licence renew printed %q: %v", out, err)
	}
	nettest.Eventually(t, 20*time.Second, func() error {
		var l struct {
			Data record.Licence `json:"data"`
		}
		verifier.must(http.MethodGet, "/v1/licences/CLI-0001", nil, &l)
		if !l.Data.ValidTo.Equal(renewTo) {
			return fmt.Errorf("Wuhu sees CLI-0001 valid to %s", l.Data.ValidTo)
		}
		return nil
	})
	if v := verify(disclosed["CLI-0001"]); !v.Valid {
		t.Errorf("after the renewal: NOT VALID %+v", v)
	}

	// Failures exit non-zero with a clear message and leave no credential.
	if _, errOut, err := cli(t, env, issueArgs(one, creds)...); err == nil || !strings.Contains(errOut, "a credential file of licence CLI-0001 is in") {
		t.Errorf("issuing into a directory with the licence's credential: %v %s", err, errOut)
	}
	again := filepath.Join(dir, "again")
	os.Mkdir(again, 0o700)
	if _, errOut, err := cli(t, env, issueArgs(one, again)...); err == nil || !strings.Contains(errOut, "ALREADY_EXISTS") {
		t.Errorf("issuing a licence the ledger has: %v %s", err, errOut)
	}
	if entries, _ := os.ReadDir(again); len(entries) != 0 {
		t.Errorf("a refused issue left %d files in its credentials directory", len(entries))
	}
	if _, errOut, err := cli(t, env, append([]string{"licence", "renew", "CLI-0001", "--valid-to", now.Format(time.RFC3339), "--seal-key", pem}, gw...)...); err == nil || !strings.Contains(errOut, "is not after the current") {
		t.Errorf("a renewal that shortens the licence: %v %s", err, errOut)
	}
}

func fieldIndexOf(ds []api.Disclosure, name string) int {
	for i, d := range ds {
		if d.Name == name {
			return i
		}
	}
	return -1
}
