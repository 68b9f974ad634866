package gateway

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/httpapi"
	"github.com/wanledger/wanledger/internal/snapshot"
)

// mspDir writes an MSP directory as cryptogen does (signcerts/,
// keystore/) for an identity its returned CA issued.
func mspDir(t *testing.T) (string, *x509.CertPool) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca.hefei"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "User1@hefei"}, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pk, _ := x509.MarshalPKCS8PrivateKey(key)
	dir := t.TempDir()
	for sub, blk := range map[string]*pem.Block{"signcerts": {Type: "CERTIFICATE", Bytes: der}, "keystore": {Type: "PRIVATE KEY", Bytes: pk}} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, sub, "f.pem"), pem.EncodeToMemory(blk), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return dir, pool
}

// TestTheSnapshotIsSignedByTheOrganisationAndFollowsTheCache: the snapshot
// lists the cache's licence with its status, signed by the configured
// identity of the organisation's MSP; after a revocation's block the next
// says revoked; a stale cache gives none; a clerk may not take one.
func TestTheSnapshotIsSignedByTheOrganisationAndFollowsTheCache(t *testing.T) {
	f := newFixture(t)
	dir, roots := mspDir(t)
	f.g.cfg.Identities[0].MSPDir = dir
	_, revocation := sealedWorld(t, f.store)
	get := func(role string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/v1/snapshot", nil)
		req.Header.Set("Authorization", "Bearer "+f.keys[role])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusOK && resp.Header.Get("Content-Type") != httpapi.SnapshotType {
			t.Errorf("content type %q", resp.Header.Get("Content-Type"))
		}
		return resp.StatusCode, b
	}
	trust := snapshot.Trust{MSPID: "HefeiMSP", Roots: roots}
	status := func(b []byte) (uint64, string) {
		s, err := snapshot.Parse(b, trust)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Licences.IDs) != 1 || s.Licences.IDs[0] != "L1" || len(s.Grants) != 1 || len(s.SealKeys) != 1 || s.Channel != "anhui" {
			t.Fatalf("snapshot %+v", s.Body)
		}
		return s.BlockHeight, s.Licences.Status
	}
	st, b := get("verifier")
	if st != http.StatusOK {
		t.Fatalf("%d %s", st, b)
	}
	if h, s := status(b); h != 1 || s != "a" {
		t.Fatalf("before: block %d status %q", h, s)
	}
	if _, err := f.store.ApplyBlock(1, []cache.Write{revocation}); err != nil {
		t.Fatal(err)
	}
	if st, b = get("auditor"); st != http.StatusOK {
		t.Fatalf("%d %s", st, b)
	}
	if h, s := status(b); h != 2 || s != "r" {
		t.Fatalf("after: block %d status %q", h, s)
	}
	if _, err := snapshot.Parse(b, snapshot.Trust{MSPID: "WuhuMSP", Roots: roots}); err == nil {
		t.Error("a Hefei snapshot parsed as Wuhu's")
	}
	if st, _ := get("clerk"); st != http.StatusForbidden {
		t.Errorf("a clerk: %d", st)
	}
	f.g.lastSync.Store(time.Now().Add(-time.Minute).UnixNano())
	if st, b := get("verifier"); st != http.StatusServiceUnavailable {
		t.Errorf("a stale cache: %d %s", st, b)
	}
}
