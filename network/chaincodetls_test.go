package network

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/chaincode/serverconfig"
	"github.com/wanledger/wanledger/network/ccaas"
	"github.com/wanledger/wanledger/network/fabricbin"
)

func testNetwork(t *testing.T) *Network {
	t.Helper()
	nw, err := New(Default(), t.TempDir(), fabricbin.Install{}, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	return nw
}

func parseCertFile(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	der, err := readPEM(path, "CERTIFICATE")
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// verifiesAs tells whether cert chains to the CA in caFile for usage.
func verifiesAs(t *testing.T, cert *x509.Certificate, caFile string, usage x509.ExtKeyUsage) bool {
	pool := x509.NewCertPool()
	pool.AddCert(parseCertFile(t, caFile))
	_, err := cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{usage}})
	return err == nil
}

// orgTLSCA stands for an organisation's TLS CA: it issues a client
// certificate, as cryptogen does for every user and node.
func orgTLSCA(t *testing.T, dir string) *x509.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "tlsca.hefei.wanledger"}, KeyUsage: x509.KeyUsageCertSign,
		BasicConstraintsValid: true, IsCA: true}
	der, err := sign(tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	crt, k := filepath.Join(dir, "user.crt"), filepath.Join(dir, "user.key")
	if err := (issuer{cert: ca, key: key}).issue("User1@hefei.wanledger", x509.ExtKeyUsageClientAuth, Host{}, crt, k); err != nil {
		t.Fatal(err)
	}
	return parseCertFile(t, crt)
}

func TestChaincodeLinkCAAdmitsOnlyItsPeerAsAClient(t *testing.T) {
	nw := testNetwork(t)
	if _, err := nw.ensureChaincodeTLS(t.Context()); err != nil {
		t.Fatal(err)
	}
	hefei, _ := nw.Topo.Org("hefei")
	wuhu, _ := nw.Topo.Org("wuhu")
	link := nw.Home.ChaincodeTLS(hefei)

	peer := parseCertFile(t, link.PeerCert)
	if !verifiesAs(t, peer, link.CA, x509.ExtKeyUsageClientAuth) {
		t.Error("the peer's certificate does not pass the server's client check")
	}
	srv := parseCertFile(t, link.ServerCert)
	if !verifiesAs(t, srv, link.CA, x509.ExtKeyUsageServerAuth) || srv.VerifyHostname("127.0.0.1") != nil {
		t.Error("the server's certificate does not verify for 127.0.0.1 under the link CA")
	}
	for name, c := range map[string]*x509.Certificate{
		"the server's own certificate":         srv,
		"a user certificate of the org TLS CA": orgTLSCA(t, t.TempDir()),
		"Wuhu's peer link certificate":         parseCertFile(t, nw.Home.ChaincodeTLS(wuhu).PeerCert),
	} {
		if verifiesAs(t, c, link.CA, x509.ExtKeyUsageClientAuth) {
			t.Errorf("%s passes Hefei's chaincode server's client check", name)
		}
	}
	if ca := parseCertFile(t, link.CA); !ca.IsCA || !ca.MaxPathLenZero {
		t.Errorf("link CA: IsCA %v, MaxPathLenZero %v", ca.IsCA, ca.MaxPathLenZero)
	}
}

func TestChaincodeLinkMaterialIsPrivateMadeOnceAndKeepsNoCAKey(t *testing.T) {
	nw := testNetwork(t)
	if changed, err := nw.ensureChaincodeTLS(t.Context()); err != nil || !changed {
		t.Fatalf("first run: changed %v, %v", changed, err)
	}
	hefei, _ := nw.Topo.Org("hefei")
	link := nw.Home.ChaincodeTLS(hefei)
	before, _ := os.ReadFile(link.PeerCert)
	if changed, err := nw.ensureChaincodeTLS(t.Context()); err != nil || changed {
		t.Fatalf("second run: changed %v, %v", changed, err)
	}
	if after, _ := os.ReadFile(link.PeerCert); string(after) != string(before) {
		t.Error("the second run replaced the peer's certificate")
	}
	dir := nw.Home.chaincodeTLSDir(hefei)
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"ca.crt", "peer.crt", "peer.key", "server.crt", "server.key"}; !slices.Equal(names, want) {
		t.Errorf("%s holds %v, want %v (no CA key)", dir, names, want)
	}
	for path, mode := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, link.PeerKey: 0o600, link.ServerKey: 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode() != mode {
			t.Errorf("%s: mode %v, want %v (%v)", path, fi.Mode(), mode, err)
		}
	}

	// Incomplete material is an error, not silently remade.
	if err := os.Remove(link.ServerKey); err != nil {
		t.Fatal(err)
	}
	if _, err := nw.ensureChaincodeTLS(t.Context()); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("incomplete material: %v", err)
	}
	// Material missing under a peer that already built the chaincode (and
	// keeps the old certificates in its build cache) is an error.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	builds := filepath.Join(nw.Home.NodeDir(nw.Topo.Peer("hefei").Name), "data", "externalbuilder", "builds")
	if err := os.MkdirAll(builds, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := nw.ensureChaincodeTLS(t.Context()); err == nil || !strings.Contains(err.Error(), "already built") {
		t.Errorf("material missing under a built peer: %v", err)
	}
}

func TestChaincodeServerTrustsOnlyTheLinkCA(t *testing.T) {
	nw := testNetwork(t)
	hefei, _ := nw.Topo.Org("hefei")
	n, _ := nw.Topo.Node("chaincode.hefei")
	env, err := nw.chaincodeEnv(n)
	if err != nil {
		t.Fatal(err)
	}
	link := nw.Home.ChaincodeTLS(hefei)
	for _, want := range []string{
		serverconfig.EnvClientCA + "=" + link.CA,
		serverconfig.EnvTLSCert + "=" + link.ServerCert,
		serverconfig.EnvTLSKey + "=" + link.ServerKey,
	} {
		if !slices.Contains(env, want) {
			t.Errorf("chaincode server environment lacks %s: %v", want, env)
		}
	}
	for _, v := range env {
		if strings.Contains(v, nw.Home.OrgTLSCA(hefei)) {
			t.Errorf("the chaincode server still trusts the organisation's TLS CA: %s", v)
		}
	}
}

func TestPeerDialsItsChaincodeServerWithTheLinkCertificate(t *testing.T) {
	nw := testNetwork(t)
	nw.Fabric.ConfigDir = t.TempDir()
	if err := os.WriteFile(filepath.Join(nw.Fabric.ConfigDir, "core.yaml"), []byte("vm:\n  endpoint: unix:///var/run/docker.sock\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	hefei, _ := nw.Topo.Org("hefei")
	env, err := nw.peerEnv(nw.Topo.Peer("hefei"))
	if err != nil {
		t.Fatal(err)
	}
	link := nw.Home.ChaincodeTLS(hefei)
	for _, want := range []string{
		ccaas.EnvRootCert + "=" + link.CA,
		ccaas.EnvClientCert + "=" + link.PeerCert,
		ccaas.EnvClientKey + "=" + link.PeerKey,
	} {
		if !slices.Contains(env, want) {
			t.Errorf("peer environment lacks %s", want)
		}
	}
}
