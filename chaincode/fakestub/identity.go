package fakestub

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// Identity is a client identity with a real X.509 certificate, as cryptogen
// makes them with NodeOUs: organisational unit "admin" or "client".
type Identity struct {
	MSPID string
	Cert  *x509.Certificate
	key   *ecdsa.PrivateKey
	pem   []byte
}

// NewIdentity makes an identity of an organisation; commonName names it.
func NewIdentity(mspID, commonName string, admin bool) (*Identity, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ou := "client"
	if admin {
		ou = "admin"
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: commonName, OrganizationalUnit: []string{ou}},
		Issuer:       pkix.Name{CommonName: "ca." + mspID},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Identity{MSPID: mspID, Cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// PEM returns the identity's certificate, PEM-encoded.
func (i *Identity) PEM() []byte { return i.pem }

// Sign signs a digest with the identity's key, ASN.1 DER, as a Fabric
// client identity signs.
func (i *Identity) Sign(digest []byte) ([]byte, error) {
	return ecdsa.SignASN1(rand.Reader, i.key, digest)
}

// Serialize returns the identity as a proposal's creator.
func (i *Identity) Serialize() []byte {
	b, err := proto.Marshal(&msp.SerializedIdentity{Mspid: i.MSPID, IdBytes: i.pem})
	if err != nil {
		panic(fmt.Sprintf("marshal a serialized identity: %v", err)) // two plain fields always marshal
	}
	return b
}

// ClientID is the identity's ID as the chaincode sees it, through the
// shim's own client identity: "x509::<subject>::<issuer>".
func (i *Identity) ClientID() string {
	id, err := cid.New(New("").Begin(i.Serialize(), time.Time{}))
	if err != nil {
		panic(fmt.Sprintf("read back a serialized identity: %v", err)) // NewIdentity's certificates parse
	}
	enc, err := id.GetID()
	if err != nil {
		panic(fmt.Sprintf("client ID: %v", err))
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		panic(fmt.Sprintf("client ID: %v", err))
	}
	return string(b)
}
