package network

import (
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/network/fabricbin"
)

// The certificates the real cryptogen makes from the rendered input, the
// chaincode link's and the gateways' TLS certificates name where each organisation is (C, ST, L) in subject and
// issuer, as both crypto/x509 and openssl read them; and a client ID made
// from openssl's RFC 2253 names is the one the chaincode binds roles to.
// It runs the cached Fabric tools (building them the first time).
func TestCertificatesNameTheOrganisationsPlace(t *testing.T) {
	fab, err := fabricbin.Ensure(t.Context(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	nw, err := New(Default(), t.TempDir(), fab, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nw.ensureCrypto(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := nw.ensureChaincodeTLS(t.Context()); err != nil {
		t.Fatal(err)
	}
	h := nw.Home
	check := func(file string, p Place) {
		t.Helper()
		c := parseCertFile(t, file)
		for _, n := range []struct {
			what     string
			c, st, l []string
		}{{"subject", c.Subject.Country, c.Subject.Province, c.Subject.Locality}, {"issuer", c.Issuer.Country, c.Issuer.Province, c.Issuer.Locality}} {
			if !slices.Equal(n.c, []string{p.Country}) || !slices.Equal(n.st, []string{p.Province}) || !slices.Equal(n.l, []string{p.Locality}) {
				t.Errorf("%s: %s C=%v ST=%v L=%v, want %+v", file, n.what, n.c, n.st, n.l, p)
			}
		}
		want := "L=" + p.Locality + ",ST=" + p.Province + ",C=" + p.Country
		subject, issuer := openssl(t, file, "-subject"), openssl(t, file, "-issuer")
		if !strings.HasSuffix(subject, want) || !strings.HasSuffix(issuer, want) {
			t.Errorf("%s: openssl reads subject %q, issuer %q; want both ending in %q", file, subject, issuer, want)
		}
		if id := record.ClientIDOf(c); id != "x509::"+subject+"::"+issuer {
			t.Errorf("%s: client ID %q, openssl's names %q and %q", file, id, subject, issuer)
		}
	}
	for _, o := range nw.Topo.Orgs {
		peer := nw.Topo.Peer(o.Name)
		check(filepath.Join(h.OrgMSP(o), "cacerts", "ca."+o.Domain()+"-cert.pem"), o.Place)
		check(h.OrgTLSCA(o), o.Place)
		check(filepath.Join(h.NodeMSP(peer), "signcerts", peer.Host+"-cert.pem"), o.Place)
		check(h.NodeTLS(peer).Cert, o.Place)
		for _, user := range []string{"Admin", "User2"} {
			msp, tls := h.User(o, user)
			check(filepath.Join(msp, "signcerts", user+"@"+o.Domain()+"-cert.pem"), o.Place)
			check(tls.Cert, o.Place)
		}
		link := h.ChaincodeTLS(o)
		check(link.ServerCert, o.Place)
		check(link.PeerCert, o.Place)
		gw := t.TempDir()
		if err := issueServerCert(h.OrgTLSCA(o), h.OrgTLSCAKey(o), "gateway."+o.Domain(), loopbackHost, gw); err != nil {
			t.Fatal(err)
		}
		check(filepath.Join(gw, "server.crt"), o.Place)
	}
	for _, n := range nw.Topo.NodesOf(KindOrderer) {
		p := nw.Topo.ordererOrg(n).Place
		check(filepath.Join(h.NodeMSP(n), "signcerts", n.Host+"-cert.pem"), p)
		check(h.NodeTLS(n).Cert, p)
	}
	hefei, _ := nw.Topo.Org("hefei")
	if hefei.Place != (Place{"CN", "Anhui", "Hefei"}) {
		t.Errorf("Hefei is at %+v", hefei.Place)
	}
}

// openssl prints a certificate's subject or issuer (-subject, -issuer) as an
// RFC 2253 name.
func openssl(t *testing.T, file, which string) string {
	t.Helper()
	out, err := exec.Command("openssl", "x509", "-in", file, "-noout", which, "-nameopt", "RFC2253").Output()
	if err != nil {
		t.Fatalf("openssl x509 %s %s: %v", which, file, err)
	}
	s := strings.TrimSpace(string(out))
	_, name, _ := strings.Cut(s, "=")
	return name
}

func TestAPlaceIsACountryCodeAndTwoPlainNames(t *testing.T) {
	for _, p := range []Place{{}, {"CN", "Anhui", "Hefei"}, {"CN", "Inner Mongolia", "Hohhot"}} {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	for _, p := range []Place{
		{"China", "Anhui", "Hefei"}, {"cn", "Anhui", "Hefei"}, {"CN", "", "Hefei"}, {"CN", "Anhui", ""},
		{"CN", "Anhui: x", "Hefei"}, {"CN", "Anhui", "Hefei "}, {"CN", "安徽", "合肥"}, {"CN", "Anhui", strings.Repeat("a", 65)},
		{"CN", "Anhui", "'Hefei'"}, {"", "Anhui", "Hefei"},
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%+v was accepted", p)
		}
	}
	topo := Default()
	topo.Orgs[1].Place.Locality = "Hefei\n"
	if err := topo.Validate(); err == nil || !strings.Contains(err.Error(), "hefei") {
		t.Errorf("a topology with a bad place: %v", err)
	}
}
