// Package pagetest drives the gateway's pages in a real browser
// (internal/browsertest) as a person would, with the keyboard: for the
// tests of the gateway and of the network: the verifier's
// page here, the operator's in operator.go.
package pagetest

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/credential"
)

// maxTabs bounds the Tab presses from one control of a page to another.
const maxTabs = 20

// Verifier is the verifier's page (/ui/verify) open in a browser.
type Verifier struct {
	B     *browsertest.Browser
	nonce string // the last nonce read
}

// OpenVerifier opens gatewayURL's verifier page in lang (zh or en).
func OpenVerifier(b *browsertest.Browser, gatewayURL, lang string) *Verifier {
	b.Open(gatewayURL + "/ui/verify?lang=" + lang)
	return &Verifier{B: b}
}

// SignIn types the API key into the sign-in form and presses Enter; the
// page then shows a nonce (read with Nonce).
func (v *Verifier) SignIn(key string) { signIn(v.B, key) }

// SignInError waits for the sign-in form's error and answers it.
func (v *Verifier) SignInError() string { return signInError(v.B) }

// signIn types the API key into a page's sign-in form and presses Enter.
func signIn(b *browsertest.Browser, key string) {
	b.TabTo("api-key", maxTabs)
	b.Type(key)
	b.Press(browsertest.Enter)
}

// signInError waits for the sign-in form's error and answers it.
func signInError(b *browsertest.Browser) string {
	return strings.TrimSpace(browsertest.Eval[string](b, `new Promise((ok) => { const e = document.getElementById('signin-error');
		const t = setInterval(() => { if (e.textContent && !/…$/.test(e.textContent)) { clearInterval(t); ok(e.textContent); } }, 50); })`))
}

// Nonce waits for the page to show a nonce other than the last one read,
// and answers it with its audience.
func (v *Verifier) Nonce() (nonce, audience string) {
	deadline := time.Now().Add(browsertest.Timeout)
	for time.Now().Before(deadline) {
		n := strings.TrimSpace(v.B.Text("#nonce"))
		if n != "" && n != v.nonce && browsertest.Eval[bool](v.B, `!document.getElementById('work').hidden`) {
			v.nonce = n
			return n, strings.TrimSpace(v.B.Text("#audience"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	v.B.Fatalf("no new nonce shown (the last was %q)", v.nonce)
	return "", ""
}

// NonceQR is a PNG picture of the nonce's QR code as the page shows it,
// once drawn.
func (v *Verifier) NonceQR() []byte {
	if !browsertest.Eval[bool](v.B, `document.getElementById('nonce-qr').decode().then(() => true)`) {
		v.B.Fatalf("the nonce's QR code is not drawn")
	}
	return v.B.ScreenshotOf("#nonce-qr")
}

// seq is the number of answers the page has shown.
func (v *Verifier) seq() int {
	n, _ := strconv.Atoi(browsertest.Eval[string](v.B, `document.getElementById('result').dataset.seq ?? '0'`))
	return n
}

// Paste pastes a presentation in place of the field's text, then moves to
// Verify and presses Enter; it answers the verdict shown (Verdict).
func (v *Verifier) Paste(presentation string) string {
	before := v.seq()
	v.B.TabTo("presentation", maxTabs)
	v.B.SelectAll()
	v.B.Paste(presentation)
	v.B.TabTo("verify", maxTabs)
	v.B.Press(browsertest.Enter)
	return v.verdictAfter(before)
}

// Scan starts the camera with the keyboard and answers the verdict on what
// it reads.
func (v *Verifier) Scan() string {
	before := v.seq()
	v.B.TabTo("scan", maxTabs)
	v.B.Press(browsertest.Enter)
	return v.verdictAfter(before)
}

// Upload uploads a file (a text, or a picture of a QR code) as the
// presentation, and answers the verdict on it.
func (v *Verifier) Upload(path string) string {
	before := v.seq()
	v.B.Do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}))
	return v.verdictAfter(before)
}

// verdictAfter waits for the page's answer after the before'th and
// answers its heading: VALID, NOT VALID or REFUSED (有效, 无效, 拒绝).
func (v *Verifier) verdictAfter(before int) string {
	deadline := time.Now().Add(browsertest.Timeout)
	for time.Now().Before(deadline) {
		if v.seq() > before {
			if got := v.B.Focused(); got != "result" {
				v.B.Fatalf("the focus is on %q after the answer, not on the result", got)
			}
			return strings.TrimSpace(v.B.Text("#verdict"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	v.B.Fatalf("no answer shown; the status says %q", v.B.Text("#status"))
	return ""
}

// Disclosed are the disclosed fields the page shows, by name.
func (v *Verifier) Disclosed() map[string]string {
	return browsertest.Eval[map[string]string](v.B, `Object.fromEntries([...document.querySelectorAll('#disclosed tbody tr')]
		.map(r => [r.dataset.field, r.querySelector('td').textContent]))`)
}

// Checks are the checks the page shows, by name: whether each passed.
func (v *Verifier) Checks() map[string]bool {
	return browsertest.Eval[map[string]bool](v.B, `Object.fromEntries([...document.querySelectorAll('#checks li')]
		.map(l => [l.dataset.check, l.classList.contains('ok')]))`)
}

// Fact is the text of a fact of the verdict: licence, status, height,
// source, stale, at, relayed.
func (v *Verifier) Fact(name string) string {
	return strings.TrimSpace(v.B.Text("#fact-" + name))
}

// FactValue is the value of a fact as the API gave it (status, source,
// stale: the text shown is its label).
func (v *Verifier) FactValue(name string) string {
	return browsertest.Eval[string](v.B, `document.getElementById('fact-`+name+`')?.dataset.value ?? ""`)
}

// RefusalCode is the code of a refused presentation the page shows.
func (v *Verifier) RefusalCode() string {
	return strings.TrimSpace(v.B.Text("#refusal-code"))
}

// Tamper changes the value of a presentation's first disclosure to value,
// as someone between the holder and the verifier could: the holder's key
// binding then no longer matches it.
func Tamper(presentation, value string) (string, error) {
	parts := strings.Split(presentation, "~")
	if len(parts) < 3 {
		return "", errors.New("a presentation of no disclosure")
	}
	raw, err := credential.B64.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	d, err := credential.ParseDisclosure(raw)
	if err != nil {
		return "", err
	}
	d.Value = value
	enc, err := d.Encode()
	if err != nil {
		return "", err
	}
	parts[1] = credential.B64.EncodeToString(enc)
	return strings.Join(parts, "~"), nil
}
