package gateway

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/testca"
)

// mtlsGateway is a gateway served on a mutual-TLS listener of its real
// configuration (mtlsConfig), whose keys bind the client certificates
// User6@hefei.test to the auditor role and User9@hefei.test to no role;
// files are the test's certificates.
type mtlsGateway struct {
	url               string
	serverCA          string
	auditor, roleless browsertest.ClientCert
	client            func(c browsertest.ClientCert) *http.Client
}

func newMTLSGateway(t *testing.T) *mtlsGateway {
	dir := t.TempDir()
	ca := testca.New(t, "tlsca.hefei.test")
	caFile := ca.WriteCert(t, filepath.Join(dir, "ca.crt"))
	serverCert, serverKey := ca.Server(t, dir, "gateway.hefei.test")
	m := &mtlsGateway{serverCA: caFile}
	for _, c := range []struct {
		cn string
		to *browsertest.ClientCert
	}{{"User6@hefei.test", &m.auditor}, {"User9@hefei.test", &m.roleless}} {
		cert, key := ca.Client(t, dir, c.cn)
		*c.to = browsertest.ClientCert{Cert: cert, Key: key, ServerCA: caFile}
	}
	ks, err := keys.New([]keys.APIKey{
		{ID: "cert-User6", CertSubject: "User6@hefei.test", Identity: "User6", Roles: []string{"auditor"}},
		{ID: "cert-User9", CertSubject: "User9@hefei.test", Identity: "User9"},
	})
	if err != nil {
		t.Fatal(err)
	}
	store, err := cache.Open(t.TempDir(), "anhui", slog.New(slog.DiscardHandler), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := &config.Config{Org: "hefei", MSPID: "HefeiMSP", Channel: "anhui", Chaincode: "wanledger", MaxStaleness: config.Duration{Duration: 10 * time.Second},
		Identities: []config.Identity{{Name: "User6"}, {Name: "User9"}}, PublicURL: "https://127.0.0.1:17161", Timeouts: config.DefaultTimeouts}
	g := New(cfg, slog.New(slog.DiscardHandler), &fakeLedger{result: []byte(`{}`)}, nil, store, ks, nil)
	g.lastSync.Store(time.Now().UnixNano())
	tc, err := mtlsConfig(&config.MTLSConfig{Cert: serverCert, Key: serverKey, ClientCA: caFile})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(g.Handler())
	srv.TLS = tc
	srv.StartTLS()
	t.Cleanup(srv.Close)
	m.url = srv.URL
	m.client = func(c browsertest.ClientCert) *http.Client {
		pair, err := tls.LoadX509KeyPair(c.Cert, c.Key)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AddCert(ca.Cert)
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{pair}}}}
	}
	return m
}

// On the mutual-TLS listener, GET /v1/keys/self shows the certificate's
// entry with the organisation's MSP ID, even one with no role; a write a
// browser says another site made with the certificate is refused
// CROSS_ORIGIN before the role is checked, while the same call without a
// browser's headers reaches the role check; so is a read.
func TestACertificateSeesItselfAndAnotherSiteCannotUseIt(t *testing.T) {
	m := newMTLSGateway(t)
	for _, c := range []struct {
		cert  browsertest.ClientCert
		roles []string
	}{{m.auditor, []string{"auditor"}}, {m.roleless, nil}} {
		resp, err := m.client(c.cert).Get(m.url + "/v1/keys/self")
		if err != nil {
			t.Fatal(err)
		}
		var self struct {
			ID, Identity, CertSubject, MSPID string
			Roles                            []string
		}
		err = json.NewDecoder(resp.Body).Decode(&self)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || self.MSPID != "HefeiMSP" || !strings.HasPrefix(self.CertSubject, self.Identity+"@") || strings.Join(self.Roles, ",") != strings.Join(c.roles, ",") {
			t.Errorf("self of %s: %d %+v %v", c.cert.Cert, resp.StatusCode, self, err)
		}
	}
	// fromSite sends the auditor's call as a browser says site made it
	// ("": not a browser).
	fromSite := func(method, path, site string) *http.Response {
		req, _ := http.NewRequest(method, m.url+path, nil)
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		resp, err := m.client(m.auditor).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, c := range []struct{ site, code string }{{"cross-site", "CROSS_ORIGIN"}, {"same-site", "CROSS_ORIGIN"}, {"", "FORBIDDEN"}, {"same-origin", "FORBIDDEN"}} {
		resp := fromSite(http.MethodPost, "/v1/keys/cert-User9/revoke", c.site)
		var e struct{ Code string }
		err := json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusForbidden || e.Code != c.code {
			t.Errorf("a revocation sent %q: %d %+v %v", c.site, resp.StatusCode, e, err)
		}
	}
	// A read another site asks for is refused too, before it is built;
	// every answer is kept out of caches.
	for _, c := range []struct {
		site string
		code int
	}{{"cross-site", http.StatusForbidden}, {"same-site", http.StatusForbidden}, {"none", http.StatusOK}, {"same-origin", http.StatusOK}, {"", http.StatusOK}} {
		resp := fromSite(http.MethodGet, "/v1/keys/self", c.site)
		resp.Body.Close()
		if resp.StatusCode != c.code || resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("a read sent %q: %d %q %q, want %d, no-store, nosniff", c.site, resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("X-Content-Type-Options"), c.code)
		}
	}
}

// The pages on the mutual-TLS listener, in a real browser holding a
// client certificate, with the keyboard alone: the auditor's page offers
// the browser's certificate, signs in with it and shows who it is (its
// MSP and roles), and its trace form; the operator's page refuses it
// WRONG_ROLE, in Chinese; a certificate bound to no role is refused
// NO_ROLE. Each state passes axe, with no console error.
func TestThePagesSignInWithTheBrowsersCertificate(t *testing.T) {
	m := newMTLSGateway(t)
	b := browsertest.Start(t, browsertest.Options{ClientCert: &m.auditor})
	pagetest.OpenAuditor(b, m.url, "en")
	if subject, issuer := pagetest.Certificate(b); subject != "User6@hefei.test" || issuer != "tlsca.hefei.test" {
		t.Errorf("the page offers %q issued by %q", subject, issuer)
	}
	if b.Text("#api-key") != "" || browsertest.Eval[bool](b, `document.getElementById('api-key') !== null`) {
		t.Error("the certificate's page asks for an API key")
	}
	b.CheckAccessibility()
	b.Screenshot("auditor-offers-the-certificate")
	pagetest.SignInByCertificate(b)
	if who, detail := pagetest.SignedInAs(b); who != "User6@hefei.test" || detail != "(HefeiMSP, by certificate; roles: auditor)" {
		t.Errorf("signed in as %q %q", who, detail)
	}
	if !browsertest.Eval[bool](b, `!document.getElementById('work').hidden`) {
		t.Error("the trace form is not shown")
	}
	b.CheckAccessibility()

	pagetest.OpenOperator(b, m.url, "zh")
	pagetest.SignInByCertificate(b)
	if got, want := pagetest.SignInError(b), "WRONG_ROLE: 证书 User6@hefei.test 的角色为 auditor；本页面需要以下角色之一：operator、admin。"; got != want {
		t.Errorf("the operator's page to an auditor: %q, want %q", got, want)
	}
	b.CheckAccessibility()
	b.Screenshot("operator-refuses-an-auditor")
	b.NoProblems()

	nobody := browsertest.Start(t, browsertest.Options{ClientCert: &m.roleless})
	pagetest.OpenVerifier(nobody, m.url, "en")
	pagetest.SignInByCertificate(nobody)
	if got := pagetest.SignInError(nobody); got != "NO_ROLE: The certificate User9@hefei.test acts as User9 but holds no role. Ask your organisation's admin for one." {
		t.Errorf("the verifier's page to a certificate of no role: %q", got)
	}
	nobody.NoProblems()
}
