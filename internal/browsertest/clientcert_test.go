package browsertest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/wanledger/wanledger/internal/testca"
)

// A server that requires a TLS client certificate of its clients' CA gets
// the one the browser was started with, chosen without a dialog, on the
// page and on the page's fetch; the browser trusts the server's CA, so
// the page is no certificate error's.
func TestTheBrowserPresentsItsClientCertificate(t *testing.T) {
	dir := t.TempDir()
	servers, clients := testca.New(t, "servers' CA"), testca.New(t, "clients' CA")
	serverCert, serverKey := servers.Server(t, dir, "server")
	clientCert, clientKey := clients.Client(t, dir, "clerk@example.org")
	pair, err := tls.LoadX509KeyPair(serverCert, serverKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(clients.Cert)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>who</title><script src="/who.js"></script></head><body><main><h1>%s</h1><p id="fetched"></p></main></body></html>`,
			r.TLS.PeerCertificates[0].Subject.CommonName)
	})
	mux.HandleFunc("GET /who.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `fetch('/who', {credentials: 'same-origin'}).then((r) => r.text()).then((t) => { document.getElementById('fetched').textContent = t; });`)
	})
	mux.HandleFunc("GET /who", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.TLS.PeerCertificates[0].Subject.CommonName)
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	b := Start(t, Options{ClientCert: &ClientCert{Cert: clientCert, Key: clientKey, ServerCA: servers.WriteCert(t, filepath.Join(dir, "servers-ca.crt"))}})
	b.Open(srv.URL + "/")
	b.WaitText("h1", "clerk@example.org")
	b.WaitText("#fetched", "clerk@example.org")
	b.NoProblems()
}
