package gateway

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	qr "github.com/piglig/go-qr"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/internal/presentation"
)

// walletFiles writes the holder's key file and the credential file of a
// licence id sealed for holder by the world's agency (issued on the
// world's ledger if issue), with the fields name and the pseudonym of
// BL-1's holder; it answers their paths and the credential.
func (w *holderWorld) walletFiles(t *testing.T, dir, id string, holder *gm.PrivateKey, issue bool) (keyFile, credFile string, c credential.Credential) {
	t.Helper()
	typ := record.LicenceType{Code: "business-licence", MaxValidityDays: 3650, Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}
	now := w.chain.Now()
	d := issuance.Draft{ID: id, Type: typ.Code, AgencyID: "hefei-amr", Region: "340104", SealKeyID: "seal-1",
		Holder: issuance.Holder{CitizenID: "340104199001011234", PublicKey: holder.Public().Hex()}, Fields: issuance.Fields{"name": "合肥钱包科技"},
		ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(0, 6, 0)}
	issued, err := issuance.Seal(d, &typ, w.seal, []byte("province-secret-salt"))
	if err != nil {
		t.Fatal(err)
	}
	if issue {
		w.must("Issuer", http.MethodPost, "/v1/licences", issued.Request, nil)
	}
	pem, err := holder.PEM()
	if err != nil {
		t.Fatal(err)
	}
	keyFile = filepath.Join(dir, id+"-holder.pem")
	if err := os.WriteFile(keyFile, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	if credFile, err = issuance.WriteCredential(dir, issued.Credential); err != nil {
		t.Fatal(err)
	}
	return keyFile, credFile, issued.Credential
}

// The citizen's page, in a real browser and with the keyboard alone: a
// text that is no key is refused; the wallet key file opens the wallet
// and nothing reaches the browser's storage; of two credential files the
// one issued to that key is added and listed active, the other refused as
// another key's. A verifier's code read by the camera and one field ticked
// make a presentation in the page that verifies against the licence with
// that field alone, and the QR code the page draws decodes to it. The list
// of who verified shows the gateway's verification and the ledger's access;
// after a revocation, asking again shows the licence revoked, in Chinese
// too, with the key and the credential pasted this time; "Forget" empties
// the page. Each state passes axe, with no console
// error or policy violation.
func TestTheCitizenPageHoldsAWalletInTheTab(t *testing.T) {
	w := newHolderWorld(t)
	dir := t.TempDir()
	keyFile, mine, cred := w.walletFiles(t, dir, "BL-W1", w.holder, true)
	stranger, _ := gm.GenerateKey()
	_, theirs, _ := w.walletFiles(t, t.TempDir(), "BL-W2", stranger, false)
	video := filepath.Join(dir, "camera.y4m")
	b := browsertest.Start(t, browsertest.Options{FakeVideo: video})
	p := pagetest.OpenWallet(b, w.srv.URL, "en")
	b.WaitText("h1", "My e-licences")
	b.CheckAccessibility()
	b.Screenshot("wallet-closed")

	if got := p.PasteKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"); !strings.HasPrefix(got, "This is not an SM2 private key") {
		t.Errorf("a text that is no key: %q", got)
	}
	if got := p.UploadKey(keyFile); got != "" {
		t.Fatalf("the wallet key: %q", got)
	}
	if stored := browsertest.Eval[int](b, `sessionStorage.length + localStorage.length`); stored != 0 {
		t.Errorf("%d items in the browser's storage", stored)
	}
	added := p.UploadCredentials(mine, theirs)
	if len(added) != 2 || added[0].Licence != "BL-W1" || added[1].Licence != "" || added[1].Code != "NOT_HELD" ||
		!strings.Contains(added[1].Text, "issued to another wallet key") {
		t.Fatalf("the credentials given: %+v", added)
	}
	if got := p.Statuses(); len(got) != 1 || got["BL-W1"] != "active" {
		t.Errorf("statuses: %v", got)
	}
	b.CheckAccessibility()
	b.Screenshot("wallet-licences")

	// The verifier's code, as the verifier's page shows it, to the camera.
	n := w.nonce(t)
	code, err := json.Marshal(map[string]any{"nonce": n, "audience": "HefeiMSP", "expiresAt": time.Now().Add(5 * time.Minute).UTC()})
	if err != nil {
		t.Fatal(err)
	}
	if err := browsertest.WriteQRVideo(video, string(code)); err != nil {
		t.Fatal(err)
	}
	if aud := p.ScanNonce(); aud != "HefeiMSP" {
		t.Errorf("the verifier read: %q", aud)
	}
	p.Choose("name")
	text := p.Present()
	pr, err := presentation.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := presentation.Verify(pr, cred.Content, presentation.Expect{Nonce: n, Audience: "HefeiMSP", Now: time.Now()})
	if err != nil || len(ds) != 1 || ds[0].Name != "name" || ds[0].Value != "合肥钱包科技" {
		t.Errorf("the page's presentation: %v %+v", err, ds)
	}
	img, err := png.Decode(bytes.NewReader(p.QR()))
	if err != nil {
		t.Fatal(err)
	}
	if back, err := qr.Decode(img); err != nil || back != text {
		t.Errorf("the page's QR code decodes to %q (%v), want the presentation", back, err)
	}
	b.CheckAccessibility()
	b.Screenshot("wallet-presentation")

	// A verification at the gateway (at the world's time), and an access.
	pres, err := presentation.Make(w.holder, "BL-W1", cred.Disclosures, n, "HefeiMSP", w.chain.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st, _, code := w.verify(api.PresentationRequest{Presentation: pres, Nonce: n}); st != http.StatusOK {
		t.Fatalf("the gateway's verification: %d %s", st, code)
	}
	w.holderAccess(t)
	p.Refresh()
	if vs := p.Verifications(); len(vs) != 1 || vs[0].Licence != "BL-W1" || vs[0].Outcome != "valid" || !strings.Contains(vs[0].Text, "HefeiMSP") {
		t.Errorf("who verified: %+v", vs)
	}
	if rows := browsertest.Eval[int](b, `document.querySelectorAll('#accesses tbody tr[data-kind="access"]').length`); rows != 1 {
		t.Errorf("%d accesses listed, want 1", rows)
	}
	b.CheckAccessibility()
	b.Screenshot("wallet-activity")

	w.must("Issuer", http.MethodPost, "/v1/licences/BL-W1/revoke", map[string]string{"reason": "FRAUD"}, nil)
	p.Refresh()
	if got := p.Statuses()["BL-W1"]; got != "revoked" {
		t.Errorf("after the revocation: %q", got)
	}

	// In Chinese: leaving the page forgot the wallet.
	p = pagetest.OpenWallet(b, w.srv.URL, "zh")
	if !browsertest.Eval[bool](b, `document.getElementById('work').hidden`) {
		t.Error("the wallet outlived the page")
	}
	pem, err := os.ReadFile(keyFile) // pasted, this time
	if err != nil {
		t.Fatal(err)
	}
	if got := p.PasteKey(string(pem)); got != "" {
		t.Fatalf("the wallet key pasted: %q", got)
	}
	file, err := os.ReadFile(mine)
	if err != nil {
		t.Fatal(err)
	}
	if added := p.PasteCredential(string(file)); len(added) != 1 || added[0].Licence != "BL-W1" {
		t.Fatalf("the credential pasted: %+v", added)
	}
	if got := strings.TrimSpace(b.Text(`#licences td[data-status]`)); !strings.Contains(got, "已撤销") || !strings.Contains(got, "FRAUD") {
		t.Errorf("in Chinese, the status: %q", got)
	}
	b.CheckAccessibility()
	b.Screenshot("wallet-revoked-zh")
	p.Forget()
	if !browsertest.Eval[bool](b, `document.getElementById('work').hidden && document.querySelectorAll('#licences tbody tr').length === 0`) {
		t.Error("forgetting kept the licences")
	}
	b.NoProblems()
}
