// Package auditreport is the signed audit report of the access trail: a
// gateway lists the records of an audit query, each with the transaction
// and block that wrote it and the SM3 of its bytes, with the ledger height
// the trace reflects, and signs the report with its organisation's MSP
// identity (ECDSA, as its offline snapshots); anyone who trusts that
// organisation's CA checks the signature (Parse) and, against the ledger,
// that every entry is there unchanged and that no record of the query
// below the height is missing (Check). docs/adr/0029-signed-audit-reports.md
// gives the reasons; docs/gateway.md, "Audit reports", the format.
package auditreport

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"slices"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// Format names the report's body and its version; the signature covers it.
const Format = "wanledger/audit-report/v1"

// Limits of a report file.
const (
	MaxFile    = 32 << 20        // bytes of the file: api.MaxAuditRecords entries of under 2 KB
	MaxCertPEM = 16 << 10        // bytes of the signer's PEM certificate
	MaxSkew    = 5 * time.Minute // how far past now a report's time may be
)

// Body is what the report states, and what its signature covers.
type Body struct {
	Format       string           `json:"format"`
	MSPID        string           `json:"mspId"`        // the signing organisation
	Channel      string           `json:"channel"`      // the channel traced
	GeneratedAt  time.Time        `json:"generatedAt"`  // when the gateway made it, UTC
	LedgerHeight uint64           `json:"ledgerHeight"` // every record of the query in a block below it is listed
	Query        api.AuditQuery   `json:"query"`
	Accesses     int              `json:"accesses"`
	Denials      int              `json:"denials"`
	Entries      []api.AuditEntry `json:"entries"` // as the trace lists them: oldest first
}

// Report is the file: the body, the signer's certificate and the
// signature.
type Report struct {
	Body      json.RawMessage `json:"report"`
	Signer    string          `json:"signer"`    // PEM certificate of the signing identity
	Signature string          `json:"signature"` // base64 ASN.1 ECDSA over SHA-256 of the body's compact JSON
}

// Signer is the organisation identity that signs: its PEM certificate and
// a function that signs a SHA-256 digest with its ECDSA key (ASN.1 DER).
type Signer struct {
	CertPEM []byte
	Sign    func(digest []byte) ([]byte, error)
}

// check refuses a body that does not hold together.
func (b *Body) check() error {
	if b.Format != Format {
		return fmt.Errorf("format %q, not %q", b.Format, Format)
	}
	if b.MSPID == "" || b.Channel == "" || b.GeneratedAt.IsZero() {
		return fmt.Errorf("no organisation, channel or time")
	}
	if err := b.Query.Check(); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	if len(b.Entries) > api.MaxAuditRecords {
		return fmt.Errorf("%d entries, at most %d", len(b.Entries), api.MaxAuditRecords)
	}
	seen := make(map[string]bool, len(b.Entries))
	accesses, denials := 0, 0
	for _, e := range b.Entries {
		if e.ID == "" || seen[e.ID] {
			return fmt.Errorf("entry %q is empty or listed twice", e.ID)
		}
		seen[e.ID] = true
		switch e.Kind {
		case record.KindAccess:
			accesses++
		case record.KindDenial:
			denials++
		default:
			return fmt.Errorf("entry %s is of kind %q", e.ID, e.Kind)
		}
	}
	if accesses != b.Accesses || denials != b.Denials {
		return fmt.Errorf("%d accesses and %d denials counted, %d and %d listed", b.Accesses, b.Denials, accesses, denials)
	}
	return nil
}

// Encode signs body and writes the report file: indented JSON, the body
// as the signature covers it.
func Encode(body *Body, s Signer) ([]byte, error) {
	body.Format = Format
	if body.Entries == nil {
		body.Entries = []api.AuditEntry{}
	}
	if err := body.check(); err != nil {
		return nil, fmt.Errorf("audit report: %w", err)
	}
	compact, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(compact)
	sig, err := s.Sign(digest[:])
	if err != nil {
		return nil, fmt.Errorf("audit report: signing: %w", err)
	}
	out, err := json.MarshalIndent(Report{Body: compact, Signer: string(s.CertPEM), Signature: base64.StdEncoding.EncodeToString(sig)}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Trust is whom a checker trusts to sign reports: an organisation's MSP
// ID, its CA certificates and the channels it is a member of (nil: any).
type Trust struct {
	MSPID    string
	Roots    *x509.CertPool
	Channels []string
}

// Parsed is a report whose signature verified.
type Parsed struct {
	Body
	Signer *x509.Certificate
}

// Parse reads a report file and checks its signature at now, refusing
// with an *Error anything but a body in its canonical form (as Encode
// writes it: no member unknown, missing or repeated, none reordered),
// signed by a certificate of trust's CA valid now and when the report was
// made, naming trust's organisation and one of its channels.
func Parse(data []byte, trust Trust, now time.Time) (*Parsed, error) {
	if len(data) > MaxFile {
		return nil, refuse(CodeMalformed, "%d bytes, at most %d", len(data), MaxFile)
	}
	if trust.MSPID == "" || trust.Roots == nil {
		return nil, refuse(CodeWrongSigner, "no organisation and CA to trust")
	}
	var r Report
	if err := strictDecode(data, &r); err != nil {
		return nil, refuse(CodeMalformed, "not an audit report: %v", err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, r.Body); err != nil || compact.Len() == 0 {
		return nil, refuse(CodeMalformed, "the report's body is not JSON")
	}
	var body Body
	if err := strictDecode(compact.Bytes(), &body); err != nil {
		return nil, refuse(CodeMalformed, "the report's body: %v", err)
	}
	if again, err := json.Marshal(&body); err != nil || !bytes.Equal(again, compact.Bytes()) {
		return nil, refuse(CodeMalformed, "the report's body is not in its canonical form (a member unknown, repeated, reordered or respelt)")
	}
	cert, err := parseCert(r.Signer)
	if err != nil {
		return nil, err
	}
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	digest := sha256.Sum256(compact.Bytes())
	if err != nil || !ok || !ecdsa.VerifyASN1(pub, digest[:], sig) {
		return nil, refuse(CodeBadSignature, "the signature does not verify with the signer's certificate: the report was altered, or not signed by it")
	}
	if err := body.check(); err != nil {
		return nil, refuse(CodeMalformed, "%v", err)
	}
	switch {
	case body.MSPID != trust.MSPID:
		return nil, refuse(CodeWrongSigner, "signed by %s, not %s", body.MSPID, trust.MSPID)
	case trust.Channels != nil && !slices.Contains(trust.Channels, body.Channel):
		return nil, refuse(CodeWrongSigner, "%s is not a member of channel %s", trust.MSPID, body.Channel)
	case body.GeneratedAt.After(now.Add(MaxSkew)):
		return nil, refuse(CodeMalformed, "made at %s, after now", body.GeneratedAt.Format(time.RFC3339))
	}
	for _, t := range []time.Time{now, body.GeneratedAt} {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: trust.Roots, CurrentTime: t, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			return nil, refuse(CodeWrongSigner, "the signer's certificate is not of %s's CA at %s: %v", trust.MSPID, t.UTC().Format(time.RFC3339), err)
		}
	}
	return &Parsed{Body: body, Signer: cert}, nil
}

// strictDecode decodes one JSON value into v, refusing unknown members and
// anything after it.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the report")
	}
	return nil
}

func parseCert(s string) (*x509.Certificate, error) {
	if len(s) > MaxCertPEM {
		return nil, refuse(CodeMalformed, "the signer's certificate is over %d bytes", MaxCertPEM)
	}
	blk, rest := pem.Decode([]byte(s))
	if blk == nil || blk.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, refuse(CodeMalformed, "the signer is not one PEM certificate")
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, refuse(CodeMalformed, "the signer's certificate: %v", err)
	}
	return c, nil
}
