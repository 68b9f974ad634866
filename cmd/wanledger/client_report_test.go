package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The audit commands refuse what they can judge before any call: a
// report's query the ledger would refuse and a check without --msp are
// usage errors (exit 2); a file that is no signed report is refused as
// REPORT_MALFORMED (exit 3), a gateway never asked (there is none).
func TestAuditReportCommandsRefuseBeforeAnyCall(t *testing.T) {
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca.hefei"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, ca, ca, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile, notReport := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "report.json")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notReport, []byte(`{"report": {"format": "x"}, "signer": "", "signature": ""}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		exit int
		says string
	}{
		{[]string{"audit", "report", "--by", "dataset", filepath.Join(dir, "r.json")}, exitUsage, "key"},
		{[]string{"audit", "report", "--by", "time", "--from", "2026-02-01T00:00:00Z", "--to", "2026-01-01T00:00:00Z", filepath.Join(dir, "r.json")}, exitUsage, "before its end"},
		{[]string{"audit", "check-report", notReport}, exitUsage, "--msp is required"},
		{[]string{"audit", "check-report", notReport, "--msp", "HefeiMSP", "--ca", caFile}, exitNotValid, "REPORT_MALFORMED"},
	} {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append(c.args, "--url", "http://127.0.0.1:1", "--key", "wl_k_s", "--home", filepath.Join(dir, "no-run-dir")))
		err := root.Execute()
		if exitCode(err) != c.exit || err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v: exit %d, %v; want exit %d saying %q", c.args, exitCode(err), err, c.exit, c.says)
		}
	}
}
