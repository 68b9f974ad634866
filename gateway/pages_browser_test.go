package gateway

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/internal/wallet"
)

// The verifier's page, in a real browser and with the keyboard alone:
// signing in with the verifier's key, a pasted presentation is VALID with
// its one disclosed field and each check passed; a tampered one is
// refused with the code the API gives it; one read by the camera and one
// uploaded as a picture of its QR code are VALID; in Chinese, 有效; after
// the licence is revoked, NOT VALID with status-active failed. The page
// passes axe in each state, and gives no console error or policy
// violation.
func TestTheVerifierPageVerifiesPresentations(t *testing.T) {
	w := newHolderWorld(t)
	video := filepath.Join(t.TempDir(), "camera.y4m")
	b := browsertest.Start(t, browsertest.Options{FakeVideo: video})
	v := pagetest.OpenVerifier(b, w.srv.URL, "en")
	b.CheckAccessibility()
	b.Screenshot("verify-signed-out")

	v.SignIn("wl_0000_not-a-key")
	if got := v.SignInError(); got != "The API key is not valid; enter it again." {
		t.Errorf("a bad key: %q", got)
	}
	v.SignIn(w.keys["Verifier"])
	present := func() string {
		n, aud := v.Nonce()
		if aud != "HefeiMSP" {
			t.Errorf("audience %q", aud)
		}
		return w.present(t, w.holder, "合肥示例", n, aud, w.chain.Now())
	}
	first, aud := v.Nonce()
	if got := browsertest.Eval[[]string](b, `[...document.querySelectorAll('#purpose option')].map(o => o.value)`); len(got) != len(api.Purposes)+2 || got[len(got)-1] != "market-stall" {
		t.Errorf("purposes offered: %q", got)
	}
	if drawn := browsertest.Eval[bool](b, `(async () => { const img = document.getElementById('nonce-qr'); await img.decode(); return !img.hidden && img.naturalWidth > 0; })()`); !drawn {
		t.Error("the nonce's QR code is not drawn")
	}

	b.TabTo("purpose", 20)
	b.Press(browsertest.ArrowDown) // the first purpose code
	if got := browsertest.Eval[string](b, `document.getElementById('purpose').value`); got != api.Purposes[0].Code {
		t.Errorf("the purpose chosen: %q", got)
	}
	if got := v.Paste(w.present(t, w.holder, "合肥示例", first, aud, w.chain.Now())); got != "VALID" {
		t.Fatalf("a fresh presentation: %q", got)
	}
	if _, a, _ := w.activity(t, w.holder, "BL-1"); len(a.Verifications) != 1 || a.Verifications[0].Purpose != api.Purposes[0].Code {
		t.Errorf("the holder's list: %+v", a.Verifications)
	}
	if d := v.Disclosed(); len(d) != 1 || d["name"] != "合肥示例" {
		t.Errorf("disclosed: %v", d)
	}
	checks := v.Checks()
	for _, name := range []string{api.CheckFound, api.CheckAccredited, api.CheckSeal, api.CheckStatus, api.CheckWindow, api.CheckFields} {
		if ok, shown := checks[name]; !shown || !ok {
			t.Errorf("check %s: shown %v, passed %v (%v)", name, shown, ok, checks)
		}
	}
	if v.Fact("licence") != "BL-1" || v.FactValue("status") != "active" || v.Fact("height") == "" || v.Fact("height") == "0" ||
		v.FactValue("source") != "cache" || v.Fact("stale") != "current" || v.FactValue("stale") != "false" || v.Fact("holder") == "" {
		t.Errorf("facts: licence %q status %q height %q source %q stale %q holder %q",
			v.Fact("licence"), v.Fact("status"), v.Fact("height"), v.Fact("source"), v.Fact("stale"), v.Fact("holder"))
	}
	b.CheckAccessibility()
	b.Screenshot("verify-valid")

	n, aud := v.Nonce()
	tampered, err := pagetest.Tamper(w.present(t, w.holder, "合肥示例", n, aud, w.chain.Now()), "合肥伪造")
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Paste(tampered); got != "REFUSED" {
		t.Fatalf("a tampered presentation: %q", got)
	}
	code := v.RefusalCode()
	if _, known := api.PresentationRefusals[code]; !known {
		t.Errorf("the refusal's code %q is none of the presentation format's", code)
	}
	if _, _, want := w.verify(api.PresentationRequest{Presentation: tampered, Nonce: n}); code != want {
		t.Errorf("the page shows %s, the API answers %s", code, want)
	}
	if got := b.Text("#refusal-reason"); code == "KEY_BINDING_SD_HASH" && got != "The presentation was altered after the holder signed it." {
		t.Errorf("the refusal's reason: %q", got)
	}
	b.CheckAccessibility()
	b.Screenshot("verify-refused")

	if err := browsertest.WriteQRVideo(video, present()); err != nil {
		t.Fatal(err)
	}
	if got := v.Scan(); got != "VALID" {
		t.Errorf("a presentation read by the camera: %q", got)
	}
	if got := browsertest.Eval[bool](b, `document.getElementById('camera').hidden && !document.getElementById('camera').srcObject`); !got {
		t.Error("the camera is still on after the scan")
	}

	picture := filepath.Join(t.TempDir(), "presentation.png")
	qr, err := wallet.NewQR(present())
	if err == nil {
		err = qr.WritePNG(picture, false)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Upload(picture); got != "VALID" {
		t.Errorf("a presentation uploaded as a picture of its QR code: %q", got)
	}
	// A phone's photo, 3200 by 2400 pixels, is read at 1600 on its longest
	// side: the code in it still is.
	if qr, err = wallet.NewQR(present()); err == nil {
		err = qr.WritePNG(picture, true)
	}
	photo := filepath.Join(t.TempDir(), "photo.png")
	if err == nil {
		err = writePhoto(picture, photo, 3200, 2400)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Upload(photo); got != "VALID" {
		t.Errorf("a presentation uploaded as a phone's photo of its QR code: %q %s", got, v.RefusalCode())
	}

	// In Chinese, chosen with the keyboard; the key stays for the tab.
	b.TabTo("lang-zh", 40)
	b.Press(browsertest.Enter)
	if got := v.Paste(present()); got != "有效" {
		t.Errorf("in Chinese: %q", got)
	}
	if got := v.Fact("stale"); got != "最新" {
		t.Errorf("in Chinese, the cache is %q", got)
	}
	b.CheckAccessibility()
	b.Screenshot("verify-valid-zh")

	w.must("Issuer", http.MethodPost, "/v1/licences/BL-1/revoke", map[string]string{"reason": "FRAUD"}, nil)
	if got := v.Paste(present()); got != "无效" {
		t.Errorf("after the revocation: %q", got)
	}
	if ok, shown := v.Checks()[api.CheckStatus]; !shown || ok || v.FactValue("status") != string(record.StatusRevoked) || v.Fact("status") != "已撤销" {
		t.Errorf("after the revocation: checks %v, status %q", v.Checks(), v.Fact("status"))
	}
	b.CheckAccessibility()
	b.Screenshot("verify-not-valid-zh")

	// A malformed presentation is refused in the page's own words, the
	// gateway's English message left out.
	if got := v.Paste("not a presentation"); got != "拒绝" || v.RefusalCode() != "PRESENTATION_CHARSET" ||
		b.Text("#refusal-reason") != "出示内容格式有误，无法读取（可能扫描或粘贴不完整）。请持证人重新出示。" ||
		browsertest.Eval[bool](b, `document.getElementById('refusal-message') !== null`) {
		t.Errorf("a malformed presentation, in Chinese: %q %q %q", got, v.RefusalCode(), b.Text("#refusal-reason"))
	}

	// Signing out while the camera looks at nothing forgets the key and
	// stops the camera.
	if err := browsertest.WriteImageVideo(video, image.NewGray(image.Rect(0, 0, 320, 240))); err != nil {
		t.Fatal(err)
	}
	b.TabTo("scan", 40)
	b.Press(browsertest.Enter)
	if on := browsertest.Eval[bool](b, `new Promise((ok) => { const c = document.getElementById('camera');
		const t = setInterval(() => { if (c.srcObject && c.readyState >= 2) { clearInterval(t); ok(true); } }, 50); })`); !on {
		t.Fatal("the camera did not start")
	}
	b.ShiftTab() // from "stop scanning" back to "sign out"
	for range 20 {
		if b.Focused() == "signout" {
			break
		}
		b.ShiftTab()
	}
	b.Press(browsertest.Enter)
	if kept := browsertest.Eval[bool](b, `sessionStorage.length > 0 || !document.getElementById('work').hidden || document.getElementById('camera').srcObject !== null`); kept {
		t.Error("signing out kept the key, the page or the camera")
	}
	b.NoProblems()
}

// For a licence relayed from another channel, the verifier's page names
// its source channel and block, and says no field was disclosed.
func TestTheVerifierPageNamesARelayedLicencesSource(t *testing.T) {
	w := &holderWorld{world: newWorld(t)}
	w.registry(t)
	d := w.approveDelta(t)
	w.relay(t, d.item(t, d.export(t, "SH-1", 1, w.chain.Now().Add(-4*time.Second), false), 42, "AnhuiMSP", "JiangsuMSP", "ShanghaiMSP"))
	b := browsertest.Start(t, browsertest.Options{})
	v := pagetest.OpenVerifier(b, w.srv.URL, "en")
	v.SignIn(w.keys["Verifier"])
	n, aud := v.Nonce()
	p, err := presentation.Make(d.seal, "SH-1", nil, n, aud, w.chain.Now()) // the export's holder key is delta's seal
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Paste(p); got != "VALID" {
		t.Fatalf("a relayed licence: %q", got)
	}
	if got := v.Fact("relayed"); !strings.HasPrefix(got, "source channel delta, block 42, relay lag ") {
		t.Errorf("relayed from: %q", got)
	}
	if d := v.Disclosed(); len(d) != 0 || !strings.Contains(b.Text("#details"), "No field disclosed.") {
		t.Errorf("disclosed: %v", d)
	}
	b.CheckAccessibility()
	b.Screenshot("verify-relayed")
	b.NoProblems()
}

// writePhoto writes a PNG of w by h pixels, white, with the picture at in
// in the middle: a phone's photo of a code.
func writePhoto(in, out string, w, h int) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	src, err := png.Decode(f)
	f.Close()
	if err != nil {
		return err
	}
	photo := image.NewGray(image.Rect(0, 0, w, h))
	white := bytes.Repeat([]byte{0xff}, len(photo.Pix))
	copy(photo.Pix, white)
	b := src.Bounds()
	at := image.Pt((w-b.Dx())/2, (h-b.Dy())/2)
	draw.Draw(photo, b.Sub(b.Min).Add(at), src, b.Min, draw.Src)
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(o, photo); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}
