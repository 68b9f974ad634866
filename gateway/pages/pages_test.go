package pages

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

func newMux(t *testing.T) *http.ServeMux {
	t.Helper()
	h := New(nil)
	mux := http.NewServeMux()
	h.Register(mux)
	return mux
}

func get(t *testing.T, mux *http.ServeMux, path string, header http.Header) *http.Response {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w.Result()
}

func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every answer, pages, assets, QR codes and 404s alike, carries the strict
// policy and the headers that go with it.
func TestEveryAnswerCarriesTheStrictPolicy(t *testing.T) {
	mux := newMux(t)
	for _, path := range []string{"/", "/ui/verify", "/ui/assets/app.js", "/ui/assets/vendor/jsQR.js", "/ui/qr.svg?text=x", "/ui/nothing", "/ui/assets/"} {
		res := get(t, mux, path, nil)
		h := res.Header
		if h.Get("Content-Security-Policy") != CSP || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	for _, directive := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'"} {
		if !strings.Contains(CSP, directive) {
			t.Errorf("the policy lacks %q", directive)
		}
	}
	if strings.Contains(CSP, "unsafe") || strings.Contains(CSP, "http") {
		t.Errorf("the policy allows inline code or other origins: %s", CSP)
	}
}

// The pages hold no inline script or style, and name only the gateway's
// own assets, each of which is embedded and served with its type.
func TestPagesLoadOnlyEmbeddedAssets(t *testing.T) {
	mux := newMux(t)
	ref := regexp.MustCompile(`(?:src|href)="([^"]+)"`)
	for _, path := range append([]string{"/"}, pagePaths()...) {
		res := get(t, mux, path, nil)
		body := readBody(t, res)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if regexp.MustCompile(`<script(?:\s+type="module")?>|<style|\sstyle=|\son[a-z]+=`).MatchString(body) {
			t.Errorf("%s has inline script or style", path)
		}
		for _, m := range ref.FindAllStringSubmatch(body, -1) {
			u := m[1]
			if strings.HasPrefix(u, "?lang=") || strings.HasPrefix(u, "#") || u == "/" || u == "/v1/openapi.json" || isPage(u) {
				continue
			}
			if !strings.HasPrefix(u, "/ui/assets/") {
				t.Errorf("%s names %s, not an embedded asset", path, u)
				continue
			}
			a := get(t, mux, u, nil)
			if a.StatusCode != http.StatusOK || a.Header.Get("Content-Type") == "" {
				t.Errorf("%s: %d %q", u, a.StatusCode, a.Header.Get("Content-Type"))
			}
		}
	}
	for path, typ := range map[string]string{"/ui/assets/verify.js": "text/javascript; charset=utf-8", "/ui/assets/style.css": "text/css; charset=utf-8"} {
		if got := get(t, mux, path, nil).Header.Get("Content-Type"); got != typ {
			t.Errorf("%s: %q, want %q", path, got, typ)
		}
	}
}

func pagePaths() []string {
	var out []string
	for _, p := range Pages {
		out = append(out, p.Path)
	}
	return out
}

func isPage(u string) bool {
	for _, p := range Pages {
		if p.Path == u {
			return true
		}
	}
	return false
}

// The language is ?lang= (remembered in a cookie), else the cookie's, else
// Accept-Language's best match, else Chinese.
func TestTheLanguageIsChosenAndRemembered(t *testing.T) {
	mux := newMux(t)
	cookie := func(v string) http.Header { return http.Header{"Cookie": {LangCookie + "=" + v}} }
	for _, c := range []struct {
		name, path string
		header     http.Header
		want       string
		remembered bool
	}{
		{"nothing said is Chinese", "/ui/verify", nil, "zh-CN", false},
		{"English asked for", "/ui/verify", http.Header{"Accept-Language": {"en-GB,en;q=0.9"}}, "en", false},
		{"Chinese of Taiwan is Chinese", "/", http.Header{"Accept-Language": {"zh-TW"}}, "zh-CN", false},
		{"a language neither is Chinese", "/", http.Header{"Accept-Language": {"fr"}}, "zh-CN", false},
		{"a malformed header is Chinese", "/", http.Header{"Accept-Language": {";;;q=x"}}, "zh-CN", false},
		{"an over-long header is Chinese", "/", http.Header{"Accept-Language": {strings.Repeat("en,", 200)}}, "zh-CN", false},
		{"the cookie wins over the header", "/", http.Header{"Accept-Language": {"en"}, "Cookie": {LangCookie + "=zh"}}, "zh-CN", false},
		{"a cookie of no language is ignored", "/", cookie("fr"), "zh-CN", false},
		{"?lang= wins and is remembered", "/ui/verify?lang=en", cookie("zh"), "en", true},
		{"?lang= of no language is ignored", "/?lang=xx", cookie("en"), "en", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := get(t, mux, c.path, c.header)
			body := readBody(t, res)
			if !strings.Contains(body, `<html lang="`+c.want+`">`) {
				t.Errorf("want lang %s: %.200s", c.want, body)
			}
			set := res.Header.Get("Set-Cookie")
			if c.remembered != (set != "") {
				t.Errorf("Set-Cookie %q", set)
			}
			if c.remembered && (!strings.Contains(set, LangCookie+"=en") || !strings.Contains(set, "SameSite=Strict") || !strings.Contains(set, "HttpOnly")) {
				t.Errorf("Set-Cookie %q", set)
			}
		})
	}
	zh, en := readBody(t, get(t, mux, "/ui/verify?lang=zh", nil)), readBody(t, get(t, mux, "/ui/verify?lang=en", nil))
	if !strings.Contains(zh, "核验电子证照") || !strings.Contains(en, "Verify a licence") || strings.Contains(zh, "Verify a licence") {
		t.Error("the page is not in the language chosen")
	}
}

// Every key a template or script uses has both texts.
func TestEveryMessageHasBothLanguages(t *testing.T) {
	for k, m := range messages {
		if m[0] == "" || m[1] == "" {
			t.Errorf("%s: %q", k, m)
		}
	}
	mux := newMux(t)
	for _, path := range append([]string{"/"}, pagePaths()...) {
		for _, lang := range langs {
			body := readBody(t, get(t, mux, path+"?lang="+lang, nil))
			if m := regexp.MustCompile(`>\s*(?:[a-z]+\.[a-z.]+)\s*<|"(?:[a-z]+\.[a-z]+)"`).FindString(body); m != "" {
				t.Errorf("%s in %s shows a message key: %s", path, lang, m)
			}
		}
	}
	// The keys the scripts name whole are messages of theirs.
	scripts, err := fs.Glob(files, "assets/*.js")
	if err != nil || len(scripts) == 0 {
		t.Fatal(scripts, err)
	}
	for _, name := range scripts {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`msg\('([A-Za-z.]+)'[,)]`).FindAllStringSubmatch(string(b), -1) {
			if _, ok := messages["js."+m[1]]; !ok {
				t.Errorf("%s names message %q, which is not one", name, m[1])
			}
		}
	}
}

// Every message a script names is one the page hands it.
func TestEveryScriptMessageExists(t *testing.T) {
	scripts, err := fs.Glob(files, "assets/*.js")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("scripts: %v %v", scripts, err)
	}
	used := regexp.MustCompile(`msg\('([A-Za-z0-9.-]*[A-Za-z0-9-])'`) // a key in full, not a prefix
	for _, name := range scripts {
		src, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			if _, ok := messages["js."+m[1]]; !ok {
				t.Errorf("%s names message %s, which is not js.%s", name, m[1], m[1])
			}
		}
	}
}

// The refusals the page explains are codes the API answers.
func TestTheRefusalsExplainedAreTheAPIs(t *testing.T) {
	known := map[string]bool{api.CodeNonceUsed: true, api.CodeNonceExpired: true, api.CodeNonceUnknown: true, api.CodeNonceNotIssued: true,
		api.CodeNonceCapacity: true, string(record.CodeNotFound): true, "malformed": true} // malformed: the format's codes of a malformed presentation
	for code := range api.PresentationRefusals {
		known[code] = true
	}
	for k := range messages {
		if code, ok := strings.CutPrefix(k, "js.refusal."); ok && !known[code] {
			t.Errorf("%s explains %s, which the API does not answer", k, code)
		}
	}
}

// Other paths are 404, other methods 405, both short texts; /ui/ is the
// index's. No path under /ui/assets/ reaches outside the assets, however
// its dot segments are escaped.
func TestOtherPathsAndMethodsAreRefused(t *testing.T) {
	mux := newMux(t)
	if res := get(t, mux, "/ui/", nil); res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/" {
		t.Errorf("/ui/: %d %s, want a redirect to the index", res.StatusCode, res.Header.Get("Location"))
	}
	for _, path := range []string{"/ui", "/ui/verify/",
		"/ui/assets/%2e%2e/templates/verify.html", "/ui/assets/..%2ftemplates/layout.html", "/ui/assets/%2E%2E%2Ftemplates%2Flayout.html",
		"/ui/assets/wasm/..%2f..%2ftemplates/layout.html", "/ui/Verify", "/ui/assets/", "/ui/assets/nothing.js", "/ui/pages.go", "/ui/templates/layout.html", "/index.html"} {
		res := get(t, mux, path, nil)
		if path == "/ui" || path == "/index.html" { // not the pages' routes
			if res.StatusCode == http.StatusOK {
				t.Errorf("%s: 200", path)
			}
			continue
		}
		if body := readBody(t, res); res.StatusCode != http.StatusNotFound || len(body) > 100 {
			t.Errorf("%s: %d %q", path, res.StatusCode, body)
		}
	}
	if res := get(t, mux, "/ui/assets/../pages.go", nil); res.StatusCode != http.StatusTemporaryRedirect || res.Header.Get("Location") != "/ui/pages.go" {
		t.Errorf("a path with ..: %d %s (the mux cleans it to a path that is 404)", res.StatusCode, res.Header.Get("Location"))
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		r := httptest.NewRequest(m, "/ui/verify", strings.NewReader("x"))
		w := httptest.NewRecorder()
		newMux(t).ServeHTTP(w, r)
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d %q", m, w.Code, w.Header().Get("Allow"))
		}
	}
}

// /ui/qr.svg draws a text of 1 to 512 bytes of UTF-8 as an SVG QR code.
func TestQRCodesAreBounded(t *testing.T) {
	mux := newMux(t)
	res := get(t, mux, `/ui/qr.svg?text=%7B%22nonce%22%3A%22abc%22%7D`, nil)
	if body := readBody(t, res); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(body, "<svg") {
		t.Errorf("a nonce: %d %s %.100s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	for _, q := range []string{"", "?text=", "?text=" + strings.Repeat("a", MaxQRText+1), "?text=%ff"} {
		if res := get(t, mux, "/ui/qr.svg"+q, nil); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: %d", q, res.StatusCode)
		}
	}
}

// A page asked over a connection with a verified client certificate
// offers to sign in with it, naming it and its issuer (escaped), and asks
// for no key; over any other connection, a TLS one without a verified
// certificate included, it asks for the key and names no certificate.
func TestAPageAskedWithACertificateOffersIt(t *testing.T) {
	mux := newMux(t)
	ask := func(state *tls.ConnectionState) string {
		r := httptest.NewRequest(http.MethodGet, "/ui/operator?lang=en", nil)
		r.TLS = state
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return readBody(t, w.Result())
	}
	leaf := &x509.Certificate{Subject: pkix.Name{CommonName: `User1@hefei.wanledger"<b>`}, Issuer: pkix.Name{CommonName: "tlsca.hefei.wanledger"}}
	page := ask(&tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}, VerifiedChains: [][]*x509.Certificate{{leaf}}})
	for _, want := range []string{`data-cert-subject="User1@hefei.wanledger&#34;&lt;b&gt;"`, `data-cert-issuer="tlsca.hefei.wanledger"`,
		`<strong id="cert-subject">User1@hefei.wanledger&#34;&lt;b&gt;</strong>`, "Sign in with this browser&#39;s certificate"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page asked with a certificate lacks %s", want)
		}
	}
	if strings.Contains(page, `id="api-key"`) {
		t.Error("the page asked with a certificate asks for a key")
	}
	for name, state := range map[string]*tls.ConnectionState{"plain": nil, "TLS without a certificate": {PeerCertificates: []*x509.Certificate{leaf}}} {
		page := ask(state)
		if !strings.Contains(page, `id="api-key"`) || strings.Contains(page, "data-cert-") || strings.Contains(page, "cert-subject") {
			t.Errorf("%s: the page does not ask for a key alone", name)
		}
	}
}
