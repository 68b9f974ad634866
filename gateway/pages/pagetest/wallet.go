package pagetest

import (
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/wanledger/wanledger/internal/browsertest"
)

// Wallet is the citizen's page (/ui/wallet) open in a browser.
type Wallet struct{ B *browsertest.Browser }

// OpenWallet opens gatewayURL's citizen page in lang (zh or en).
func OpenWallet(b *browsertest.Browser, gatewayURL, lang string) *Wallet {
	b.Open(gatewayURL + "/ui/wallet?lang=" + lang)
	return &Wallet{B: b}
}

// PasteKey pastes a wallet key's PEM text and presses Enter on "Open the
// wallet"; it answers the page's error, or "" once the wallet is open.
func (w *Wallet) PasteKey(pem string) string {
	w.B.TabTo("key-text", maxTabs)
	w.B.Paste(pem)
	w.B.TabTo("key-open", maxTabs)
	w.B.Press(browsertest.Enter)
	return w.waitOpen()
}

// UploadKey gives the page a wallet key file, as choosing it does; it
// answers as PasteKey.
func (w *Wallet) UploadKey(path string) string {
	w.B.Do(chromedp.SetUploadFiles(chromedp.CSS("#key-file"), []string{path}))
	return w.waitOpen()
}

// waitOpen waits for the wallet to open, or for an error.
func (w *Wallet) waitOpen() string {
	return browsertest.Eval[string](w.B, `new Promise((ok) => { const t = setInterval(() => {
		const e = document.getElementById('key-error').textContent;
		if (!document.getElementById('work').hidden) { clearInterval(t); ok(''); }
		else if (e && !/…$/.test(e)) { clearInterval(t); ok(e); } }, 50); })`)
}

// Added is the outcome the page shows of one credential given: the
// licence added, or the refusal with its code.
type Added struct {
	Licence string // the licence added, if it was
	Code    string // the module's code of a refusal
	Text    string
}

// refreshes is the number of times the page showed an answer of the gateway.
func (w *Wallet) refreshes() int {
	n, _ := strconv.Atoi(browsertest.Eval[string](w.B, `document.getElementById('refresh-status').dataset.seq ?? '0'`))
	return n
}

// UploadCredentials gives the page credential files, as choosing them
// does; it answers what the page says of each once it has asked the
// gateway about those added (if any).
func (w *Wallet) UploadCredentials(paths ...string) []Added {
	before := w.refreshes()
	w.B.Do(chromedp.SetUploadFiles(chromedp.CSS("#cred-file"), paths))
	return w.added(len(paths), before)
}

// PasteCredential pastes a credential file's text and presses Enter on
// "Add"; it answers as UploadCredentials.
func (w *Wallet) PasteCredential(text string) []Added {
	before := w.refreshes()
	w.B.TabTo("cred-text", maxTabs)
	w.B.Paste(text)
	w.B.TabTo("cred-add", maxTabs)
	w.B.Press(browsertest.Enter)
	return w.added(1, before)
}

// added waits for n outcomes (and the page's next answer of the gateway,
// if one was added) and answers them.
func (w *Wallet) added(n, before int) []Added {
	deadline := time.Now().Add(browsertest.Timeout)
	for time.Now().Before(deadline) {
		out := browsertest.Eval[[]Added](w.B, `[...document.querySelectorAll('#add-status p')].map(p => ({Licence: p.dataset.licence ?? '', Code: p.dataset.code ?? '', Text: p.textContent}))`)
		some := false
		for _, a := range out {
			some = some || a.Licence != ""
		}
		if len(out) == n && (!some || w.refreshes() > before) {
			return out
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.B.Fatalf("the page did not take the %d credentials given: %q", n, w.B.Text("#add-status"))
	return nil
}

// Refresh presses "Ask again" and waits for the gateway's answer.
func (w *Wallet) Refresh() {
	before := w.refreshes()
	w.B.TabTo("refresh", 3*maxTabs)
	w.B.Press(browsertest.Enter)
	deadline := time.Now().Add(browsertest.Timeout)
	for w.refreshes() == before {
		if time.Now().After(deadline) {
			w.B.Fatalf("no answer shown; the page says %q", w.B.Text("#refresh-status"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Statuses are the licences listed, each with its status as the API names
// it ("unknown": not known at this gateway).
func (w *Wallet) Statuses() map[string]string {
	return browsertest.Eval[map[string]string](w.B, `Object.fromEntries([...document.querySelectorAll('#licences tbody tr')]
		.map(r => [r.dataset.licence, r.querySelector('[data-status]').dataset.status]))`)
}

// Choose ticks the fields named to disclose, with the keyboard.
func (w *Wallet) Choose(fields ...string) {
	for _, f := range fields {
		id := browsertest.Eval[string](w.B, `document.querySelector('#field-list input[data-field="`+f+`"]')?.id ?? ''`)
		if id == "" {
			w.B.Fatalf("no field %q offered", f)
		}
		w.B.TabTo(id, 3*maxTabs)
		w.B.Press(browsertest.Space)
	}
}

// PasteNonce pastes a verifier's code (the nonce's JSON) into its field.
func (w *Wallet) PasteNonce(text string) {
	w.B.TabTo("nonce-text", 3*maxTabs)
	w.B.SelectAll()
	w.B.Paste(text)
}

// ScanNonce starts the camera with the keyboard and waits for the
// verifier's code to be read; it answers the verifier's name shown.
func (w *Wallet) ScanNonce() string {
	w.B.TabTo("scan", 3*maxTabs)
	w.B.Press(browsertest.Enter)
	deadline := time.Now().Add(browsertest.Timeout)
	for time.Now().Before(deadline) {
		if browsertest.Eval[bool](w.B, `!document.getElementById('verifier').hidden && document.getElementById('camera').hidden`) {
			return strings.TrimSpace(w.B.Text("#verifier-audience"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.B.Fatalf("the camera read no verifier's code; the page says %q", w.B.Text("#present-status"))
	return ""
}

// seq is the number of presentations the page has shown.
func (w *Wallet) seq() int {
	n, _ := strconv.Atoi(browsertest.Eval[string](w.B, `document.getElementById('presentation').dataset.seq ?? '0'`))
	return n
}

// Present presses "Make the presentation" and answers the presentation's
// text the page shows; the focus must move to it.
func (w *Wallet) Present() string {
	before := w.seq()
	w.B.TabTo("present", 3*maxTabs)
	w.B.Press(browsertest.Enter)
	deadline := time.Now().Add(browsertest.Timeout)
	for w.seq() == before {
		if time.Now().After(deadline) {
			w.B.Fatalf("no presentation shown; the page says %q", w.B.Text("#present-status"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := w.B.Focused(); got != "presentation" {
		w.B.Fatalf("the focus is on %q after the presentation, not on it", got)
	}
	return browsertest.Eval[string](w.B, `document.getElementById('presentation-text').value`)
}

// PresentStatus is what the page says of the last presentation asked for.
func (w *Wallet) PresentStatus() string {
	return strings.TrimSpace(w.B.Text("#present-status"))
}

// QR is a PNG picture of the presentation's QR code as the page shows it.
func (w *Wallet) QR() []byte {
	return w.B.ScreenshotOf("#presentation-qr")
}

// Verification is one line of the page's list of who verified.
type Verification struct {
	Licence, Outcome, Text string
}

// Verifications are the verifications the page lists.
func (w *Wallet) Verifications() []Verification {
	return browsertest.Eval[[]Verification](w.B, `[...document.querySelectorAll('#verifications tbody tr')]
		.map(r => ({Licence: r.dataset.licence, Outcome: r.dataset.outcome, Text: r.textContent}))`)
}

// Forget presses "Forget the key and licences".
func (w *Wallet) Forget() {
	w.B.TabTo("forget", maxTabs)
	w.B.Press(browsertest.Enter)
}
