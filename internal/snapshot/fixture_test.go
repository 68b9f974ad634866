package snapshot

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

const (
	testMSP      = "WuhuMSP"
	testNonce    = "nonce-0123456789"
	testAudience = "wuhu-amr"
)

var testBuilt = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

// org is an organisation's CA and a signing identity it issued, as
// cryptogen makes them.
type org struct {
	roots  *x509.CertPool
	signer Signer
}

func newOrg(t testing.TB, cn string) org {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + cn}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: testBuilt.AddDate(-1, 0, 0), NotAfter: testBuilt.AddDate(5, 0, 0), KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "User1@" + cn},
		NotBefore: testBuilt.AddDate(-1, 0, 0), NotAfter: testBuilt.AddDate(5, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return org{roots: pool, signer: Signer{CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Sign: func(d []byte) ([]byte, error) { return ecdsa.SignASN1(rand.Reader, key, d) }}}
}

// fixture is one issued licence, its holder and a Wuhu organisation that
// signs snapshots of the channel holding it.
type fixture struct {
	org     org
	seal    *gm.PrivateKey // the agency's seal key
	holder  *gm.PrivateKey
	cred    credential.Credential
	grant   record.Accreditation
	sealKey record.SealKey
	licence record.Licence
}

const testID = "BL-340100-2026-000042"

func newFixture(t testing.TB) *fixture {
	t.Helper()
	seal, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	holder, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{org: newOrg(t, "wuhu.example.com"), seal: seal, holder: holder}
	c := credential.Content{ID: testID, Type: "BL", AgencyID: "hefei-amr", Region: "340100", SealKeyID: "hefei-amr-1",
		HolderPseudonym: gm.SM3Hex([]byte("holder")), HolderPublicKey: holder.Public().Hex(),
		ValidFrom: testBuilt.AddDate(-1, 0, 0), ValidTo: testBuilt.AddDate(4, 0, 0)}
	for i, nv := range [][2]string{{"creditCode", "91340100MA2XXXXX1Q"}, {"name", "合肥示例科技有限公司"}} {
		d := credential.Disclosure{LicenceID: testID, Name: nv[0], Salt: []byte(fmt.Sprintf("salt-0123456789-%d", i)), Value: nv[1]}
		digest, err := d.Digest()
		if err != nil {
			t.Fatal(err)
		}
		c.Fields = append(c.Fields, credential.FieldDigest{Name: d.Name, Digest: digest})
		f.cred.Disclosures = append(f.cred.Disclosures, d)
	}
	msg, err := c.SigningBytes()
	if err != nil {
		t.Fatal(err)
	}
	if f.cred.Seal, err = seal.Sign(msg); err != nil {
		t.Fatal(err)
	}
	f.cred.Content = c
	sealedAt := testBuilt.AddDate(0, -6, 0)
	f.grant = record.Accreditation{GrantID: "hefei-amr:000001", Seq: 1, AgencyID: "hefei-amr", MSPID: "HefeiMSP", Province: "AnhuiMSP",
		Types: []string{"BL"}, Region: "340100", ValidFrom: testBuilt.AddDate(-2, 0, 0), ValidTo: testBuilt.AddDate(3, 0, 0)}
	f.sealKey = record.SealKey{KeyID: "hefei-amr-1", AgencyID: "hefei-amr", MSPID: "HefeiMSP", PublicKey: seal.Public().Hex(),
		ValidFrom: testBuilt.AddDate(-2, 0, 0), ValidTo: testBuilt.AddDate(3, 0, 0)}
	f.licence = record.Licence{Content: c, Signature: hex.EncodeToString(f.cred.Seal), IssuerMSP: "HefeiMSP", IssuedAt: sealedAt,
		SealedAt: sealedAt, GrantID: f.grant.GrantID, Status: record.StatusActive, Revision: 1}
	return f
}

// body builds the snapshot body of the fixture's channel with its licence
// as l (the fixture's if nil) and n other licences.
func (f *fixture) body(l *record.Licence, n int) *Body {
	if l == nil {
		l = &f.licence
	}
	b := NewBuilder(testMSP, "anhui", 42, testBuilt, func(code string) time.Duration {
		if code == "BL" {
			return 12 * time.Hour
		}
		return 0
	})
	b.AddType("anhui", &record.LicenceType{Code: "BL", Name: "营业执照", Province: "AnhuiMSP", MaxValidityDays: 3650})
	b.AddGrant("anhui", &f.grant)
	b.AddSealKey("anhui", &f.sealKey)
	b.AddLicence("anhui", l)
	for i := range n {
		o := *l
		o.ID = fmt.Sprintf("BL-340100-2026-%06d", 100000+i)
		b.AddLicence("anhui", &o)
	}
	return b.Body()
}

// file encodes and signs the body with the fixture's organisation.
func (f *fixture) file(t testing.TB, b *Body) []byte {
	t.Helper()
	data, err := Encode(b, f.org.signer)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (f *fixture) trust() Trust { return Trust{MSPID: testMSP, Roots: f.org.roots} }

// present makes the offline presentation of the fixture's licence
// disclosing names, at at.
func (f *fixture) present(t testing.TB, at time.Time, names ...string) string {
	t.Helper()
	ds, err := f.cred.Select(names)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		ds = nil
	}
	p, err := presentation.Make(f.holder, testID, ds, testNonce, testAudience, at)
	if err != nil {
		t.Fatal(err)
	}
	off, err := Offline(f.cred, p)
	if err != nil {
		t.Fatal(err)
	}
	return off
}

func expectAt(now time.Time) presentation.Expect {
	return presentation.Expect{Nonce: testNonce, Audience: testAudience, Now: now}
}
