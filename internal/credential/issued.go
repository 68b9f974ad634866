package credential

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/gm"
)

// FileFormat names version 1 of the holder's credential file.
const FileFormat = "wanledger-credential/v1"

// Limits of an issued credential's compact form.
const (
	MaxFields       = 64      // fields of one licence
	MaxCompact      = 1 << 20 // characters of the compact form
	MaxSignatureLen = 72      // bytes of a DER SM2 signature
)

// Credential is what the holder of a licence receives at issuance: the
// content as sealed (the issuer-signed digest list, which binds the
// holder's key), the seal signature, and every field's disclosure, in the
// order of the content's fields. Its compact form is
//
//	B64(content signing bytes) "." B64(seal) "~" B64(disclosure) "~" … "~"
//
// (docs/credential-format.md).
type Credential struct {
	Content     Content
	Seal        []byte // DER SM2 signature of the agency's seal key over Content.SigningBytes
	Disclosures []Disclosure
}

// Compact returns the credential's compact form, if it holds together
// (Check).
func (c Credential) Compact() (string, error) {
	if err := c.Check(); err != nil {
		return "", err
	}
	signed, err := c.Content.SigningBytes()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(B64.EncodeToString(signed) + "." + B64.EncodeToString(c.Seal) + "~")
	for _, d := range c.Disclosures {
		enc, err := d.Encode()
		if err != nil {
			return "", err
		}
		b.WriteString(B64.EncodeToString(enc) + "~")
	}
	return b.String(), nil
}

// Check tells whether the credential holds together: one disclosure per
// field of the content, in its order, each of the licence and hashing to
// the field's digest. It cannot tell whether the seal is genuine: that
// takes the seal key registered on the ledger (Verify).
func (c Credential) Check() error {
	if len(c.Disclosures) != len(c.Content.Fields) {
		return fmt.Errorf("%w: %d disclosures for %d fields", ErrEncoding, len(c.Disclosures), len(c.Content.Fields))
	}
	for i, d := range c.Disclosures {
		f := c.Content.Fields[i]
		if d.LicenceID != c.Content.ID || d.Name != f.Name {
			return fmt.Errorf("%w: disclosure %d is field %s of licence %s, want %s of %s", ErrEncoding, i+1, d.Name, d.LicenceID, f.Name, c.Content.ID)
		}
		got, err := d.Digest()
		if err != nil {
			return err
		}
		if got != f.Digest {
			return fmt.Errorf("%w: field %s does not hash to its digest", ErrEncoding, d.Name)
		}
	}
	if len(c.Seal) == 0 || len(c.Seal) > MaxSignatureLen {
		return fmt.Errorf("%w: the seal signature is 1 to %d bytes", ErrEncoding, MaxSignatureLen)
	}
	return nil
}

// Select returns the disclosures of the fields named, in the order given,
// or all of them if names is empty. A name the credential lacks, or one
// named twice, is an error.
func (c Credential) Select(names []string) ([]Disclosure, error) {
	if len(names) == 0 {
		return c.Disclosures, nil
	}
	out := make([]Disclosure, 0, len(names))
	for i, n := range names {
		if slices.Contains(names[:i], n) {
			return nil, fmt.Errorf("field %q is named twice", n)
		}
		j := slices.IndexFunc(c.Disclosures, func(d Disclosure) bool { return d.Name == n })
		if j < 0 {
			return nil, fmt.Errorf("licence %s's credential has no field %q", c.Content.ID, n)
		}
		out = append(out, c.Disclosures[j])
	}
	return out, nil
}

// ParseCompact reads a credential's compact form, refusing any other text,
// and checks it (Check).
func ParseCompact(s string) (Credential, error) {
	if len(s) > MaxCompact {
		return Credential{}, fmt.Errorf("%w: credential over %d characters", ErrEncoding, MaxCompact)
	}
	parts := strings.Split(s, "~")
	if len(parts) < 2 || parts[len(parts)-1] != "" || len(parts)-2 > MaxFields {
		return Credential{}, fmt.Errorf("%w: want CONTENT.SEAL~ then 0 to %d DISCLOSURE~", ErrEncoding, MaxFields)
	}
	signed, seal, ok := strings.Cut(parts[0], ".")
	if !ok {
		return Credential{}, fmt.Errorf("%w: the issuer-signed part is CONTENT.SEAL", ErrEncoding)
	}
	var c Credential
	content, err := unB64("content", signed)
	if err != nil {
		return Credential{}, err
	}
	if c.Content, err = DecodeContent(content); err != nil {
		return Credential{}, err
	}
	if c.Seal, err = unB64("seal", seal); err != nil {
		return Credential{}, err
	}
	for i, p := range parts[1 : len(parts)-1] {
		b, err := unB64(fmt.Sprintf("disclosure %d", i+1), p)
		if err != nil {
			return Credential{}, err
		}
		d, err := ParseDisclosure(b)
		if err != nil {
			return Credential{}, fmt.Errorf("disclosure %d: %w", i+1, err)
		}
		c.Disclosures = append(c.Disclosures, d)
	}
	return c, c.Check()
}

func unB64(what, s string) ([]byte, error) {
	b, err := B64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not unpadded base64url: %v", ErrEncoding, what, err)
	}
	return b, nil
}

// DecodeContent reads a licence content from its signing bytes, refusing
// anything that SigningBytes would not write.
func DecodeContent(b []byte) (Content, error) {
	v, err := canon.Decode(b)
	if err != nil {
		return Content{}, fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	s, y := canon.KindString, canon.KindBytes
	items, err := shape(v, s, s, s, s, s, s, y, y, canon.KindList, canon.KindTime, canon.KindTime)
	if err != nil {
		return Content{}, err
	}
	if items[0].Str != TagLicence {
		return Content{}, fmt.Errorf("%w: tag %q, want %q", ErrEncoding, items[0].Str, TagLicence)
	}
	c := Content{ID: items[1].Str, Type: items[2].Str, AgencyID: items[3].Str, Region: items[4].Str, SealKeyID: items[5].Str,
		HolderPseudonym: hex.EncodeToString(items[6].Bytes), HolderPublicKey: hex.EncodeToString(items[7].Bytes),
		ValidFrom: items[9].Time, ValidTo: items[10].Time}
	if len(items[8].List) > MaxFields {
		return Content{}, fmt.Errorf("%w: over %d fields", ErrEncoding, MaxFields)
	}
	for _, f := range items[8].List {
		pair, err := shape(f, canon.KindString, canon.KindBytes)
		if err != nil {
			return Content{}, err
		}
		c.Fields = append(c.Fields, FieldDigest{Name: pair[0].Str, Digest: hex.EncodeToString(pair[1].Bytes)})
	}
	if _, err := c.SigningBytes(); err != nil { // lengths, order, repeats
		return Content{}, err
	}
	if _, err := gm.ParsePublicKeyHex(c.HolderPublicKey); err != nil {
		return Content{}, fmt.Errorf("%w: holder public key: %v", ErrEncoding, err)
	}
	return c, nil
}
