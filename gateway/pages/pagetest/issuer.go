package pagetest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wanledger/wanledger/internal/browsertest"
)

// issuerTabs bounds the Tab presses on the issuer's page: its date and
// time controls take a stop per part, and a batch's answer one per file.
const issuerTabs = 150

// Issuer is the issuer's page (/ui/issue) open in a browser.
type Issuer struct {
	B *browsertest.Browser
}

// OpenIssuer opens gatewayURL's issuer page in lang (zh or en).
func OpenIssuer(b *browsertest.Browser, gatewayURL, lang string) *Issuer {
	b.Open(gatewayURL + "/ui/issue?lang=" + lang)
	return &Issuer{B: b}
}

// SignIn types the API key into the sign-in form, presses Enter, and waits
// for the page to show its work.
func (p *Issuer) SignIn(key string) {
	p.B.TabTo("api-key", maxTabs)
	p.B.Type(key)
	p.B.Press(browsertest.Enter)
	p.SignedIn()
}

// SignedIn waits for the page to show its work: after SignIn, or on a page
// opened in a tab that signed in before.
func (p *Issuer) SignedIn() {
	p.waitFor(`document.getElementById('work')?.hidden === false`, "the signed-in page")
}

// waitFor waits until a JavaScript condition holds, failing the test (with
// what) if it does not within browsertest.Timeout.
func (p *Issuer) waitFor(cond, what string) {
	deadline := time.Now().Add(browsertest.Timeout)
	for time.Now().Before(deadline) {
		if browsertest.Eval[bool](p.B, cond) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.B.Fatalf("waiting for %s", what)
}

// fill moves to the text control of id with Tab and types text in place
// of what it held.
func (p *Issuer) fill(id, text string) {
	p.B.TabTo(id, issuerTabs)
	p.B.SelectAll()
	if text == "" {
		p.B.Press(browsertest.Backspace)
		return
	}
	p.B.Type(text)
}

// counted is the data-seq of the element of id: how many answers it has shown.
func (p *Issuer) counted(id string) int {
	n, _ := strconv.Atoi(browsertest.Eval[string](p.B, `document.getElementById('`+id+`').dataset.seq ?? '0'`))
	return n
}

// choose moves to the select of id with Tab and picks the option of value
// with the arrow keys.
func (p *Issuer) choose(id, value string) {
	p.B.TabTo(id, issuerTabs)
	want := browsertest.Eval[int](p.B, fmt.Sprintf(`[...document.getElementById(%q).options].findIndex(o => o.value === %q)`, id, value))
	if want < 0 {
		p.B.Fatalf("#%s offers no %q", id, value)
	}
	for range 64 {
		at := browsertest.Eval[int](p.B, fmt.Sprintf(`document.getElementById(%q).selectedIndex`, id))
		switch {
		case at < want:
			p.B.Press(browsertest.ArrowDown)
		case at > want:
			p.B.Press(browsertest.ArrowUp)
		default:
			return
		}
	}
	p.B.Fatalf("#%s: the arrow keys do not reach %q", id, value)
}

// UseAgency chooses the seal key and salt files, gives the seal key ID and
// the agency, has the page check them, and answers what it then says.
func (p *Issuer) UseAgency(sealKeyFile, saltFile, keyID, agency string) string {
	p.B.ChooseFiles("seal-file", issuerTabs, sealKeyFile)
	p.B.ChooseFiles("salt-file", issuerTabs, saltFile)
	p.fill("seal-key-id", keyID)
	p.fill("agency-id", agency)
	before := p.counted("agency-status")
	p.B.TabTo("agency-use", issuerTabs)
	p.B.Press(browsertest.Enter)
	p.waitFor(fmt.Sprintf(`Number(document.getElementById('agency-status').dataset.seq ?? 0) > %d`, before), "the agency checked")
	return strings.TrimSpace(p.B.Text("#agency-status"))
}

// Licence is a licence as the form takes it.
type Licence struct {
	ID, Type, CitizenID, HolderKey string
	Fields                         map[string]string // by field name
}

// Issue fills the form with l (the validity the page offers) and presses
// Issue; it answers the outcome shown: issued, refused or unknown.
func (p *Issuer) Issue(l Licence) string {
	p.choose("licence-type", l.Type)
	p.fill("licence-id", l.ID)
	for _, name := range browsertest.Eval[[]string](p.B, `[...document.querySelectorAll('#fields [data-field]')].map(e => e.dataset.field)`) {
		if v, ok := l.Fields[name]; ok {
			p.fill("field-"+name, v)
		}
	}
	p.fill("citizen-id", l.CitizenID)
	p.fill("holder-key", l.HolderKey)
	before := p.seq("one")
	p.B.TabTo("issue", issuerTabs)
	p.B.Press(browsertest.Enter)
	return p.outcomeAfter("one", before)
}

// seq is the number of answers a part (one, batch, change) has shown.
func (p *Issuer) seq(part string) int { return p.counted(part + "-result") }

// outcomeAfter waits for a part's answer after the before'th, once it is
// final, and answers its outcome; the focus must be on it.
func (p *Issuer) outcomeAfter(part string, before int) string {
	p.waitFor(fmt.Sprintf(`(() => { const s = document.getElementById('%s-result');
		return Number(s.dataset.seq ?? 0) > %d && s.dataset.outcome !== 'issuing'; })()`, part, before), "the answer of "+part)
	if got := p.B.Focused(); got != part+"-result" {
		p.B.Fatalf("the focus is on %q after the answer, not on the result", got)
	}
	return browsertest.Eval[string](p.B, `document.getElementById('`+part+`-result').dataset.outcome`)
}

// Text is the text of the element selector (CSS) names, spaces trimmed.
func (p *Issuer) Text(selector string) string {
	return strings.TrimSpace(p.B.Text(selector))
}

// Download moves to the link of id with Tab and follows it with Enter; it
// answers the file's bytes, saved in dir (browsertest SaveDownloads).
func (p *Issuer) Download(id, dir string) []byte {
	name := browsertest.Eval[string](p.B, `document.getElementById('`+id+`')?.getAttribute('download') ?? ''`)
	if name == "" {
		p.B.Fatalf("no download link #%s", id)
	}
	p.B.TabTo(id, issuerTabs)
	p.B.Press(browsertest.Enter)
	return p.B.Downloaded(dir, name)
}

// Batch chooses a drafts file and issues it; it answers the outcome shown
// and every status the page announced on the way (its progress).
func (p *Issuer) Batch(path string) (outcome string, announced []string) {
	p.B.ChooseFiles("batch-file", issuerTabs, path)
	browsertest.Eval[bool](p.B, `(() => { window.announced = [];
		const s = document.getElementById('batch-status'), bar = document.getElementById('batch-progress');
		new MutationObserver(() => window.announced.push(s.textContent + ' [' + bar.value + '/' + bar.max + ']'))
			.observe(s, {childList: true, characterData: true, subtree: true});
		return true; })()`)
	before := p.seq("batch")
	p.B.TabTo("batch-issue", issuerTabs)
	p.B.Press(browsertest.Enter)
	outcome = p.outcomeAfter("batch", before)
	return outcome, browsertest.Eval[[]string](p.B, `window.announced`)
}

// BatchRows are the batch's licences shown, with each outcome.
func (p *Issuer) BatchRows() map[string]string {
	return browsertest.Eval[map[string]string](p.B, `Object.fromEntries([...document.querySelectorAll('#batch-table tbody tr')]
		.map(r => [r.dataset.licence, r.dataset.outcome]))`)
}

// Find looks a licence up and answers its status shown.
func (p *Issuer) Find(id string) string {
	p.fill("change-id", id)
	before := p.counted("licence-facts")
	p.B.TabTo("find", issuerTabs)
	p.B.Press(browsertest.Enter)
	p.waitFor(fmt.Sprintf(`Number(document.getElementById('licence-facts').dataset.seq ?? 0) > %d`, before), "licence "+id)
	return p.LicenceFact("status")
}

// LicenceFact is the value of a fact of the licence looked up (id, type,
// agency, status, from, to, seal, change), as the API gave it.
func (p *Issuer) LicenceFact(name string) string {
	return browsertest.Eval[string](p.B, `(() => { const d = document.getElementById('lic-`+name+`'); return d ? (d.dataset.value ?? d.textContent) : ''; })()`)
}

// Prepare chooses a change to the licence looked up: renew (with the new
// valid-to the page offers), suspend, reinstate or revoke, the last three
// for a reason code with an explanation (none if empty: the page empties
// it after each change).
func (p *Issuer) Prepare(action, reason, explanation string) {
	p.choose("action", action)
	if action != "renew" {
		p.choose("reason-"+action, reason)
		if explanation != "" {
			p.fill("reason-text", explanation)
		}
	}
}

// Change makes the change (Prepare) and answers the outcome shown: done
// or refused.
func (p *Issuer) Change(action, reason, explanation string) string {
	p.Prepare(action, reason, explanation)
	before := p.seq("change")
	p.B.TabTo("apply", issuerTabs)
	p.B.Press(browsertest.Enter)
	return p.outcomeAfter("change", before)
}
