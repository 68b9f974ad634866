package record

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"slices"
	"time"

	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/gm"
)

// DataRequest is what a requester asks of a provider's gateway: data of
// a dataset under an authorization, for a purpose, optionally of named
// subjects only. Its requester signs it with its Fabric identity (see
// SignedRequest); the nonce makes each signed request usable once.
type DataRequest struct {
	AuthorizationID string    `json:"authorizationId" doc:"the authorization's ID"`
	DatasetID       string    `json:"datasetId" doc:"the dataset's ID"`
	Fields          []string  `json:"fields" doc:"the fields asked for, in the order of the response's columns"`
	Purpose         string    `json:"purpose" doc:"the purpose code"`
	Subjects        []string  `json:"subjects,omitempty" doc:"holder pseudonyms to restrict the rows to; empty: every row"`
	Nonce           string    `json:"nonce" doc:"32 lower-case hex digits, fresh per request"`
	Requester       string    `json:"requester" doc:"MSP ID of the requester organisation"`
	RequesterID     string    `json:"requesterId" doc:"the signer's client ID, x509::<subject>::<issuer>"`
	At              time.Time `json:"at" doc:"RFC 3339, whole seconds: when the requester signed it"`
	EphemeralKey    string    `json:"ephemeralKey" doc:"the requester's ephemeral SM2 public key for this request, uncompressed, hex: the provider encrypts the transfer key to it"`
}

// SignedRequest is a DataRequest with its requester's X.509 certificate
// (PEM) and ECDSA signature (ASN.1 DER, base64) over the SHA-256 of the
// request's canonical bytes, as a Fabric client identity signs.
type SignedRequest struct {
	Request     DataRequest `json:"request" doc:"the request"`
	Certificate string      `json:"certificate" doc:"the signer's X.509 certificate, PEM"`
	Signature   string      `json:"signature" doc:"ECDSA signature, ASN.1 DER, standard base64"`
}

// Limits of a signed request.
const (
	NonceLen           = 32
	MaxCertificate     = 8 << 10
	MaxSignature       = 200 // base64 characters
	MaxRequestSubjects = 100
	maxFields          = 64
	maxClientID        = 1024
)

// Bytes is the request's canonical encoding (internal/canon): a list of
// the tag "wanledger/data-request/1" and the fields in declaration order
// (the time as a canon time),
// fields and subjects as lists of strings.
func (r DataRequest) Bytes() ([]byte, error) {
	var e canon.Encoder
	e.List(func(l *canon.Encoder) {
		l.String("wanledger/data-request/1").String(r.AuthorizationID).String(r.DatasetID)
		l.List(func(f *canon.Encoder) {
			for _, s := range r.Fields {
				f.String(s)
			}
		})
		l.String(r.Purpose)
		l.List(func(f *canon.Encoder) {
			for _, s := range r.Subjects {
				f.String(s)
			}
		})
		l.String(r.Nonce).String(r.Requester).String(r.RequesterID).Time(r.At).String(r.EphemeralKey)
	})
	return e.Result()
}

// Bytes is the signed request's canonical encoding: a list of the
// request's encoding, the certificate's DER and the signature's DER, all
// as byte strings. The request digest an access record keeps is its SM3.
func (s SignedRequest) Bytes() ([]byte, error) {
	req, err := s.Request.Bytes()
	if err != nil {
		return nil, Wrap(CodeInvalidArgument, err, "request")
	}
	cert, err := s.certificateDER()
	if err != nil {
		return nil, err
	}
	sig, err := s.signature()
	if err != nil {
		return nil, err
	}
	var e canon.Encoder
	e.List(func(l *canon.Encoder) { l.Bytes(req).Bytes(cert).Bytes(sig) })
	return e.Result()
}

// Sign signs a request with a Fabric identity: its certificate (PEM) and
// a function signing a SHA-256 digest (fabric-gateway's identity.Sign).
func Sign(r DataRequest, certPEM []byte, sign func(digest []byte) ([]byte, error)) (SignedRequest, error) {
	msg, err := r.Bytes()
	if err != nil {
		return SignedRequest{}, Wrap(CodeInvalidArgument, err, "request")
	}
	d := sha256.Sum256(msg)
	sig, err := sign(d[:])
	if err != nil {
		return SignedRequest{}, Wrap(CodeInternal, err, "sign the request")
	}
	return SignedRequest{Request: r, Certificate: string(certPEM), Signature: base64.StdEncoding.EncodeToString(sig)}, nil
}

// Verify checks a signed request is well formed (INVALID_ARGUMENT or
// TOO_LARGE otherwise), that its signature verifies with its
// certificate's ECDSA key, and that the certificate is of the request's
// client ID and valid when it was signed (BAD_SIGNATURE otherwise). It
// does not check the certificate's chain: that takes the requester MSP's
// CA certificates (see the fetch protocol's Identities).
func (s SignedRequest) Verify() (*x509.Certificate, error) {
	if err := s.Request.Check(); err != nil {
		return nil, err
	}
	der, err := s.certificateDER()
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, Errorf(CodeInvalidArgument, "the certificate does not parse")
	}
	sig, err := s.signature()
	if err != nil {
		return nil, err
	}
	key, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return nil, Errorf(CodeBadSignature, "the certificate's key is not ECDSA")
	}
	msg, err := s.Request.Bytes()
	if err != nil {
		return nil, Wrap(CodeInvalidArgument, err, "request")
	}
	d := sha256.Sum256(msg)
	if !ecdsa.VerifyASN1(key, d[:], sig) {
		return nil, Errorf(CodeBadSignature, "the request's signature does not verify with its certificate")
	}
	if id := ClientIDOf(cert); id != s.Request.RequesterID {
		return nil, Errorf(CodeBadSignature, "the certificate is of client %.80s, not of the request's", id)
	}
	if s.Request.At.Before(cert.NotBefore) || s.Request.At.After(cert.NotAfter) {
		return nil, Errorf(CodeBadSignature, "the certificate is not valid at the request's time")
	}
	return cert, nil
}

// Digest is the SM3 of the signed request's canonical bytes, hex: an
// access record's request digest.
func (s SignedRequest) Digest() (string, error) {
	b, err := s.Bytes()
	if err != nil {
		return "", err
	}
	return gm.SM3Hex(b), nil
}

func (s SignedRequest) certificateDER() ([]byte, error) {
	if len(s.Certificate) > MaxCertificate {
		return nil, Errorf(CodeTooLarge, "the certificate exceeds %d bytes", MaxCertificate)
	}
	b, rest := pem.Decode([]byte(s.Certificate))
	if b == nil || b.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, Errorf(CodeInvalidArgument, "the certificate must be exactly one PEM CERTIFICATE block")
	}
	return b.Bytes, nil
}

func (s SignedRequest) signature() ([]byte, error) {
	if s.Signature == "" || len(s.Signature) > MaxSignature {
		return nil, Errorf(CodeInvalidArgument, "the signature is 1 to %d base64 characters", MaxSignature)
	}
	sig, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil {
		return nil, Errorf(CodeInvalidArgument, "the signature is not standard base64")
	}
	return sig, nil
}

// Check refuses a request that is not well formed: IDs, 1 to 64
// distinct field names, up to 100 subject pseudonyms (SM3 hex), a nonce of
// NonceLen lower-case hex digits, a client ID, a time of whole seconds and
// an SM2 public key.
func (r DataRequest) Check() error {
	if err := r.CheckAsked(); err != nil {
		return err
	}
	if err := CheckID("requester", r.Requester); err != nil {
		return err
	}
	if !lowerHex(r.Nonce, NonceLen) {
		return Errorf(CodeInvalidArgument, "the nonce is %d lower-case hex digits", NonceLen)
	}
	if r.RequesterID == "" || len(r.RequesterID) > maxClientID {
		return Errorf(CodeInvalidArgument, "the requester's client ID is 1 to %d bytes", maxClientID)
	}
	if r.At.IsZero() || r.At.Nanosecond() != 0 {
		return Errorf(CodeInvalidArgument, "the request's time is whole seconds")
	}
	if len(r.EphemeralKey) != 130 {
		return Errorf(CodeInvalidArgument, "the ephemeral key is an uncompressed SM2 public key: 130 hex digits")
	}
	if _, err := gm.ParsePublicKeyHex(r.EphemeralKey); err != nil {
		return Errorf(CodeInvalidArgument, "the ephemeral key is not an SM2 public key")
	}
	return nil
}

// CheckAsked checks what a requester asks for: the authorization,
// dataset and purpose as IDs, 1 to 64 distinct field names, and at most
// MaxRequestSubjects subject pseudonyms (SM3, 64 lower-case hex). A
// gateway checks it before it signs a request (INVALID_ARGUMENT,
// TOO_LARGE).
func (r DataRequest) CheckAsked() error {
	for _, f := range []struct{ what, v string }{{"authorization ID", r.AuthorizationID}, {"dataset ID", r.DatasetID},
		{"purpose", r.Purpose}} {
		if err := CheckID(f.what, f.v); err != nil {
			return err
		}
	}
	if len(r.Fields) == 0 || len(r.Fields) > maxFields {
		return Errorf(CodeInvalidArgument, "name 1 to %d fields", maxFields)
	}
	for i, f := range r.Fields {
		if err := CheckFieldName(f); err != nil {
			return err
		}
		if slices.Contains(r.Fields[:i], f) {
			return Errorf(CodeInvalidArgument, "field %s named twice", f)
		}
	}
	if len(r.Subjects) > MaxRequestSubjects {
		return Errorf(CodeTooLarge, "at most %d subjects", MaxRequestSubjects)
	}
	for _, p := range r.Subjects {
		if !lowerHex(p, 64) {
			return Errorf(CodeInvalidArgument, "subject pseudonyms are SM3 digests: 64 lower-case hex digits")
		}
	}
	return nil
}

func lowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	b, err := hex.DecodeString(s)
	return err == nil && hex.EncodeToString(b) == s
}

// ClientIDOf is a certificate's client ID as Fabric's chaincode sees it:
// "x509::" + subject + "::" + issuer, each an RFC 2253 distinguished name.
func ClientIDOf(c *x509.Certificate) string {
	return "x509::" + c.Subject.String() + "::" + c.Issuer.String()
}
