package integration

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/network/nettest"
)

// pageAgency sets up an agency of Hefei for the issuer's page, as an agency
// would: its seal key made by `seal keygen` (the PEM file it answers), a
// type of the province with the fields name, creditCode and founded, the
// province's grant, the seal key registered by Hefei's admin, and Hefei's
// issuer key bound to the agency.
func pageAgency(t *testing.T, env *nettest.Env, dir, agency, sealID, typ string, now time.Time) (pem string, issuer gw) {
	t.Helper()
	pem = filepath.Join(dir, "seal.pem")
	out, _, err := cli(t, env, "seal", "keygen", "--out", pem, "--json")
	var keygen struct{ PublicKey string }
	if err != nil || json.Unmarshal([]byte(out), &keygen) != nil {
		t.Fatalf("seal keygen: %v %q", err, out)
	}
	anhuiAdmin := gatewayAs(t, env, "anhui", keys.RoleAdmin)
	anhuiAdmin.must(http.MethodPut, "/v1/registry/types/"+typ, api.LicenceTypeRequest{Name: "页面测试证照", MaxValidityDays: 730,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}, {Name: "creditCode", Type: record.FieldString, Required: true},
			{Name: "founded", Type: record.FieldDate}}}, nil)
	anhuiAdmin.must(http.MethodPost, "/v1/registry/accreditations", api.AccreditationRequest{AgencyID: agency, MSPID: "HefeiMSP",
		Types: []string{typ}, Region: "340100", ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(2, 0, 0)}, nil)
	hefeiAdmin := gatewayAs(t, env, "hefei", keys.RoleAdmin)
	nettest.Eventually(t, 15*time.Second, func() error {
		if st := hefeiAdmin.call(http.MethodGet, "/v1/registry/accreditations/"+agency, nil, nil); st != http.StatusOK {
			return fmt.Errorf("Hefei's gateway does not know accreditation %s yet: %d", agency, st)
		}
		return nil
	})
	hefeiAdmin.must(http.MethodPost, "/v1/registry/seals", api.SealKeyRequest{KeyID: sealID, AgencyID: agency,
		PublicKey: keygen.PublicKey, ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(2, 0, 0)}, nil)
	issuer = gatewayAs(t, env, "hefei", "issuer")
	bindIssuer(t, hefeiAdmin, issuer, agency)
	nettest.Eventually(t, 15*time.Second, func() error { // Hefei's cache has the type and the seal key
		if st := issuer.call(http.MethodGet, "/v1/registry/types/"+typ, nil, nil); st != http.StatusOK {
			return fmt.Errorf("Hefei's gateway does not know type %s yet: %d", typ, st)
		}
		return nil
	})
	return pem, issuer
}

// onLedger reads a licence from Hefei's peer.
func onLedger(issuer gw, id string) record.Licence {
	var l api.Read[record.Licence]
	issuer.must(http.MethodGet, "/v1/licences/"+id+"?fresh=true", nil, &l)
	return l.Data
}

// TestTheIssuerPageIssuesAndChangesLicencesOnTheNetwork: a clerk of a
// Hefei agency opens Hefei's issuer page in Chromium and, with the
// keyboard alone, signs in with Hefei's issuer key, gives the agency's seal
// key (made by `seal keygen`) and the province's salt file, and issues a
// licence from the form to a wallet's key. The downloaded credential file
// imports into that wallet, and Wuhu verifies the licence VALID with the
// fields it discloses; the ledger holds the holder pseudonym of the salt
// file, and no clear value. The page then renews the licence (sealed in
// the tab), suspends, reinstates and revokes it with reason codes, each
// seen on the ledger; Wuhu then finds it NOT VALID. In Chinese, a drafts
// file of 53 goes in two transactions, the progress announced at 50 and
// 53, and the ZIP of the 53 credential files holds one Wuhu verifies. The
// page passes axe in each state, with no console error or policy
// violation; screenshots of each are test artefacts.
func TestTheIssuerPageIssuesAndChangesLicencesOnTheNetwork(t *testing.T) {
	env := nettest.Get(t)
	dir, downloads := t.TempDir(), t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)
	const agency, sealID, typ, id, citizen = "hefei-page", "hefei-page-seal", "page-licence", "PAGE-NET-1", "340104199303031234"
	pem, issuer := pageAgency(t, env, dir, agency, sealID, typ, now)
	salt, err := env.Net.Home.EnsureProvinceSalt("anhui")
	if err != nil {
		t.Fatal(err)
	}
	walletDir := filepath.Join(dir, "wallet")
	out, errOut, err := cli(t, env, "wallet", "init", "--wallet", walletDir, "--json")
	var holder struct{ PublicKey string }
	if err != nil || json.Unmarshal([]byte(out), &holder) != nil {
		t.Fatalf("wallet init: %v %q\n%s", err, out, errOut)
	}
	wuhu := gatewayAs(t, env, "wuhu", "verifier")
	verdict := func(req api.VerifyRequest, valid bool) api.Verdict { // Wuhu's, once it is the one wanted
		var v api.Verdict
		nettest.Eventually(t, 30*time.Second, func() error {
			if st := wuhu.call(http.MethodPost, "/v1/verify", req, &v); st != http.StatusOK || v.Valid != valid {
				return fmt.Errorf("Wuhu's verdict on %s: %d %+v", req.LicenceID, st, v)
			}
			return nil
		})
		return v
	}

	b := browsertest.Start(t, browsertest.Options{})
	b.SaveDownloads(downloads)
	p := pagetest.OpenIssuer(b, issuer.url, "en")
	b.CheckAccessibility()
	p.SignIn(issuer.key)
	if got := p.UseAgency(pem, env.Net.Home.ProvinceSaltFile("anhui"), sealID, agency); got != "Seal key "+sealID+" matches the ledger. Agency "+agency+" may issue: "+typ+"." {
		t.Fatalf("the agency's files: %q", got)
	}
	fields := map[string]string{"name": "合肥页面网络科技", "creditCode": "91340100MA2PAGE02Q"}
	if got := p.Issue(pagetest.Licence{ID: id, Type: typ, CitizenID: citizen, HolderKey: holder.PublicKey, Fields: fields}); got != "issued" {
		t.Fatalf("the form's licence: %s: %s", got, p.Text("#one-details"))
	}
	b.CheckAccessibility()
	b.Screenshot("network-issue-issued")

	// The credential file, downloaded: the wallet takes it as its own, and
	// Wuhu verifies every field it discloses.
	p.Download("one-download", downloads)
	credFile := filepath.Join(downloads, id+".json")
	if _, errOut, err := cli(t, env, "wallet", "import", credFile, "--wallet", walletDir); err != nil {
		t.Fatalf("wallet import of the downloaded file: %v\n%s", err, errOut)
	}
	c, err := issuance.ReadCredential(credFile)
	if err != nil {
		t.Fatal(err)
	}
	disclosed, err := issuance.Disclosed(c, nil)
	if err != nil || len(disclosed) != 2 {
		t.Fatalf("disclosed: %v %v", disclosed, err)
	}
	verify := api.VerifyRequest{LicenceID: id, Disclosed: disclosed}
	if v := verdict(verify, true); v.Status != record.StatusActive {
		t.Errorf("Wuhu: %+v", v)
	}
	l := onLedger(issuer, id)
	pseudonym, _ := credential.HolderPseudonym(salt, citizen)
	raw, _ := json.Marshal(l)
	if l.HolderPseudonym != pseudonym || l.HolderPublicKey != holder.PublicKey || strings.Contains(string(raw), citizen) || strings.Contains(string(raw), "91340100MA2PAGE02Q") {
		t.Errorf("the ledger's licence: %s", raw)
	}

	// Renewed, suspended, reinstated and revoked from the page, each on the ledger.
	if got := p.Find(id); got != "active" {
		t.Fatalf("looked up: %q", got)
	}
	if got := p.Change("renew", "", ""); got != "done" {
		t.Fatalf("renew: %s: %s", got, p.Text("#change-details"))
	}
	if renewed := onLedger(issuer, id); !renewed.ValidTo.After(l.ValidTo) || renewed.ValidTo.Format(time.RFC3339) != p.LicenceFact("to") || renewed.Revision != l.Revision+1 {
		t.Errorf("renewed to %s (the page says %s), from %s", renewed.ValidTo, p.LicenceFact("to"), l.ValidTo)
	}
	b.CheckAccessibility()
	b.Screenshot("network-issue-renewed")
	for _, ch := range []struct {
		action, reason, text string
		status               record.Status
	}{
		{"suspend", "COURT_ORDER", "", record.StatusSuspended},
		{"reinstate", "ISSUE_RESOLVED", "", record.StatusActive},
		{"revoke", "FRAUD", "申请材料系伪造（案卷 2026-031）", record.StatusRevoked},
	} {
		if got := p.Change(ch.action, ch.reason, ch.text); got != "done" {
			t.Fatalf("%s: %s: %s", ch.action, got, p.Text("#change-details"))
		}
		want := ch.reason
		if ch.text != "" {
			want += ":" + gm.SM3Hex([]byte(ch.text))
		}
		l := onLedger(issuer, id)
		if last := l.StatusHistory[len(l.StatusHistory)-1]; l.Status != ch.status || last.Reason != want || p.LicenceFact("status") != string(ch.status) {
			t.Errorf("%s: the ledger says %s for %q, the page %s", ch.action, l.Status, last.Reason, p.LicenceFact("status"))
		}
	}
	if v := verdict(verify, false); v.Status != record.StatusRevoked {
		t.Errorf("Wuhu after the revocation: %+v", v)
	}
	b.CheckAccessibility()
	b.Screenshot("network-issue-revoked")

	// In Chinese, a drafts file of 53: two transactions, the progress announced.
	var drafts []issuance.Draft
	for i := range 53 {
		h, _ := gm.GenerateKey()
		drafts = append(drafts, issuance.Draft{ID: fmt.Sprintf("PAGE-NET-B%02d", i+1), Type: typ, AgencyID: agency, Region: "340104", SealKeyID: sealID,
			Holder: issuance.Holder{CitizenID: citizen, PublicKey: h.Public().Hex()}, Fields: issuance.Fields{"name": fmt.Sprintf("批量 %d 号", i+1),
				"creditCode": "91340100MA2PAGE03Q", "founded": "2020-02-29"}, ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(1, 0, 0)})
	}
	list, _ := json.Marshal(drafts)
	draftsFile := filepath.Join(dir, "drafts.json")
	if err := os.WriteFile(draftsFile, list, 0o600); err != nil {
		t.Fatal(err)
	}
	b.TabTo("lang-zh", 150)
	b.Press(browsertest.Enter)
	b.WaitText("h1", "签发电子证照")
	p.SignedIn()
	if got := p.UseAgency(pem, env.Net.Home.ProvinceSaltFile("anhui"), sealID, agency); !strings.HasPrefix(got, "印章 "+sealID+" 与账本登记一致") {
		t.Fatalf("the agency's files, in Chinese: %q", got)
	}
	outcome, announced := p.Batch(draftsFile)
	rows := p.BatchRows()
	if outcome != "issued" || len(rows) != 53 || rows["PAGE-NET-B53"] != "issued" {
		t.Fatalf("the batch: %s, %d rows: %s", outcome, len(rows), p.Text("#batch-details"))
	}
	joined := strings.Join(announced, "\n")
	if !strings.Contains(joined, "已签发 50 / 53 [50/53]") || !strings.HasSuffix(joined, "全部 53 张已签发。 [53/53]") {
		t.Errorf("announced:\n%s", joined)
	}
	if a, z := onLedger(issuer, "PAGE-NET-B01"), onLedger(issuer, "PAGE-NET-B53"); a.IssueTxID == z.IssueTxID || a.IssueTxID != onLedger(issuer, "PAGE-NET-B50").IssueTxID {
		t.Errorf("transactions of licences 1, 50 and 53: %s, %s", a.IssueTxID, z.IssueTxID)
	}
	b.CheckAccessibility()
	b.Screenshot("network-issue-batch-zh")
	archive := p.Download("batch-zip", downloads)
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil || len(zr.File) != 53 {
		t.Fatalf("the ZIP: %v", err)
	}
	f, err := zr.Open("PAGE-NET-B53.json")
	if err != nil {
		t.Fatal(err)
	}
	last, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	lc, err := issuance.DecodeCredentialFile(last)
	if err != nil {
		t.Fatal(err)
	}
	if disclosed, err = issuance.Disclosed(lc, []string{"name", "founded"}); err != nil {
		t.Fatal(err)
	}
	verdict(api.VerifyRequest{LicenceID: "PAGE-NET-B53", Disclosed: disclosed}, true)
	b.NoProblems()
}
