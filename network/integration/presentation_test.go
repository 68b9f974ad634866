package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestAHolderPresentsToWuhuOnceAndSeesWhoVerified: Hefei issues a licence
// to a wallet's key and the issuance tooling writes the holder's
// credential; the wallet imports it and presents it to Wuhu's verifier,
// which accepts it holder-bound with only the disclosed field; the same
// presentation again is refused as a replay; after Hefei revokes the
// licence, a fresh presentation is NOT VALID (revoked); the holder, signing
// Wuhu's challenge with the wallet key, sees the three verifications.
func TestAHolderPresentsToWuhuOnceAndSeesWhoVerified(t *testing.T) {
	env := nettest.Get(t)
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)
	const agency, sealID, id = "present-agency", "present-seal", "PRESENT-0001"
	seal := hefeiAgency(t, env, agency, sealID, now)

	walletDir, issued := walletHolder(t, env, dir, agency, sealID, id, "340104199001011234", seal,
		issuance.Fields{"name": "合肥出示科技", "creditCode": "91340100MA2PRES01Q"}, now)

	wuhu := gatewayAs(t, env, "wuhu", "verifier")
	gwArgs := []string{"--url", wuhu.url, "--key", wuhu.key}
	nettest.Eventually(t, 30*time.Second, func() error { // Wuhu's cache has the licence
		var v api.Verdict
		if st := wuhu.call(http.MethodPost, "/v1/verify", api.VerifyRequest{LicenceID: id}, &v); st != http.StatusOK || v.Status == "" {
			return fmt.Errorf("Wuhu does not know %s yet: %d %+v", id, st, v)
		}
		if v.Assurance != api.AssuranceStatusOnly || v.HolderVerified {
			t.Errorf("a bare lookup: %+v", v)
		}
		return nil
	})
	// present asks Wuhu for a nonce (as its verifier) and has the wallet
	// present the name to it.
	present := func() string {
		var n api.Nonce
		out, errOut, err := cli(t, env, append([]string{"verify", "nonce", "--json"}, gwArgs...)...)
		if err != nil || json.Unmarshal([]byte(out), &n) != nil || n.Audience != "WuhuMSP" {
			t.Fatalf("verify nonce: %v %q\n%s", err, out, errOut)
		}
		out, errOut, err = cli(t, env, "wallet", "present", id, "--disclose", "name", "--nonce", n.Nonce, "--audience", n.Audience, "--wallet", walletDir)
		if err != nil {
			t.Fatalf("wallet present: %v\n%s", err, errOut)
		}
		return strings.TrimSpace(out)
	}
	// verify has Wuhu's verifier check a presentation: the verdict (exit 0
	// or 3), or the refusal's code (exit 1), as printed with --json.
	verify := func(p string) (api.PresentationVerdict, string, error) {
		var v api.PresentationVerdict
		var refusal struct{ Code string }
		out, errOut, err := cli(t, env, append([]string{"verify", "--presentation", p, "--purpose", "tenancy", "--json"}, gwArgs...)...)
		into := any(&v)
		if exitOf(err) == 1 {
			into = &refusal
		}
		if jerr := json.Unmarshal([]byte(out), into); jerr != nil {
			t.Fatalf("verify --presentation printed %q: %v\n%s", out, jerr, errOut)
		}
		return v, refusal.Code, err
	}

	p := present()
	v, code, err := verify(p)
	if err != nil || !v.Valid || !v.HolderVerified || v.Assurance != api.AssuranceHolderBound {
		t.Fatalf("the first presentation: %v %s %+v", err, code, v)
	}
	if len(v.Disclosed) != 1 || v.Disclosed[0] != (api.DisclosedField{Name: "name", Value: "合肥出示科技"}) {
		t.Errorf("disclosed: %+v (creditCode must stay hidden)", v.Disclosed)
	}
	if _, code, err := verify(p); exitOf(err) != 1 || code != api.CodeNonceUsed {
		t.Errorf("the replay: exit %d, code %s", exitOf(err), code)
	}
	// A batch: each item answered on its own, the replay refused alone.
	batch := api.PresentationBatch{Items: []api.PresentationRequest{{Presentation: present()}, {Presentation: p}, {Presentation: present()}}}
	for i, it := range batch.Items {
		pp, err := presentation.Parse(it.Presentation)
		if err != nil {
			t.Fatal(err)
		}
		batch.Items[i].Nonce, batch.Items[i].Purpose = pp.Nonce, "tenancy"
	}
	var outs api.PresentationBatchVerdicts
	if st := wuhu.call(http.MethodPost, "/v1/presentations/verify/batch", batch, &outs); st != http.StatusOK || len(outs.Outcomes) != 3 {
		t.Fatalf("a batch: %d %+v", st, outs)
	}
	for i, o := range outs.Outcomes {
		if ok := o.Status == http.StatusOK && o.Verdict != nil && o.Verdict.Valid && o.Verdict.HolderVerified; ok == (i == 1) {
			t.Errorf("batch item %d: %+v %+v", i, o.Verdict, o.Error)
		}
	}
	if e := outs.Outcomes[1].Error; e == nil || outs.Outcomes[1].Status != http.StatusConflict || e.Code != api.CodeNonceUsed {
		t.Errorf("the replay in a batch: %d %+v", outs.Outcomes[1].Status, e)
	}

	mustSubmit(t, contract(t, env, "hefei", "User1", "licence"), "Revoke", id, "FRAUD", "")
	nettest.Eventually(t, 30*time.Second, func() error { // each try a fresh nonce and presentation
		v, code, err := verify(present())
		if v.Status != record.StatusRevoked {
			return fmt.Errorf("Wuhu does not see the revocation yet: %+v %s", v, code)
		}
		if exitOf(err) != 3 || v.Valid || !v.HolderVerified {
			t.Errorf("the revoked licence: exit %d %+v", exitOf(err), v)
		}
		return nil
	})

	// The holder's view at Wuhu, signed with the wallet key, no API key.
	out, errOut, err := cli(t, env, "wallet", "activity", "--url", wuhu.url, "--wallet", walletDir, "--json")
	if err != nil {
		t.Fatalf("wallet activity: %v\n%s", err, errOut)
	}
	var acts []struct {
		URL string
		api.HolderActivity
	}
	if err := json.Unmarshal([]byte(out), &acts); err != nil || len(acts) != 1 {
		t.Fatalf("wallet activity printed %q: %v", out, err)
	}
	vs := acts[0].Verifications
	if len(vs) < 3 || vs[0].Outcome != "valid" || vs[1].Outcome != api.CodeNonceUsed || vs[len(vs)-1].Outcome != api.CheckStatus {
		t.Fatalf("verifications: %+v", vs)
	}
	for _, e := range vs {
		if e.LicenceID != id || e.VerifierMSP != "WuhuMSP" || e.Audience != "WuhuMSP" || e.Purpose != "tenancy" || e.HolderPseudonym != issued.Request.Content.HolderPseudonym {
			t.Errorf("verification entry: %+v", e)
		}
	}
}

// walletHolder makes a holder's wallet in dir, has Hefei's issuer of agency
// (sealing with seal under sealID) issue licence id of Anhui's
// business-licence type to the wallet's key, for a citizen and with the
// given name and credit code, the issuance tooling writing the holder's
// credential, and imports it into the wallet. It returns the wallet's
// directory and the issuance.
func walletHolder(t *testing.T, env *nettest.Env, dir, agency, sealID, id, citizenID string, seal *gm.PrivateKey, fields issuance.Fields, now time.Time) (string, *issuance.Issued) {
	t.Helper()
	walletDir := filepath.Join(dir, "wallet")
	out, errOut, err := cli(t, env, "wallet", "init", "--wallet", walletDir, "--json")
	var key struct{ PublicKey string }
	if err != nil || json.Unmarshal([]byte(out), &key) != nil || key.PublicKey == "" {
		t.Fatalf("wallet init: %v %q\n%s", err, out, errOut)
	}
	typ := record.LicenceType{Code: "business-licence", MaxValidityDays: 3650, Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true},
		{Name: "creditCode", Type: record.FieldString, Required: true}}}
	draft := issuance.Draft{ID: id, Type: typ.Code, AgencyID: agency, Region: "340100", SealKeyID: sealID,
		Holder: issuance.Holder{CitizenID: citizenID, PublicKey: key.PublicKey}, Fields: fields, ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(0, 6, 0)}
	issued, err := issuance.Seal(draft, &typ, seal, []byte("anhui-province-secret"))
	if err != nil {
		t.Fatal(err)
	}
	issue(t, contract(t, env, "hefei", "User1", "licence"), issued.Request.Content, issued.Request.Signature)
	credFile, err := issuance.WriteCredential(dir, issued.Credential)
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := cli(t, env, "wallet", "import", credFile, "--wallet", walletDir); err != nil {
		t.Fatalf("wallet import: %v\n%s", err, errOut)
	}
	return walletDir, issued
}
