// Package relaytest makes relay proofs for tests the way a source channel's
// peers would: organisations with their own CA and a peer certificate
// (NodeOU "peer"), Fabric ProposalResponsePayloads and ECDSA endorsements.
package relaytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"google.golang.org/protobuf/proto"
)

// Org is a source organisation: its CA and one of its identities.
type Org struct {
	MSPID  string
	CAPEM  string // the CA certificate, PEM
	Cert   []byte // the identity's certificate, PEM
	key    *ecdsa.PrivateKey
	caKey  *ecdsa.PrivateKey
	caCert *x509.Certificate
}

// NewOrg makes an organisation with a CA valid from 2020 to 2040 and a
// peer identity ("peer" organisational unit).
func NewOrg(t testing.TB, mspID string) *Org {
	t.Helper()
	caKey := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + mspID, Organization: []string{mspID}},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	o := &Org{MSPID: mspID, CAPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), caKey: caKey, caCert: caCert}
	o.Cert, o.key = o.Issue(t, "peer0."+mspID, "peer")
	return o
}

// Issue makes a certificate of the organisation's CA for a name in an
// organisational unit, and its key.
func (o *Org) Issue(t testing.TB, name, ou string) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	k := newKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name, OrganizationalUnit: []string{ou}},
		NotBefore: o.caCert.NotBefore, NotAfter: o.caCert.NotAfter, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, o.caCert, &k.PublicKey, o.caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), k
}

// RelayOrg is the organisation as a receiving channel registers it.
func (o *Org) RelayOrg() record.RelayOrg {
	return record.RelayOrg{MSPID: o.MSPID, RootCerts: []string{o.CAPEM}}
}

// Endorse signs a response as the organisation's peer.
func (o *Org) Endorse(t testing.TB, response []byte) record.ProofEndorsement {
	return EndorseWith(t, o.MSPID, o.Cert, o.key, response)
}

// EndorseWith signs a response as any certificate and key, under an MSP ID.
func EndorseWith(t testing.TB, mspID string, cert []byte, key *ecdsa.PrivateKey, response []byte) record.ProofEndorsement {
	t.Helper()
	endorser, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: cert})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write(response)
	h.Write(endorser)
	sig, err := ecdsa.SignASN1(rand.Reader, key, h.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	return record.ProofEndorsement{Endorser: endorser, Signature: sig}
}

// Response is a ProposalResponsePayload of a successful chaincode answer.
func Response(t testing.TB, chaincode string, payload []byte) []byte {
	t.Helper()
	act, err := proto.Marshal(&peer.ChaincodeAction{ChaincodeId: &peer.ChaincodeID{Name: chaincode},
		Response: &peer.Response{Status: 200, Payload: payload}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(&peer.ProposalResponsePayload{ProposalHash: make([]byte, 32), Extension: act})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Proof is a chaincode answer endorsed by a peer of each organisation.
func Proof(t testing.TB, chaincode string, payload []byte, orgs ...*Org) record.RelayProof {
	t.Helper()
	p := record.RelayProof{Response: Response(t, chaincode, payload)}
	for _, o := range orgs {
		p.Endorsements = append(p.Endorsements, o.Endorse(t, p.Response))
	}
	return p
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
