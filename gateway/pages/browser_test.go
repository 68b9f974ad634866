package pages

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/internal/browsertest"
)

// In a real browser, with the keyboard alone: the index leads to the
// verifier's page; the language chosen there is remembered on the next
// page; an empty key is refused by the form itself; every page passes axe
// in both languages and gives no console error or policy violation (the
// scripts and styles all load under the policy).
func TestThePagesWorkWithTheKeyboardInBothLanguages(t *testing.T) {
	mux := http.NewServeMux()
	New(nil).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := browsertest.Start(t, browsertest.Options{})

	b.Open(srv.URL + "/?lang=zh")
	b.WaitText("h1", "页面")
	b.CheckAccessibility()
	b.Screenshot("index-zh")
	b.TabTo("lang-en", 10)
	b.Press(browsertest.Enter)
	b.WaitText("h1", "Pages")
	b.CheckAccessibility()
	b.Press(browsertest.Tab) // the page starts again from the top
	if got := b.Focused(); got != "" || !strings.Contains(browsertest.Eval[string](b, `document.activeElement.textContent`), "Skip") {
		t.Errorf("the first stop is %q, not the skip link", got)
	}
	for range 4 {
		if browsertest.Eval[string](b, `document.activeElement.getAttribute('href')`) == "/ui/verify" {
			break
		}
		b.Press(browsertest.Tab)
	}
	b.Press(browsertest.Enter)
	b.WaitText("h1", "Verify a licence") // English remembered
	if !browsertest.Eval[bool](b, `!document.getElementById('signin').hidden && document.getElementById('work').hidden`) {
		t.Error("signed out, the page shows more than the sign-in form")
	}
	b.CheckAccessibility()
	b.Screenshot("verify-en")
	b.TabTo("signin-button", 10)
	b.Press(browsertest.Enter)
	b.WaitText("#signin-error", "Enter an API key.")
	if got := b.Focused(); got != "api-key" {
		t.Errorf("after an empty key the focus is on %q", got)
	}

	b.Open(srv.URL + "/ui/verify?lang=zh")
	b.WaitText("h1", "核验电子证照")
	if lang := browsertest.Eval[string](b, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("lang %q", lang)
	}
	b.CheckAccessibility()
	b.NoProblems()
}
