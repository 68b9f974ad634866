package pagetest

import (
	"strconv"
	"strings"
	"time"

	"github.com/wanledger/wanledger/internal/browsertest"
)

// Auditor is the auditor's page (/ui/audit) open in a browser.
type Auditor struct {
	B *browsertest.Browser
}

// OpenAuditor opens gatewayURL's auditor page in lang (zh or en).
func OpenAuditor(b *browsertest.Browser, gatewayURL, lang string) *Auditor {
	b.Open(gatewayURL + "/ui/audit?lang=" + lang)
	return &Auditor{B: b}
}

// SignIn types the API key into the sign-in form and presses Enter, and
// waits for the query form.
func (a *Auditor) SignIn(key string) {
	a.B.TabTo("api-key", maxTabs)
	a.B.Type(key)
	a.B.Press(browsertest.Enter)
	a.waitFor(`!document.getElementById('work').hidden`, "the query form")
}

// Query is what the form asks: a dimension (the option's value), its key,
// the window's ends in the browser's time zone (zero: open) and the page
// size (0: the page's own).
type Query struct {
	By, Key  string
	From, To time.Time
	Limit    int
}

// Trace fills the form with the keyboard and presses Enter; it answers
// the records of the first page shown (see Rows).
func (a *Auditor) Trace(q Query) []Row {
	before := a.seq()
	a.B.TabTo("by", maxTabs)
	for range 6 { // the first option, then down to q.By
		a.B.Press(browsertest.ArrowUp)
	}
	for i := 0; i < 6 && browsertest.Eval[string](a.B, `document.getElementById('by').value`) != q.By; i++ {
		a.B.Press(browsertest.ArrowDown)
	}
	if q.By != "time" {
		a.field("key", q.Key)
	}
	a.datetime("from", q.From)
	a.datetime("to", q.To)
	if q.Limit > 0 {
		a.field("limit", strconv.Itoa(q.Limit))
	}
	a.B.TabTo("trace", maxTabs)
	a.B.Press(browsertest.Enter)
	return a.rowsAfter(before, "results")
}

// field replaces the text of input id with text, typed.
func (a *Auditor) field(id, text string) {
	a.B.TabTo(id, maxTabs)
	a.B.SelectAll()
	a.B.Type(text)
}

// datetime types t into the time input id, in the browser's time zone
// (as the page asks: 2006-01-02 15:04:05); a zero t empties it.
func (a *Auditor) datetime(id string, t time.Time) {
	text := ""
	if !t.IsZero() {
		text = t.Local().Format("2006-01-02 15:04:05")
	}
	a.B.TabTo(id, maxTabs)
	a.B.SelectAll()
	if text == "" {
		a.B.Press("\b")
		return
	}
	a.B.Type(text)
}

// Rows are the records of the page shown.
type Row struct{ ID, Kind string }

// Rows answers the records the trail's table shows, in order.
func (a *Auditor) Rows() []Row {
	return browsertest.Eval[[]Row](a.B, `[...document.querySelectorAll('#trail tbody tr')].map(r => ({ID: r.dataset.id, Kind: r.dataset.kind}))`)
}

// Page is the number of the page shown.
func (a *Auditor) Page() int {
	n, _ := strconv.Atoi(browsertest.Eval[string](a.B, `document.getElementById('results').dataset.page ?? '0'`))
	return n
}

// Turn presses the button of the next (id "next") or previous ("prev")
// page and answers the page's records.
func (a *Auditor) Turn(id string) []Row {
	before := a.seq()
	a.B.TabTo(id, maxTabs)
	a.B.Press(browsertest.Enter)
	return a.rowsAfter(before, id)
}

// CanTurn reports whether the button of id ("next", "prev") is enabled.
func (a *Auditor) CanTurn(id string) bool {
	return browsertest.Eval[bool](a.B, `!document.getElementById('`+id+`').disabled`)
}

func (a *Auditor) seq() int {
	n, _ := strconv.Atoi(browsertest.Eval[string](a.B, `document.getElementById('results').dataset.seq ?? '0'`))
	return n
}

// rowsAfter waits for the page shown after the before'th, with the focus
// on focus, and answers its records.
func (a *Auditor) rowsAfter(before int, focus string) []Row {
	deadline := time.Now().Add(browsertest.Timeout)
	for time.Now().Before(deadline) {
		if a.seq() > before {
			if got := a.B.Focused(); got != focus && got != "results" {
				a.B.Fatalf("the focus is on %q after the page, not on %s", got, focus)
			}
			return a.Rows()
		}
		time.Sleep(100 * time.Millisecond)
	}
	a.B.Fatalf("no page shown; the status says %q", a.B.Text("#status"))
	return nil
}

// Timeline waits for the timeline and answers the accesses and denials it
// counts, its caption, and whether the chart is drawn (a canvas of uPlot).
func (a *Auditor) Timeline() (accesses, denials int, caption string, drawn bool) {
	a.waitFor(`document.getElementById('timeline').dataset.accesses !== undefined || document.getElementById('timeline-caption').textContent !== ''`, "the timeline")
	accesses, _ = strconv.Atoi(browsertest.Eval[string](a.B, `document.getElementById('timeline').dataset.accesses ?? '-1'`))
	denials, _ = strconv.Atoi(browsertest.Eval[string](a.B, `document.getElementById('timeline').dataset.denials ?? '-1'`))
	drawn = browsertest.Eval[bool](a.B, `(() => { const c = document.querySelector('#chart canvas'); return !!c && c.width > 0 && c.height > 0; })()`)
	return accesses, denials, strings.TrimSpace(a.B.Text("#timeline-caption")), drawn
}

// Export presses the export button id ("export-csv", "export-report") and
// answers the name of the file the page saved (downloads go where
// browsertest.SaveDownloads says).
func (a *Auditor) Export(id string) string {
	seq := `Number(document.getElementById('saved').dataset.seq ?? 0)`
	before := browsertest.Eval[int](a.B, seq)
	a.B.TabTo(id, maxTabs)
	a.B.Press(browsertest.Enter)
	a.waitFor(seq+` > `+strconv.Itoa(before), "export")
	return browsertest.Eval[string](a.B, `document.getElementById('saved-link').download`)
}

// ExportStatus is what the page says of the last export.
func (a *Auditor) ExportStatus() string {
	return strings.TrimSpace(a.B.Text("#export-status"))
}

// waitFor waits until the expression js is true, failing with what.
func (a *Auditor) waitFor(js, what string) {
	deadline := time.Now().Add(browsertest.Timeout)
	for time.Now().Before(deadline) {
		if browsertest.Eval[bool](a.B, js) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	a.B.Fatalf("no %s shown; the page says %q %q %q", what, a.B.Text("#status"), a.B.Text("#signin-error"), a.B.Text("#export-status"))
}
