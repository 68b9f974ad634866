package pagetest

import (
	"strings"

	"github.com/wanledger/wanledger/internal/browsertest"
)

// Certificate is the client certificate a page served on the mutual-TLS
// listener offers to sign in with: its subject's and issuer's common
// names, as shown.
func Certificate(b *browsertest.Browser) (subject, issuer string) {
	return strings.TrimSpace(b.Text("#cert-subject")), strings.TrimSpace(b.Text("#cert-issuer"))
}

// SignInByCertificate moves to the page's "Sign in with this browser's
// certificate" with Tab and presses Enter.
func SignInByCertificate(b *browsertest.Browser) {
	b.TabTo("signin-button", maxTabs)
	b.Press(browsertest.Enter)
}

// SignedInAs waits for the page to show its work signed in, and answers
// who it shows is signed in and the detail beside it.
func SignedInAs(b *browsertest.Browser) (identity, detail string) {
	if !browsertest.Eval[bool](b, `new Promise((ok) => { const t = setInterval(() => {
		if (document.getElementById('session').hidden || document.getElementById('identity').textContent === '') return;
		clearInterval(t); ok(true); }, 50); })`) {
		b.Fatalf("the page does not show itself signed in")
	}
	return strings.TrimSpace(b.Text("#identity")), strings.TrimSpace(b.Text("#identity-detail"))
}

// SignInError waits for the sign-in form's error and answers it: "CODE:
// message" for a refused sign-in.
func SignInError(b *browsertest.Browser) string { return signInError(b) }
