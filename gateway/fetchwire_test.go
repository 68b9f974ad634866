package gateway

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/datasets"
	"github.com/wanledger/wanledger/gateway/fetch"
)

// issue makes a certificate of name signed by parent (self-signed if nil).
func issue(t *testing.T, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: parent == nil, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

// A requester's certificate verifies against its own MSP's configured CA
// directory only; an MSP without configured CAs is refused.
func TestFetchIdentitiesVerifyAgainstEachMSPsCAs(t *testing.T) {
	wuhuCA, wuhuKey := issue(t, "ca.wuhu", nil, nil)
	hefeiCA, _ := issue(t, "ca.hefei", nil, nil)
	user, _ := issue(t, "User5@wuhu", wuhuCA, wuhuKey)
	dir := t.TempDir()
	for name, c := range map[string]*x509.Certificate{"wuhu": wuhuCA, "hefei": hefeiCA} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	roots, err := loadCAs(map[string]string{"WuhuMSP": filepath.Join(dir, "wuhu"), "HefeiMSP": filepath.Join(dir, "hefei", "ca.pem")})
	if err != nil {
		t.Fatal(err)
	}
	ids := mspIdentities{roots: roots}
	if err := ids.VerifyCertificate("WuhuMSP", user); err != nil {
		t.Errorf("Wuhu's user under Wuhu's CA: %v", err)
	}
	if err := ids.VerifyCertificate("HefeiMSP", user); err == nil {
		t.Error("Wuhu's user verified under Hefei's CA")
	}
	if err := ids.VerifyCertificate("AnhuiMSP", user); err == nil {
		t.Error("an MSP without configured CAs verified")
	}
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("no certificate"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCAs(map[string]string{"WuhuMSP": empty}); err == nil {
		t.Error("a CA file without a certificate was accepted")
	}
}

// The ledger's refusals reach the protocol with their codes; other
// failures stay what they are.
func TestFetchLedgerErrorsCarryTheLedgersCodes(t *testing.T) {
	refused := ledgerError(api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "no access record %q", "x"))
	if record.CodeOf(refused) != record.CodeNotFound {
		t.Errorf("a NOT_FOUND answer reads as %q", record.CodeOf(refused))
	}
	down := api.Errorf(http.StatusBadGateway, api.CodeUnavailable, "the peer is down")
	if got := ledgerError(down); got != error(down) || record.CodeOf(got) != "" {
		t.Errorf("an unavailable peer became %v", got)
	}
}

// The store's refusals become the protocol's: a dataset not imported and
// a field the dataset lacks.
func TestFetchRowsRefusalsAreTheProtocols(t *testing.T) {
	s, err := datasets.Open(datasets.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	schema := []record.FieldSpec{{Name: "address", Type: record.FieldString}}
	if _, err := s.Import(context.Background(), "people", schema, datasets.CSV, strings.NewReader("address\nA\nB\n")); err != nil {
		t.Fatal(err)
	}
	rows := datasetRows(s)
	if _, err := rows.Rows(context.Background(), "nobody", []string{"address"}, nil); !errors.Is(err, fetch.ErrUnknownDataset) {
		t.Errorf("a dataset not imported: %v", err)
	}
	var uf *fetch.UnknownFieldError
	if _, err := rows.Rows(context.Background(), "people", []string{"address", "income"}, nil); !errors.Is(err, fetch.ErrUnknownField) ||
		!errors.As(err, &uf) || uf.Field != "income" {
		t.Errorf("a field the dataset lacks: %v, want an UnknownFieldError naming income", err)
	}
	it, err := rows.Rows(context.Background(), "people", []string{"address"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var got []string
	for it.Next() {
		got = append(got, it.Row()[0])
	}
	if it.Err() != nil || strings.Join(got, ",") != "A,B" {
		t.Errorf("rows %v, %v", got, it.Err())
	}
}
