package browsertest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// ClientCert is a TLS client certificate the browser presents, chosen
// without a dialog, to every server that asks for a certificate of its
// issuer; and the CA the browser trusts for servers' certificates.
type ClientCert struct {
	Cert, Key string // PEM files: the certificate and its private key
	ServerCA  string // PEM file: the CA of the servers' certificates
}

// clientCertHome makes what chromium on Linux needs to present c: a
// home directory (HOME of the browser's process) whose NSS database
// ($HOME/.pki/nssdb) holds the certificate with its key and trusts the
// servers' CA, and the profile's preference that
// AutoSelectCertificateForUrls sets (content setting
// auto_select_certificate, pattern "*,*", filter: the certificate's
// issuer's CN), written into profile before chromium starts. It uses NSS's
// certutil and pk12util (Debian libnss3-tools, which
// scripts/install-chromium.sh installs); nothing outside the test's
// directories is touched.
func clientCertHome(ctx context.Context, c ClientCert, home, profile string) error {
	pair, err := tls.LoadX509KeyPair(c.Cert, c.Key)
	if err != nil {
		return fmt.Errorf("client certificate: %w", err)
	}
	p12, err := pkcs12.Modern.Encode(pair.PrivateKey, pair.Leaf, nil, "")
	if err != nil {
		return fmt.Errorf("client certificate as PKCS #12: %w", err)
	}
	db := filepath.Join(home, ".pki", "nssdb")
	p12File := filepath.Join(home, "client.p12")
	if err := os.MkdirAll(db, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(p12File, p12, 0o600); err != nil {
		return err
	}
	for _, args := range [][]string{
		{"certutil", "-N", "-d", "sql:" + db, "--empty-password"},
		{"pk12util", "-i", p12File, "-d", "sql:" + db, "-W", ""},
		{"certutil", "-A", "-d", "sql:" + db, "-n", "server CA", "-t", "C,,", "-i", c.ServerCA},
	} {
		if err := nss(ctx, args...); err != nil {
			return err
		}
	}
	prefs := map[string]any{"profile": map[string]any{"content_settings": map[string]any{"exceptions": map[string]any{
		"auto_select_certificate": map[string]any{"*,*": map[string]any{"setting": map[string]any{
			"filters": []any{map[string]any{"ISSUER": map[string]string{"CN": pair.Leaf.Issuer.CommonName}}}}}}}}}}
	b, err := json.Marshal(prefs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(profile, "Default"), 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(profile, "Default", "Preferences"), b, 0o600)
}

// nss runs one of NSS's tools, within a minute.
func nss(ctx context.Context, args ...string) error {
	if _, err := exec.LookPath(args[0]); err != nil {
		return fmt.Errorf("no %s: run scripts/install-chromium.sh (make chromium), which installs libnss3-tools", args[0])
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w: %s", args[0], err, out)
	}
	return nil
}
