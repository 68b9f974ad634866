package integration

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	qr "github.com/piglig/go-qr"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestTheCitizenPagesPresentationIsAcceptedByTheVerifierPage: Hefei
// issues a licence to a wallet. In one Chromium, with the keyboard alone
// (files chosen as a file dialog does), the citizen opens Wuhu's citizen
// page with the wallet's key file and gives it the licence's credential
// file and one issued to another key: the first is listed active, the
// other refused. A clerk signed in on Wuhu's verifier page in a second tab
// shows a nonce's QR code; the citizen's page reads it with the camera,
// the citizen ticks one field, and the page makes the presentation and its
// QR code; the verifier page's camera reads that: VALID, with that field
// alone disclosed. The citizen's page then lists that verification, and
// after Hefei revokes the licence shows it revoked, in English and in
// Chinese. Both pages pass axe in each state, with no console error or
// policy violation; screenshots of each are test artefacts.
func TestTheCitizenPagesPresentationIsAcceptedByTheVerifierPage(t *testing.T) {
	env := nettest.Get(t)
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)
	const agency, sealID, id = "citizen-agency", "citizen-seal", "CITIZEN-0001"
	seal := hefeiAgency(t, env, agency, sealID, now)
	fields := issuance.Fields{"name": "合肥公民科技", "creditCode": "91340100MA2CITZ01Q"}
	walletDir, _ := walletHolder(t, env, dir, agency, sealID, id, "340104199303031234", seal, fields, now)
	others := otherHoldersCredential(t, agency, sealID, seal, now)
	wuhu := gatewayAs(t, env, "wuhu", "verifier")
	nettest.Eventually(t, 30*time.Second, func() error { // Wuhu's cache has the licence
		var v api.Verdict
		if st := wuhu.call(http.MethodPost, "/v1/verify", api.VerifyRequest{LicenceID: id}, &v); st != http.StatusOK || v.Status == "" {
			return fmt.Errorf("Wuhu does not know %s yet: %d %+v", id, st, v)
		}
		return nil
	})

	video := filepath.Join(dir, "camera.y4m")
	b := browsertest.Start(t, browsertest.Options{FakeVideo: video})
	p := pagetest.OpenWallet(b, wuhu.url, "en")
	b.CheckAccessibility()
	if got := p.UploadKey(filepath.Join(walletDir, "holder.pem")); got != "" {
		t.Fatalf("the wallet's key: %q", got)
	}
	added := p.UploadCredentials(issuance.CredentialFile(dir, id), others)
	if len(added) != 2 || added[0].Licence != id || added[1].Code != "NOT_HELD" {
		t.Fatalf("the credentials given: %+v", added)
	}
	if got := p.Statuses(); got[id] != string(record.StatusActive) {
		t.Errorf("the statuses shown: %v", got)
	}
	b.CheckAccessibility()
	b.Screenshot("network-wallet-licences")

	// The clerk's tab: the nonce's QR code, shown to the citizen's camera.
	clerk := b.NewTab()
	v := pagetest.OpenVerifier(clerk, wuhu.url, "en")
	v.SignIn(wuhu.key)
	nonce, aud := v.Nonce()
	if err := videoOfPNG(video, v.NonceQR()); err != nil {
		t.Fatal(err)
	}
	b.Front()
	if got := p.ScanNonce(); got != aud {
		t.Fatalf("the citizen's page read the verifier %q, the verifier page shows %q", got, aud)
	}
	if got := browsertest.Eval[string](b, `document.getElementById('nonce-text').value`); !strings.Contains(got, nonce) {
		t.Fatalf("the code read holds no nonce %s: %q", nonce, got)
	}
	p.Choose("name")
	text := p.Present()
	picture := p.QR()
	if img, err := png.Decode(bytes.NewReader(picture)); err != nil {
		t.Fatal(err)
	} else if back, err := qr.Decode(img); err != nil || back != text {
		t.Fatalf("the citizen's QR code decodes to %q (%v), want the presentation", back, err)
	}
	b.CheckAccessibility()
	b.Screenshot("network-wallet-presentation")

	// The citizen's QR code, shown to the clerk's camera.
	if err := videoOfPNG(video, picture); err != nil {
		t.Fatal(err)
	}
	clerk.Front()
	if got := v.Scan(); got != "VALID" {
		t.Fatalf("the verifier page's verdict on the citizen's presentation: %q", got)
	}
	if d := v.Disclosed(); len(d) != 1 || d["name"] != fields["name"] {
		t.Errorf("disclosed: %v (creditCode must stay hidden)", d)
	}
	for name, ok := range v.Checks() {
		if !ok {
			t.Errorf("check %s failed", name)
		}
	}
	if v.Fact("licence") != id || v.Fact("holder") == "" {
		t.Errorf("facts: licence %q holder %q", v.Fact("licence"), v.Fact("holder"))
	}
	clerk.CheckAccessibility()
	clerk.Screenshot("network-verify-citizens-presentation")

	// Who verified: the citizen asks Wuhu again.
	b.Front()
	p.Refresh()
	vs := p.Verifications()
	if len(vs) != 1 || vs[0].Licence != id || vs[0].Outcome != "valid" || !strings.Contains(vs[0].Text, "WuhuMSP") || !strings.HasSuffix(vs[0].Text, "name") {
		t.Errorf("who verified: %+v", vs)
	}
	b.CheckAccessibility()
	b.Screenshot("network-wallet-who-verified")

	mustSubmit(t, contract(t, env, "hefei", "User1", "licence"), "Revoke", id, "FRAUD", "")
	nettest.Eventually(t, 30*time.Second, func() error {
		p.Refresh()
		if got := p.Statuses()[id]; got != string(record.StatusRevoked) {
			return fmt.Errorf("Wuhu's citizen page shows %s %q", id, got)
		}
		return nil
	})
	b.CheckAccessibility()
	b.Screenshot("network-wallet-revoked")

	p = pagetest.OpenWallet(b, wuhu.url, "zh") // a new page: the wallet is given again
	if got := p.UploadKey(filepath.Join(walletDir, "holder.pem")); got != "" {
		t.Fatalf("the wallet's key: %q", got)
	}
	p.UploadCredentials(issuance.CredentialFile(dir, id))
	if got := strings.TrimSpace(b.Text(`#licences td[data-status]`)); !strings.Contains(got, "已撤销") {
		t.Errorf("in Chinese, the status: %q", got)
	}
	b.CheckAccessibility()
	b.Screenshot("network-wallet-revoked-zh")
	b.NoProblems()
	clerk.NoProblems()
}

// otherHoldersCredential writes the credential file of a licence sealed
// by the agency for a key of another holder (not issued: the citizen's
// page refuses it before any gateway could).
func otherHoldersCredential(t *testing.T, agency, sealID string, seal *gm.PrivateKey, now time.Time) string {
	t.Helper()
	other, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	typ := record.LicenceType{Code: "business-licence", MaxValidityDays: 3650, Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true},
		{Name: "creditCode", Type: record.FieldString, Required: true}}}
	d := issuance.Draft{ID: "CITIZEN-OTHER", Type: typ.Code, AgencyID: agency, Region: "340100", SealKeyID: sealID,
		Holder: issuance.Holder{CitizenID: "340104199404041234", PublicKey: other.Public().Hex()}, Fields: issuance.Fields{"name": "别人的公司", "creditCode": "91340100MA2OTHER1Q"},
		ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(0, 6, 0)}
	issued, err := issuance.Seal(d, &typ, seal, []byte("anhui-province-secret"))
	if err != nil {
		t.Fatal(err)
	}
	path, err := issuance.WriteCredential(t.TempDir(), issued.Credential)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// videoOfPNG writes the fake camera's video of a PNG picture.
func videoOfPNG(video string, picture []byte) error {
	img, err := png.Decode(bytes.NewReader(picture))
	if err != nil {
		return err
	}
	return browsertest.WriteImageVideo(video, img)
}
