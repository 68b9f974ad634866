package snapshot

import (
	"bytes"
	"compress/flate"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"slices"
	"time"
)

// Magic opens every snapshot file.
const Magic = "WLSNAP1\n"

// Limits of a snapshot file.
const (
	MaxFile    = 64 << 20        // bytes of the file
	MaxBody    = 96 << 20        // bytes of the body once inflated: under 100 a licence (MaxLicences)
	MaxCertPEM = 16 << 10        // bytes of the signer's PEM certificate
	MaxSig     = 80              // bytes of the DER ECDSA signature
	MaxSkew    = 5 * time.Minute // how far past now a snapshot's build time may be
)

// Signer is the organisation identity that signs: its PEM certificate and
// a function that signs a SHA-256 digest with its ECDSA key (ASN.1 DER).
type Signer struct {
	CertPEM []byte
	Sign    func(digest []byte) ([]byte, error)
}

// Encode writes body as a signed snapshot file:
//
//	Magic | u32 len | signer's PEM certificate | u32 len | DEFLATE(JSON body) | u32 len | signature
//
// lengths big-endian; the signature is ECDSA over SHA-256 of every byte
// before its length.
func Encode(body *Body, s Signer) ([]byte, error) {
	if err := body.check(); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	js, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return seal(js, s)
}

// seal compresses a JSON body and signs the file.
func seal(js []byte, s Signer) ([]byte, error) {
	z, err := compress(js)
	if err != nil {
		return nil, err
	}
	return sealCompressed(z, s)
}

func compress(js []byte) ([]byte, error) {
	var z bytes.Buffer
	w, err := flate.NewWriter(&z, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(js); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}

// sealCompressed signs the file of a compressed body.
func sealCompressed(z []byte, s Signer) ([]byte, error) {
	var out bytes.Buffer
	out.WriteString(Magic)
	putPart(&out, s.CertPEM)
	putPart(&out, z)
	digest := sha256.Sum256(out.Bytes())
	sig, err := s.Sign(digest[:])
	if err != nil {
		return nil, fmt.Errorf("snapshot: signing: %w", err)
	}
	putPart(&out, sig)
	if out.Len() > MaxFile {
		return nil, fmt.Errorf("snapshot: %d bytes, at most %d", out.Len(), MaxFile)
	}
	return out.Bytes(), nil
}

func putPart(b *bytes.Buffer, p []byte) {
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(p))))
	b.Write(p)
}

// Trust is whom a verifier trusts to sign snapshots: an organisation's MSP
// ID, its CA certificates and the channels it is a member of (nil: any).
type Trust struct {
	MSPID    string
	Roots    *x509.CertPool
	Channels []string
}

// Snapshot is a parsed, authenticated snapshot.
type Snapshot struct {
	Body
	Signer *x509.Certificate
	Size   int // bytes of the file
}

// Parse is ParseAt now.
func Parse(data []byte, trust Trust) (*Snapshot, error) { return ParseAt(data, trust, time.Now()) }

// ParseAt reads a snapshot file, refusing with an *Error anything but the
// exact form Encode writes, signed by a certificate of trust's CA valid at
// now and when it was built, naming trust's MSP ID and one of its
// channels, built no later than now plus MaxSkew. The signature and the
// signer's chain to trust's CA are checked before the body is inflated.
func ParseAt(data []byte, trust Trust, now time.Time) (*Snapshot, error) {
	if len(data) > MaxFile {
		return nil, refuse(TooLarge, "%d bytes, at most %d", len(data), MaxFile)
	}
	if trust.MSPID == "" || trust.Roots == nil {
		return nil, refuse(WrongSigner, "no organisation and CA to trust")
	}
	rest, ok := bytes.CutPrefix(data, []byte(Magic))
	if !ok {
		return nil, refuse(Malformed, "not a snapshot file (no %q)", Magic[:7])
	}
	certPEM, rest, err := part(rest, MaxCertPEM, "certificate")
	if err != nil {
		return nil, err
	}
	z, rest, err := part(rest, MaxFile, "body")
	if err != nil {
		return nil, err
	}
	signed := data[:len(data)-len(rest)]
	sig, rest, err := part(rest, MaxSig, "signature")
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, refuse(Malformed, "%d bytes after the signature", len(rest))
	}
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, err
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	digest := sha256.Sum256(signed)
	if !ok || !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return nil, refuse(BadSignature, "the signature does not verify with the signer's certificate")
	}
	if err := chains(cert, trust, now); err != nil {
		return nil, err
	}
	body, err := inflate(z)
	if err != nil {
		return nil, err
	}
	switch {
	case body.MSPID != trust.MSPID:
		return nil, refuse(WrongSigner, "signed by %s, not %s", body.MSPID, trust.MSPID)
	case trust.Channels != nil && !slices.Contains(trust.Channels, body.Channel):
		return nil, refuse(WrongSigner, "%s is not a member of channel %s", trust.MSPID, body.Channel)
	case body.BuiltAt.After(now.Add(MaxSkew)):
		return nil, refuse(Future, "built at %s, after now (%s) plus %s", body.BuiltAt.Format(time.RFC3339), now.UTC().Format(time.RFC3339), MaxSkew)
	}
	if err := chains(cert, trust, body.BuiltAt); err != nil {
		return nil, err
	}
	return &Snapshot{Body: *body, Signer: cert, Size: len(data)}, nil
}

// chains checks the signer's certificate chains to trust's CA at t.
func chains(cert *x509.Certificate, trust Trust, t time.Time) error {
	if _, err := cert.Verify(x509.VerifyOptions{Roots: trust.Roots, CurrentTime: t, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return refuse(WrongSigner, "the signer's certificate is not of %s's CA at %s: %v", trust.MSPID, t.UTC().Format(time.RFC3339), err)
	}
	return nil
}

func part(b []byte, max int, what string) (p, rest []byte, err error) {
	if len(b) < 4 {
		return nil, nil, refuse(Malformed, "truncated before the %s", what)
	}
	n := binary.BigEndian.Uint32(b)
	if n == 0 || uint64(n) > uint64(max) || uint64(n) > uint64(len(b)-4) {
		return nil, nil, refuse(Malformed, "the %s's length %d is out of range", what, n)
	}
	return b[4 : 4+n], b[4+n:], nil
}

func parseCert(b []byte) (*x509.Certificate, error) {
	blk, rest := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, refuse(Malformed, "the signer is not one PEM certificate")
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, refuse(Malformed, "the signer's certificate: %v", err)
	}
	return c, nil
}

// inflate decompresses and decodes a signed body, refusing trailing data,
// unknown members and a body that does not hold together.
func inflate(z []byte) (*Body, error) {
	// Measured first with nothing kept, then inflated into exactly its size:
	// a bomb costs an inflation, not memory.
	n, err := io.Copy(io.Discard, io.LimitReader(flate.NewReader(bytes.NewReader(z)), MaxBody+1))
	if err != nil || n > MaxBody {
		return nil, refuse(Malformed, "the body does not inflate to at most %d bytes", MaxBody)
	}
	js := make([]byte, n)
	if _, err := io.ReadFull(flate.NewReader(bytes.NewReader(z)), js); err != nil {
		return nil, refuse(Malformed, "the body: %v", err)
	}
	if err := boundArrays(js); err != nil {
		return nil, refuse(Malformed, "the body: %v", err)
	}
	return decodeBody(js)
}

// decodeBody decodes a body's JSON strictly: members by their exact
// names, once, in order, with no space, as json.Marshal writes them.
func decodeBody(js []byte) (*Body, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var body Body
	if err := dec.Decode(&body); err != nil {
		return nil, refuse(Malformed, "the body: %v", err)
	}
	if dec.More() {
		return nil, refuse(Malformed, "data after the body")
	}
	if err := body.check(); err != nil {
		return nil, refuse(Malformed, "the body: %v", err)
	}
	// Exactly as Encode writes it: no other spelling, order or spacing.
	if again, err := json.Marshal(&body); err != nil || !bytes.Equal(again, js) {
		return nil, refuse(Malformed, "the body is not in its canonical JSON form")
	}
	return &body, nil
}
