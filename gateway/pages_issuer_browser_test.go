package gateway

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
)

// issuerFiles writes what an agency keeps: its seal key (PEM) and its
// province's salt file; it answers their paths and the salt.
func issuerFiles(t *testing.T, dir string, seal *gm.PrivateKey) (pem, saltFile string, salt []byte) {
	t.Helper()
	pem, saltFile = filepath.Join(dir, "seal.pem"), filepath.Join(dir, "salt.hex")
	salt = []byte("hefei-page-test-province-salt-32")
	if err := issuance.WriteSealKey(pem, seal); err != nil {
		t.Fatal(err)
	}
	if err := issuance.WriteProvinceSalt(saltFile, salt); err != nil {
		t.Fatal(err)
	}
	return pem, saltFile, salt
}

// The issuer's page over the real chaincode, with the keyboard alone: a
// key of another role is told it is no issuer's; a seal key other than the
// registered one is refused before anything is sealed; a licence issued
// from the form is on the ledger exactly as its downloaded credential file
// holds it, sealed by the agency's key for the holder's key and pseudonym;
// issuing it again answers ALREADY_EXISTS; a draft with a holder key that
// is none is refused by the module, nothing sent; reinstating an active licence
// answers INVALID_TRANSITION, OTHER needs an explanation, suspension and
// revocation are on the ledger with their codes; a drafts file of three
// gives three licences and a ZIP of their credential files. The page
// passes axe in each state, in both languages.
func TestTheIssuerPageSealsInTheTabAndShowsTheLedgersAnswers(t *testing.T) {
	w := newWorld(t)
	// The browser's clock is the real one; the chain's, an hour ahead and
	// a second further for each transaction, stays after it for the test,
	// so a licence valid from the page's "now" is valid on the chain.
	w.chain.now = time.Now().UTC().Truncate(time.Second).Add(time.Hour)
	seal := w.registry(t)
	dir, downloads := t.TempDir(), t.TempDir()
	pem, saltFile, salt := issuerFiles(t, dir, seal)
	b := browsertest.Start(t, browsertest.Options{})
	b.SaveDownloads(downloads)

	p := pagetest.OpenIssuer(b, w.srv.URL, "en")
	b.CheckAccessibility()
	p.SignIn(w.keys["Verifier"])
	b.WaitText("#module-status", "This key has no issuer role: the page's operations would be refused.")
	b.TabTo("signout", 40)
	b.Press(browsertest.Enter)
	p.SignIn(w.keys["Issuer"])
	b.WaitText("#module-status", "")

	other, _ := gm.GenerateKey()
	otherPEM := filepath.Join(dir, "other.pem")
	if err := issuance.WriteSealKey(otherPEM, other); err != nil {
		t.Fatal(err)
	}
	if got := p.UseAgency(otherPEM, saltFile, "seal-1", "hefei-amr"); !strings.HasPrefix(got, "the seal key given is not the key registered as seal-1") {
		t.Errorf("another seal key: %q", got)
	}
	if got := p.UseAgency(pem, saltFile, "seal-1", "hefei-amr"); got != "Seal key seal-1 matches the ledger. Agency hefei-amr may issue: business-licence." {
		t.Fatalf("the agency's seal key: %q", got)
	}
	b.CheckAccessibility()

	holder, _ := gm.GenerateKey()
	l := pagetest.Licence{ID: "PAGE-1", Type: "business-licence", CitizenID: "340104199001011234", HolderKey: holder.Public().Hex(),
		Fields: map[string]string{"name": "合肥页面签发"}}
	if got := p.Issue(l); got != "issued" {
		t.Fatalf("the form's licence: %s (%s)", got, p.Text("#one-details"))
	}
	if p.Text("#one-licence") != "PAGE-1" || p.Text("#one-block") == "" || p.Text("#one-tx") == "" {
		t.Errorf("the answer: %s", p.Text("#one-details"))
	}
	b.CheckAccessibility()
	b.Screenshot("issue-issued")
	file := p.Download("one-download", downloads)
	c, err := issuance.DecodeCredentialFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var onLedger api.Read[record.Licence]
	w.must("Issuer", http.MethodGet, "/v1/licences/PAGE-1?fresh=true", nil, &onLedger)
	pseudonym, _ := credential.HolderPseudonym(salt, l.CitizenID)
	sig, _ := hex.DecodeString(onLedger.Data.Signature)
	if !reflect.DeepEqual(onLedger.Data.Content, c.Content) || !bytes.Equal(sig, c.Seal) || credential.Verify(seal.Public(), c.Content, c.Seal) != nil ||
		c.Content.HolderPublicKey != l.HolderKey || c.Content.HolderPseudonym != pseudonym || c.Check() != nil {
		t.Errorf("the credential file %+v is not the licence on the ledger %+v", c.Content, onLedger.Data.Content)
	}
	if len(c.Disclosures) != 1 || c.Disclosures[0].Value != "合肥页面签发" {
		t.Errorf("disclosures: %+v", c.Disclosures)
	}

	if got := p.Issue(l); got != "refused" || !strings.HasPrefix(p.Text("#one-details"), "ALREADY_EXISTS: ") {
		t.Errorf("issued twice: %s %q", got, p.Text("#one-details"))
	}
	l.ID, l.HolderKey = "PAGE-2", "04abcd"
	if got := p.Issue(l); got != "refused" || !strings.Contains(p.Text("#one-details"), "Not sealed, nothing sent:licence PAGE-2: holder.publicKey") {
		t.Errorf("a holder key that is none: %s %q", got, p.Text("#one-details"))
	}
	b.CheckAccessibility()
	b.Screenshot("issue-refused")

	if got := p.Find("PAGE-1"); got != "active" {
		t.Fatalf("looked up: %q", got)
	}
	if got := p.Change("reinstate", "ISSUE_RESOLVED", ""); got != "refused" || !strings.HasPrefix(p.Text("#change-details"), "INVALID_TRANSITION: ") {
		t.Errorf("reinstating an active licence: %s %q", got, p.Text("#change-details"))
	}
	p.Prepare("suspend", "OTHER", "")
	b.TabTo("apply", 40)
	b.Press(browsertest.Enter)
	b.WaitText("#change-status", "With Other, give an explanation.")
	if got := b.Focused(); got != "reason-text" {
		t.Errorf("after OTHER without a text the focus is on %q", got)
	}
	if got := p.Change("suspend", "INVESTIGATION", "案卷 2026-17"); got != "done" || p.LicenceFact("status") != "suspended" {
		t.Errorf("suspended: %s, %q: %s", got, p.LicenceFact("status"), p.Text("#change-details"))
	}
	if want := "INVESTIGATION:" + gm.SM3Hex([]byte("案卷 2026-17")); p.LicenceFact("change") != want {
		t.Errorf("the suspension's reason: %q, want %q", p.LicenceFact("change"), want)
	}
	b.CheckAccessibility()
	b.Screenshot("issue-suspended")

	// In Chinese: a revocation with its code. The page opened again has
	// forgotten the agency's files, which a status change does not need.
	b.TabTo("lang-zh", 150)
	b.Press(browsertest.Enter)
	b.WaitText("h1", "签发电子证照")
	p.SignedIn()
	if got := p.Find("PAGE-1"); got != "suspended" {
		t.Fatalf("looked up: %q", got)
	}
	if got := p.Change("revoke", "ISSUED_IN_ERROR", ""); got != "done" || p.LicenceFact("status") != "revoked" || p.LicenceFact("change") != "ISSUED_IN_ERROR" {
		t.Errorf("revoked: %s, %q %q", got, p.LicenceFact("status"), p.LicenceFact("change"))
	}
	if got := p.Text("#change-outcome"); got != "已撤销: PAGE-1" {
		t.Errorf("in Chinese: %q", got)
	}
	if got := p.Change("reinstate", "ISSUE_RESOLVED", ""); got != "refused" || p.Text("#change-details") != "INVALID_TRANSITION: 证照当前的状态不允许此操作。" {
		t.Errorf("a reinstatement of a revoked licence, in Chinese: %s %q", got, p.Text("#change-details"))
	}
	b.CheckAccessibility()
	b.Screenshot("issue-revoked-zh")

	// A drafts file of three, after the agency is given again.
	if got := p.UseAgency(pem, saltFile, "seal-1", "hefei-amr"); !strings.HasPrefix(got, "印章 seal-1 与账本登记一致") {
		t.Fatalf("the agency, in Chinese: %q", got)
	}
	var drafts []issuance.Draft
	now := time.Now().UTC().Truncate(time.Second)
	for _, id := range []string{"PAGE-B1", "PAGE-B2", "PAGE-B3"} {
		h, _ := gm.GenerateKey()
		drafts = append(drafts, issuance.Draft{ID: id, Type: "business-licence", AgencyID: "hefei-amr", Region: "340104", SealKeyID: "seal-1",
			Holder: issuance.Holder{CitizenID: "340104199001011234", PublicKey: h.Public().Hex()}, Fields: issuance.Fields{"name": "批量 " + id},
			ValidFrom: now, ValidTo: now.AddDate(1, 0, 0)})
	}
	list, _ := json.Marshal(drafts)
	draftsFile := filepath.Join(dir, "drafts.json")
	if err := os.WriteFile(draftsFile, list, 0o600); err != nil {
		t.Fatal(err)
	}
	outcome, announced := p.Batch(draftsFile)
	if rows := p.BatchRows(); outcome != "issued" || len(rows) != 3 || rows["PAGE-B3"] != "issued" {
		t.Fatalf("the batch: %s %v", outcome, rows)
	}
	if last := announced[len(announced)-1]; last != "全部 3 张已签发。 [3/3]" {
		t.Errorf("announced: %q", announced)
	}
	archive := p.Download("batch-zip", downloads)
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil || len(zr.File) != 3 || zr.File[2].Name != "PAGE-B3.json" {
		t.Fatalf("the ZIP: %v", err)
	}
	b.CheckAccessibility()
	b.Screenshot("issue-batch-zh")
	b.NoProblems()
}
