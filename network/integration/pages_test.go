package integration

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/issuance"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestTheVerifierPageAcceptsAWalletsPresentationOnTheNetwork: Hefei issues
// a licence to a wallet; a clerk opens Wuhu's verifier page in Chromium
// and, with the keyboard alone, signs in with Wuhu's verifier key; the
// wallet presents the licence's name to the nonce the page shows, and the
// pasted presentation is VALID with only that field disclosed; the same
// with its value changed on the way is refused with the code Wuhu's API
// gives it; one the camera reads from the wallet's QR code is VALID; in
// Chinese, 有效; after Hefei revokes the licence, 无效 (NOT VALID). The page passes axe in each state, with no console error
// or policy violation; screenshots of each are test artefacts.
func TestTheVerifierPageAcceptsAWalletsPresentationOnTheNetwork(t *testing.T) {
	env := nettest.Get(t)
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)
	const agency, sealID, id = "pages-agency", "pages-seal", "PAGES-0001"
	seal := hefeiAgency(t, env, agency, sealID, now)
	walletDir, _ := walletHolder(t, env, dir, agency, sealID, id, "340104199202021234", seal,
		issuance.Fields{"name": "合肥页面科技", "creditCode": "91340100MA2PAGE01Q"}, now)
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
	v := pagetest.OpenVerifier(b, wuhu.url, "en")
	b.CheckAccessibility()
	v.SignIn(wuhu.key)
	// present has the wallet present the name to the nonce the page shows,
	// with the command line; qr, if set, is where it writes its QR code.
	present := func(qr string) string {
		n, aud := v.Nonce()
		if aud != "WuhuMSP" {
			t.Errorf("the page's audience: %q", aud)
		}
		args := []string{"wallet", "present", id, "--disclose", "name", "--nonce", n, "--audience", aud, "--wallet", walletDir}
		if qr != "" {
			args = append(args, "--qr", qr)
		}
		out, errOut, err := cli(t, env, args...)
		if err != nil {
			t.Fatalf("wallet present: %v\n%s", err, errOut)
		}
		return strings.TrimSpace(out)
	}

	if got := v.Paste(present("")); got != "VALID" {
		t.Fatalf("the wallet's presentation: %q", got)
	}
	if d := v.Disclosed(); len(d) != 1 || d["name"] != "合肥页面科技" {
		t.Errorf("disclosed: %v (creditCode must stay hidden)", d)
	}
	for name, ok := range v.Checks() {
		if !ok {
			t.Errorf("check %s failed", name)
		}
	}
	if v.Fact("licence") != id || v.FactValue("stale") != "false" || v.Fact("height") == "" || v.Fact("holder") == "" {
		t.Errorf("facts: licence %q stale %q height %q holder %q", v.Fact("licence"), v.FactValue("stale"), v.Fact("height"), v.Fact("holder"))
	}
	b.CheckAccessibility()
	b.Screenshot("network-verify-valid")

	// The value changed between the wallet and the page.
	n, _ := v.Nonce()
	tampered, err := pagetest.Tamper(presentTo(t, env, walletDir, id, n), "合肥假冒科技")
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Paste(tampered); got != "REFUSED" {
		t.Fatalf("a tampered presentation: %q", got)
	}
	var refusal api.Error
	if st := wuhu.call(http.MethodPost, "/v1/presentations/verify", api.PresentationRequest{Presentation: tampered, Nonce: n}, &refusal); st < 400 || refusal.Code != v.RefusalCode() {
		t.Errorf("the page shows %q, Wuhu's API answers %d %q", v.RefusalCode(), st, refusal.Code)
	}
	b.CheckAccessibility()
	b.Screenshot("network-verify-refused")

	// The wallet's QR code, shown to the camera.
	picture := filepath.Join(dir, "presentation.png")
	present(picture)
	if err := videoOf(video, picture); err != nil {
		t.Fatal(err)
	}
	if got := v.Scan(); got != "VALID" {
		t.Errorf("the presentation read by the camera: %q", got)
	}

	v = pagetest.OpenVerifier(b, wuhu.url, "zh") // still signed in: the key stays for the tab
	if got := v.Paste(present("")); got != "有效" {
		t.Errorf("in Chinese: %q", got)
	}
	b.CheckAccessibility()
	b.Screenshot("network-verify-valid-zh")

	mustSubmit(t, contract(t, env, "hefei", "User1", "licence"), "Revoke", id, "FRAUD", "")
	nettest.Eventually(t, 30*time.Second, func() error { // each try a fresh nonce and presentation
		if got := v.Paste(present("")); got != "无效" {
			return fmt.Errorf("Wuhu's page does not see the revocation yet: %q", got)
		}
		return nil
	})
	if ok, shown := v.Checks()[api.CheckStatus]; !shown || ok || v.FactValue("status") != "revoked" {
		t.Errorf("the revoked licence: checks %v, status %q", v.Checks(), v.FactValue("status"))
	}
	b.CheckAccessibility()
	b.Screenshot("network-verify-not-valid-zh")
	b.NoProblems()
}

// presentTo has the wallet present licence id's name to Wuhu for nonce.
func presentTo(t *testing.T, env *nettest.Env, walletDir, id, nonce string) string {
	t.Helper()
	out, errOut, err := cli(t, env, "wallet", "present", id, "--disclose", "name", "--nonce", nonce, "--audience", "WuhuMSP", "--wallet", walletDir)
	if err != nil {
		t.Fatalf("wallet present: %v\n%s", err, errOut)
	}
	return strings.TrimSpace(out)
}

// videoOf writes the fake camera's video of a PNG file.
func videoOf(video, picture string) error {
	b, err := os.ReadFile(picture)
	if err != nil {
		return err
	}
	return videoOfPNG(video, b)
}
