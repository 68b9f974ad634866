// Package testca is a certificate authority for tests: it makes a CA, or
// loads one (a cryptogen TLS CA: PEM certificate and PKCS #8 key), and
// issues TLS server and client certificates (ECDSA P-256, valid from an
// hour ago for a day) into a test's files. Every failure fails the test.
package testca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA signs certificates.
type CA struct {
	Cert *x509.Certificate
	key  crypto.Signer
}

// New makes a CA named cn (its subject's common name).
func New(t testing.TB, cn string) CA {
	t.Helper()
	key := newKey(t)
	tmpl := template(t, cn)
	tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.KeyUsage = true, true, x509.KeyUsageCertSign
	return CA{Cert: parse(t, sign(t, tmpl, tmpl, key.Public(), key)), key: key}
}

// Load reads a CA's PEM certificate and key files (the key PKCS #8, or a
// certificate and key tls.LoadX509KeyPair reads).
func Load(t testing.TB, certFile, keyFile string) CA {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatalf("testca: %v", err)
	}
	return CA{Cert: pair.Leaf, key: pair.PrivateKey.(crypto.Signer)}
}

// WriteCert writes the CA's certificate to path as PEM and answers path.
func (ca CA) WriteCert(t testing.TB, path string) string {
	t.Helper()
	writePEM(t, path, "CERTIFICATE", ca.Cert.Raw)
	return path
}

// Server issues a server certificate for cn, 127.0.0.1 and localhost into
// dir (cn.crt, cn.key) and answers its files.
func (ca CA) Server(t testing.TB, dir, cn string) (certFile, keyFile string) {
	t.Helper()
	tmpl := template(t, cn)
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	tmpl.DNSNames, tmpl.IPAddresses = []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)}
	return ca.issue(t, dir, tmpl)
}

// Client issues a client certificate for cn into dir (cn.crt, cn.key),
// in the CA's organisation, and answers its files.
func (ca CA) Client(t testing.TB, dir, cn string) (certFile, keyFile string) {
	t.Helper()
	tmpl := template(t, cn)
	tmpl.Subject.Organization = ca.Cert.Subject.Organization
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	return ca.issue(t, dir, tmpl)
}

func (ca CA) issue(t testing.TB, dir string, tmpl *x509.Certificate) (certFile, keyFile string) {
	t.Helper()
	key := newKey(t)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der := sign(t, tmpl, ca.Cert, key.Public(), ca.key)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("testca: %v", err)
	}
	certFile, keyFile = filepath.Join(dir, tmpl.Subject.CommonName+".crt"), filepath.Join(dir, tmpl.Subject.CommonName+".key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "PRIVATE KEY", keyDER)
	return certFile, keyFile
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("testca: %v", err)
	}
	return key
}

// template is a certificate for cn with a random serial, valid from an
// hour ago for a day.
func template(t testing.TB, cn string) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		t.Fatalf("testca: %v", err)
	}
	now := time.Now()
	return &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour)}
}

func sign(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatalf("testca: %v", err)
	}
	return der
}

func parse(t testing.TB, der []byte) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("testca: %v", err)
	}
	return c
}

func writePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatalf("testca: %v", err)
	}
}
