package main

import (
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

	"github.com/wanledger/wanledger/internal/snapshot"
)

// TestVerifyOfflineExitCodes: what is missing is a usage error (2); a
// snapshot that is not a signed snapshot is NOT VALID (3), with its code.
func TestVerifyOfflineExitCodes(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.snap")
	if err := os.WriteFile(garbage, []byte("WLSNAP1\nnot a snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	ca, _ := signedSnapshot(t, dir, "WuhuMSP", "WuhuMSP")
	pres := []string{"--presentation", "abc~def.ghi", "--nonce", "nonce-0123456789", "--audience", "wuhu-amr"}
	for _, c := range []struct {
		args []string
		want int
		says string
	}{
		{[]string{"verify"}, exitUsage, "give a licence ID"},
		{[]string{"verify", "--offline", garbage}, exitUsage, "--offline needs --presentation"},
		{[]string{"verify", "--offline", garbage, "--presentation", "x", "--nonce", "nonce-0123456789"}, exitUsage, "--audience"},
		{append([]string{"verify", "L1", "--offline", garbage}, pres...), exitUsage, "not a licence ID"},
		{append([]string{"verify", "--offline", filepath.Join(dir, "none"), "--msp", "WuhuMSP", "--ca", ca}, pres...), exitUsage, "no such file"},
		{append([]string{"verify", "--offline", garbage}, pres...), exitUsage, "--offline needs --msp"},
		{append([]string{"verify", "--offline", garbage, "--ca", garbage}, pres...), exitUsage, "--offline needs --msp"},
		{append([]string{"verify", "--offline", garbage, "--msp", "NoMSP", "--ca", garbage}, pres...), exitUsage, "no such organisation"},
		{append([]string{"verify", "--offline", garbage, "--msp", "WuhuMSP", "--ca", ca}, pres...), exitNotValid, "SNAPSHOT_MALFORMED"},
	} {
		code, out := execute(t, c.args...)
		if code != c.want || !strings.Contains(out, c.says) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, out, c.want, c.says)
		}
	}
}

// signedSnapshot makes a CA of org and an empty snapshot of channel anhui
// naming claimed, signed by an identity that CA issued; it returns the
// CA's and the snapshot's files in dir.
func signedSnapshot(t *testing.T, dir, org, claimed string) (caFile, snapFile string) {
	t.Helper()
	return signedSnapshotOf(t, dir, org, snapshot.NewBuilder(claimed, "anhui", 1, time.Now(), nil).Body())
}

// signedSnapshotOf makes a CA of org and signs body with an identity that
// CA issued (valid three days either side of now); it returns the CA's and
// the snapshot's files in dir.
func signedSnapshotOf(t *testing.T, dir, org string, body *snapshot.Body) (caFile, snapFile string) {
	t.Helper()
	claimed := body.MSPID
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	now := time.Now()
	caKey, leafKey := key(), key()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + org}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: now.Add(-72 * time.Hour), NotAfter: now.Add(72 * time.Hour), KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Admin@" + org}, NotBefore: now.Add(-72 * time.Hour), NotAfter: now.Add(72 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	data, err := snapshot.Encode(body, snapshot.Signer{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Sign:    func(d []byte) ([]byte, error) { return ecdsa.SignASN1(rand.Reader, leafKey, d) }})
	if err != nil {
		t.Fatal(err)
	}
	caFile, snapFile = filepath.Join(dir, org+"-"+claimed+"-ca.pem"), filepath.Join(dir, org+"-"+claimed+".snap")
	for f, b := range map[string][]byte{caFile: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), snapFile: data} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return caFile, snapFile
}

// TestVerifyOfflineTrustsOnlyTheNamedMemberOfTheChannel: a snapshot of
// anhui signed by Shanghai (not a member of anhui) is refused, even with
// Shanghai's CA trusted; so is one Shanghai signed claiming to be Wuhu's.
func TestVerifyOfflineTrustsOnlyTheNamedMemberOfTheChannel(t *testing.T) {
	dir := t.TempDir()
	pres := []string{"--presentation", "abc~def.ghi", "--nonce", "nonce-0123456789", "--audience", "wuhu-amr"}
	for claimed, says := range map[string]string{"ShanghaiMSP": "ShanghaiMSP is not a member of channel anhui", "WuhuMSP": "signed by WuhuMSP, not ShanghaiMSP"} {
		ca, file := signedSnapshot(t, dir, "ShanghaiMSP", claimed)
		code, out := execute(t, append([]string{"verify", "--offline", file, "--msp", "ShanghaiMSP", "--ca", ca}, pres...)...)
		if code != exitNotValid || !strings.Contains(out, "SNAPSHOT_SIGNER") || !strings.Contains(out, says) {
			t.Errorf("%s: exit %d, %q; want %d and %q", file, code, out, exitNotValid, says)
		}
	}
}
