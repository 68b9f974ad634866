// Package pages serves the gateway's web pages for the people who use it:
// "/" (the index of pages) and the pages of Pages under "/ui/" (the
// verifier's, the citizen's, the issuer's, the auditor's, the operator's),
// with their scripts, styles and vendored libraries embedded in the binary,
// so a gateway serves them with no internet access. Pages load without an
// API key; the /v1 calls their scripts make carry the key the user signs in
// with (Authorization: Bearer, kept in the tab's sessionStorage), or on the
// mutual-TLS listener the browser's client certificate, or for the
// citizen, who has none, a challenge signed with their wallet key in the
// page.
//
// Every answer carries a strict Content-Security-Policy (scripts, styles,
// images and connections from the gateway itself only; no inline script or
// style). Pages are in Chinese and English: ?lang=zh|en chooses and is
// remembered in a cookie, else the cookie, else Accept-Language (Chinese
// when neither matches). docs/pages.md describes the pages.
package pages

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/wanledger/wanledger/api/record"
)

//go:embed assets templates
var files embed.FS

// CSP is the Content-Security-Policy of every answer: the page's own
// origin only, no inline script or style, no framing, forms posting to the
// gateway only.
const CSP = "default-src 'none'; " + scriptSrc + "; style-src 'self'; img-src 'self' blob:; connect-src 'self'; media-src 'self' blob:; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// scriptSrc is CSP's script-src of a page without the WebAssembly module;
// wasmScriptSrc of a page with it.
const (
	scriptSrc     = "script-src 'self'"
	wasmScriptSrc = "script-src 'self' 'wasm-unsafe-eval'"
)

// Page is one page: its path, its template and the message keys of its
// title and summary.
type Page struct {
	Path     string
	Template string
	Title    string // a message key
	Summary  string // a message key
	// WASM lets the page compile the pages' WebAssembly module (CSP
	// 'wasm-unsafe-eval', which allows no JavaScript eval).
	WASM bool
}

// Pages are the pages served, in the index's order.
var Pages = []Page{
	{Path: "/ui/verify", Template: "verify.html", Title: "verify.title", Summary: "verify.summary"},
	{Path: "/ui/wallet", Template: "wallet.html", Title: "wallet.title", Summary: "wallet.summary", WASM: true},
	{Path: "/ui/issue", Template: "issue.html", Title: "issue.title", Summary: "issue.summary", WASM: true},
	{Path: "/ui/audit", Template: "audit.html", Title: "audit.title", Summary: "audit.summary"},
	{Path: "/ui/operator", Template: "operator.html", Title: "operator.title", Summary: "operator.summary"},
}

// Handler serves "/" and "/ui/" (pages, assets and /ui/qr.svg).
type Handler struct {
	tmpl   map[string]*template.Template
	assets http.Handler
	log    *slog.Logger
}

// parsed are the pages' templates by name, parsed once: they are
// embedded, so a broken one fails every test of this package.
var parsed = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	funcs := template.FuncMap{"t": func(string) string { return "" }, "reasons": record.ReasonCodes, "reasonKinds": reasonKinds}
	for _, name := range append([]string{"index.html"}, templates()...) {
		out[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/signin.html", "templates/"+name))
	}
	return out
}()

// New is the pages' handler; log (nil: none) hears of pages that fail to
// render.
func New(log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// /ui/assets/X is X of the assets directory, and nothing outside it
	// (not the templates) whatever the path's dot segments.
	assets, err := fs.Sub(files, "assets")
	if err != nil {
		panic(err) // the directory is embedded: this cannot fail
	}
	return &Handler{tmpl: parsed, assets: http.StripPrefix("/ui/assets", http.FileServerFS(assets)), log: log}
}

func templates() []string {
	out := make([]string, len(Pages))
	for i, p := range Pages {
		out[i] = p.Template
	}
	return out
}

// Register adds the pages' routes to mux: "GET /{$}" and "/ui/".
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", h)
	mux.Handle("/ui/", h)
}

// ServeHTTP answers GET and HEAD of a page, an asset or a QR code; any
// other method 405, any other path 404, each as a short text.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secure(w.Header())
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; {
	case p == wasmPath:
		serveWASM(w, r)
	case strings.HasPrefix(p, "/ui/assets/") && path.Clean(p) == p && !strings.HasSuffix(p, ".wasm.gz"):
		w.Header().Set("Cache-Control", "no-cache")
		h.assets.ServeHTTP(w, r)
	case p == "/ui/qr.svg":
		serveQR(w, r)
	case p == "/":
		h.render(w, r, "index.html", "index.title")
	case p == "/ui/":
		http.Redirect(w, r, "/", http.StatusFound)
	default:
		for _, pg := range Pages {
			if p == pg.Path {
				if pg.WASM {
					w.Header().Set("Content-Security-Policy", strings.Replace(CSP, scriptSrc, wasmScriptSrc, 1))
				}
				h.render(w, r, pg.Template, pg.Title)
				return
			}
		}
		http.Error(w, "404 page not found", http.StatusNotFound)
	}
}

// secure sets the headers every answer carries.
func secure(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// view is what a template sees.
type view struct {
	Lang     string // zh or en
	HTMLLang string // zh-CN or en
	Title    string // a message key
	Path     string
	Pages    []Page
	Messages string // the scripts' messages, JSON
	// Certificate is the verified TLS client certificate the page was
	// asked with (the mutual-TLS listener), or nil.
	Certificate *certificate
}

// certificate names a client certificate as the sign-in shows it (the
// common names of its subject and its issuer).
type certificate struct {
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
}

// clientCertificate is the verified client certificate of r's connection,
// or nil.
func clientCertificate(r *http.Request) *certificate {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
		return nil
	}
	c := r.TLS.PeerCertificates[0]
	return &certificate{Subject: c.Subject.CommonName, Issuer: c.Issuer.CommonName}
}

// statusChanges are the licence status changes the issuer's page offers,
// by their path's action, with the kind of their reason codes.
var statusChanges = map[string]record.ReasonKind{
	"suspend": record.ReasonLicenceSuspension, "reinstate": record.ReasonLicenceReinstatement, "revoke": record.ReasonLicenceRevocation,
}

func reasonKinds() map[string]record.ReasonKind { return statusChanges }

// render writes a page in the request's language.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, title string) {
	lang := chooseLang(w, r)
	msgs, err := json.Marshal(scriptMessages(lang))
	if err != nil {
		h.log.Error("pages: messages", "err", err)
		http.Error(w, "500 internal error", http.StatusInternalServerError)
		return
	}
	v := view{Lang: lang, HTMLLang: map[string]string{"zh": "zh-CN", "en": "en"}[lang], Title: title, Path: r.URL.Path, Pages: Pages, Messages: string(msgs),
		Certificate: clientCertificate(r)}
	t, err := h.tmpl[name].Clone()
	if err == nil {
		t.Funcs(template.FuncMap{"t": func(key string) string { return message(lang, key) }})
		var b bytes.Buffer
		if err = t.Execute(&b, v); err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Vary", "Accept-Language, Cookie")
			b.WriteTo(w) //nolint:errcheck // the client may have gone
			return
		}
	}
	h.log.Error("pages: render", "page", name, "err", err)
	http.Error(w, "500 internal error", http.StatusInternalServerError)
}
