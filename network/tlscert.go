package network

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// issuer is a CA that signs certificates: its certificate and key.
type issuer struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// loadIssuer reads a CA (cryptogen's TLS CA: PEM certificate and PKCS #8 key).
func loadIssuer(caCertFile, caKeyFile string) (issuer, error) {
	caCert, err := readPEM(caCertFile, "CERTIFICATE")
	if err != nil {
		return issuer{}, err
	}
	ca, err := x509.ParseCertificate(caCert)
	if err != nil {
		return issuer{}, err
	}
	caKeyDER, err := readPEM(caKeyFile, "PRIVATE KEY")
	if err != nil {
		return issuer{}, err
	}
	caKey, err := x509.ParsePKCS8PrivateKey(caKeyDER)
	if err != nil {
		return issuer{}, err
	}
	signer, ok := caKey.(crypto.Signer)
	if !ok {
		return issuer{}, fmt.Errorf("%s: not a signing key", caKeyFile)
	}
	return issuer{cert: ca, key: signer}, nil
}

// issueServerCert writes dir/server.crt and dir/server.key, a TLS server
// certificate for host and the names of the machine on it signed by a CA
// (cryptogen's TLS CA: PEM certificate and PKCS #8 key), unless they exist.
func issueServerCert(caCertFile, caKeyFile, host string, on Host, dir string) error {
	certFile, keyFile := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	if _, err := os.Stat(certFile); err == nil {
		return nil
	}
	ca, err := loadIssuer(caCertFile, caKeyFile)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return ca.issue(host, x509.ExtKeyUsageServerAuth, on, certFile, keyFile)
}

// issue writes a new key (0600) and a certificate for cn signed by the CA,
// in the CA's organisation and place, good for one use: a server
// certificate names cn and the names of its host on (Host.sans), a client
// certificate names nothing.
func (ca issuer) issue(cn string, usage x509.ExtKeyUsage, on Host, certFile, keyFile string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: cn, Organization: ca.cert.Subject.Organization,
			Country: ca.cert.Subject.Country, Province: ca.cert.Subject.Province, Locality: ca.cert.Subject.Locality},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{usage},
	}
	if usage == x509.ExtKeyUsageServerAuth {
		tmpl.DNSNames = []string{cn}
		for _, n := range on.sans() {
			if ip := net.ParseIP(n); ip != nil {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			} else {
				tmpl.DNSNames = append(tmpl.DNSNames, n)
			}
		}
	}
	der, err := sign(tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return err
	}
	return writeKeyPair(certFile, der, keyFile, key)
}

// sign completes tmpl with a random serial and a ten-year validity and signs
// it (a self-signed CA when parent is tmpl).
func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = serial, now.Add(-time.Hour), now.AddDate(10, 0, 0)
	return x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
}

// writeKeyPair writes a PEM certificate (0644) and, if key is not nil, its
// PKCS #8 key (0600).
func writeKeyPair(certFile string, der []byte, keyFile string, key crypto.Signer) error {
	if key != nil {
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return err
		}
		if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
			return err
		}
	}
	return os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

func readPEM(path, typ string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != typ {
		return nil, fmt.Errorf("%s holds no PEM %s", path, typ)
	}
	return blk.Bytes, nil
}

// subject is a certificate subject: common name cn in organisation org, at
// place p (no C, ST or L for the zero Place).
func subject(cn, org string, p Place) pkix.Name {
	n := pkix.Name{CommonName: cn, Organization: []string{org}}
	if p != (Place{}) {
		n.Country, n.Province, n.Locality = []string{p.Country}, []string{p.Province}, []string{p.Locality}
	}
	return n
}
