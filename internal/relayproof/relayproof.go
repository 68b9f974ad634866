// Package relayproof makes and checks the proofs that carry a record from
// one channel to another. A proof is a query's response as the source
// channel's peers endorsed it: Fabric's ProposalResponsePayload and its
// endorsements, taken from an endorsed export proposal that is never
// submitted. The receiving chaincode checks each endorsement against the CA
// certificates of the source organisations that its own channel's
// governance registered, the way Hyperledger Cacti/Weaver verifies data
// shared between Fabric networks (docs/adr/0016-verifiable-relay.md).
package relayproof

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"google.golang.org/protobuf/proto"
)

// Bounds of a proof.
const (
	MaxResponse     = 256 << 10 // bytes of the ProposalResponsePayload
	MaxEndorsements = 16
	MaxEndorser     = 8 << 10 // bytes of one serialized identity
	MaxRootCerts    = 4       // per organisation
	MaxCertPEM      = 8 << 10 // bytes of one registered CA certificate
)

// peerOU is the organisational unit Fabric's NodeOUs give peer certificates.
const peerOU = "peer"

// FromEnvelope takes the proof out of an endorsed transaction's protobuf
// common.Envelope (the envelope of the gateway.PreparedTransaction that
// fabric-gateway's Transaction.Bytes returns): the first action's
// ProposalResponsePayload and endorsements.
func FromEnvelope(envelope []byte) (*record.RelayProof, error) {
	var env common.Envelope
	if err := proto.Unmarshal(envelope, &env); err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return nil, fmt.Errorf("envelope payload: %w", err)
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(payload.GetData(), &tx); err != nil {
		return nil, fmt.Errorf("transaction: %w", err)
	}
	if len(tx.GetActions()) != 1 {
		return nil, fmt.Errorf("transaction has %d actions, want 1", len(tx.GetActions()))
	}
	var cap peer.ChaincodeActionPayload
	if err := proto.Unmarshal(tx.GetActions()[0].GetPayload(), &cap); err != nil {
		return nil, fmt.Errorf("chaincode action payload: %w", err)
	}
	act := cap.GetAction()
	p := &record.RelayProof{Response: act.GetProposalResponsePayload()}
	for _, e := range act.GetEndorsements() {
		p.Endorsements = append(p.Endorsements, record.ProofEndorsement{Endorser: e.GetEndorser(), Signature: e.GetSignature()})
	}
	return p, nil
}

// Response is the chaincode response a proof carries, before its
// endorsements are checked: trust nothing in it until Verify has.
type Response struct {
	Chaincode string // the name of the chaincode that answered
	Payload   []byte // its response payload
}

// Open decodes the chaincode response inside a proof. It fails on a
// response that is not a successful chaincode answer.
func Open(p *record.RelayProof) (*Response, error) {
	if len(p.Response) == 0 || len(p.Response) > MaxResponse {
		return nil, refuse("the response is empty or over %d bytes", MaxResponse)
	}
	var prp peer.ProposalResponsePayload
	if err := proto.Unmarshal(p.Response, &prp); err != nil {
		return nil, refuse("the response is not a ProposalResponsePayload: %v", err)
	}
	var act peer.ChaincodeAction
	if err := proto.Unmarshal(prp.GetExtension(), &act); err != nil {
		return nil, refuse("the response carries no ChaincodeAction: %v", err)
	}
	if st := act.GetResponse().GetStatus(); st != 200 {
		return nil, refuse("the source chaincode answered status %d", st)
	}
	return &Response{Chaincode: act.GetChaincodeId().GetName(), Payload: act.GetResponse().GetPayload()}, nil
}

// Verify checks every endorsement of p against the registered source
// organisations at time at: the endorser's certificate is a peer's
// (NodeOU "peer"), chains to its organisation's registered CA
// certificates and was valid at at, and its ECDSA signature covers the
// response followed by the endorser. Any endorsement that fails refuses
// the proof. It returns the distinct MSP IDs of the endorsers, sorted.
func Verify(p *record.RelayProof, orgs []record.RelayOrg, at time.Time) ([]string, error) {
	if len(p.Endorsements) == 0 || len(p.Endorsements) > MaxEndorsements {
		return nil, refuse("a proof has 1 to %d endorsements", MaxEndorsements)
	}
	var endorsers []string
	for i, e := range p.Endorsements {
		msp, err := checkEndorsement(p.Response, e, orgs, at)
		if err != nil {
			return nil, refuse("endorsement %d: %v", i, err)
		}
		if !slices.Contains(endorsers, msp) {
			endorsers = append(endorsers, msp)
		}
	}
	slices.Sort(endorsers)
	return endorsers, nil
}

func checkEndorsement(response []byte, e record.ProofEndorsement, orgs []record.RelayOrg, at time.Time) (string, error) {
	if len(e.Endorser) > MaxEndorser {
		return "", fmt.Errorf("endorser over %d bytes", MaxEndorser)
	}
	var id msp.SerializedIdentity
	if err := proto.Unmarshal(e.Endorser, &id); err != nil {
		return "", fmt.Errorf("endorser is not a SerializedIdentity: %v", err)
	}
	i := slices.IndexFunc(orgs, func(o record.RelayOrg) bool { return o.MSPID == id.GetMspid() })
	if i < 0 {
		return "", fmt.Errorf("%q is not an organisation of the source channel", id.GetMspid())
	}
	cert, err := parseCert(id.GetIdBytes())
	if err != nil {
		return "", fmt.Errorf("certificate of %s: %v", id.GetMspid(), err)
	}
	roots, err := rootPool(orgs[i])
	if err != nil {
		return "", err
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return "", fmt.Errorf("certificate of %s: %v", id.GetMspid(), err)
	}
	if !slices.Contains(cert.Subject.OrganizationalUnit, peerOU) {
		return "", fmt.Errorf("the certificate of %q of %s is not a peer's", cert.Subject.CommonName, id.GetMspid())
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return "", fmt.Errorf("the certificate of %s has no ECDSA key", id.GetMspid())
	}
	h := sha256.New()
	h.Write(response)
	h.Write(e.Endorser)
	if !ecdsa.VerifyASN1(pub, h.Sum(nil), e.Signature) {
		return "", fmt.Errorf("the signature of %q of %s does not verify", cert.Subject.CommonName, id.GetMspid())
	}
	return id.GetMspid(), nil
}

// ParseRoots checks an organisation's registered CA certificates: 1 to
// MaxRootCerts PEM CA certificates.
func ParseRoots(o record.RelayOrg) ([]*x509.Certificate, error) {
	if len(o.RootCerts) == 0 || len(o.RootCerts) > MaxRootCerts {
		return nil, fmt.Errorf("organisation %s has 1 to %d CA certificates", o.MSPID, MaxRootCerts)
	}
	var certs []*x509.Certificate
	for _, p := range o.RootCerts {
		if len(p) > MaxCertPEM {
			return nil, fmt.Errorf("a CA certificate of %s is over %d bytes", o.MSPID, MaxCertPEM)
		}
		c, err := parseCert([]byte(p))
		if err != nil {
			return nil, fmt.Errorf("CA certificate of %s: %v", o.MSPID, err)
		}
		if !c.IsCA {
			return nil, fmt.Errorf("a certificate of %s is not a CA's", o.MSPID)
		}
		certs = append(certs, c)
	}
	return certs, nil
}

func rootPool(o record.RelayOrg) (*x509.CertPool, error) {
	certs, err := ParseRoots(o)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// parseCert reads one PEM certificate and nothing after it.
func parseCert(b []byte) (*x509.Certificate, error) {
	blk, rest := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM certificate")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, errors.New("more than one PEM block")
	}
	return x509.ParseCertificate(blk.Bytes)
}

func refuse(format string, args ...any) error {
	return record.Errorf(record.CodeProofInvalid, format, args...)
}
