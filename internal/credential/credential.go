// Package credential defines what an e-licence issuer signs, and the
// digests that keep personal data off the ledger: the holder's pseudonym and
// one salted digest per licence field. Issuers, the chaincode, gateways and
// wallets all use it, so they agree byte for byte (docs/canonical-encoding.md).
package credential

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/gm"
	"golang.org/x/text/unicode/norm"
)

// Domain-separation tags: the first element of every encoded record.
const (
	TagLicence = "wanledger/licence/v1"
	TagField   = "wanledger/field/v1"
	TagHolder  = "wanledger/holder/v1"
)

// Field salts are this long at least.
const MinSaltLen = 16

// FieldDigest is the salted SM3 digest of one field of a licence, in hex.
type FieldDigest struct {
	Name   string `json:"name" doc:"the field's name"`
	Digest string `json:"digest" doc:"SM3 of the licence ID, field name, salt and NFC value, hex (docs/canonical-encoding.md)"`
}

// Content is what an issuing agency's seal signs: everything about a licence
// except its status, which changes after issuance.
type Content struct {
	ID              string        `json:"id" doc:"the licence's ID"`
	Type            string        `json:"type" doc:"the licence type's code"`
	AgencyID        string        `json:"agencyId" doc:"the issuing agency's ID"`
	Region          string        `json:"region" doc:"GB/T 2260 code of the licence's region"`
	SealKeyID       string        `json:"sealKeyId" doc:"the seal key that signed it"`
	HolderPseudonym string        `json:"holderPseudonym" doc:"the holder's pseudonym: SM3 of the province salt and the citizen ID, hex"`
	HolderPublicKey string        `json:"holderPublicKey" doc:"the holder's SM2 public key, uncompressed hex"`
	Fields          []FieldDigest `json:"fields" doc:"each field's name and salted SM3 digest; values stay with the holder"`
	ValidFrom       time.Time     `json:"validFrom" doc:"RFC 3339: start of validity (inclusive)"`
	ValidTo         time.Time     `json:"validTo" doc:"RFC 3339: end of validity (exclusive)"`
}

// ErrEncoding is returned for content that has no canonical encoding.
var ErrEncoding = errors.New("credential: content cannot be encoded")

// SigningBytes is the canonical encoding the seal signs:
//
//	list(string TagLicence, string ID, string Type, string AgencyID, string Region,
//	     string SealKeyID, bytes pseudonym[32], bytes holderKey[65],
//	     list(list(string name, bytes digest[32])...), time ValidFrom, time ValidTo)
func (c Content) SigningBytes() ([]byte, error) {
	pseudonym, err := decodeHex(c.HolderPseudonym, 32, "holder pseudonym")
	if err != nil {
		return nil, err
	}
	holderKey, err := decodeHex(c.HolderPublicKey, 65, "holder public key")
	if err != nil {
		return nil, err
	}
	if !slices.IsSortedFunc(c.Fields, func(a, b FieldDigest) int { return strings.Compare(a.Name, b.Name) }) {
		return nil, fmt.Errorf("%w: fields are not sorted by name", ErrEncoding)
	}
	digests := make([][]byte, len(c.Fields))
	for i, f := range c.Fields {
		if i > 0 && c.Fields[i-1].Name == f.Name {
			return nil, fmt.Errorf("%w: field %q twice", ErrEncoding, f.Name)
		}
		if digests[i], err = decodeHex(f.Digest, 32, "digest of "+f.Name); err != nil {
			return nil, err
		}
	}
	return encodeList(func(l *canon.Encoder) {
		l.String(TagLicence).String(c.ID).String(c.Type).String(c.AgencyID).String(c.Region).String(c.SealKeyID)
		l.Bytes(pseudonym).Bytes(holderKey)
		l.List(func(fl *canon.Encoder) {
			for i, f := range c.Fields {
				fl.List(func(p *canon.Encoder) { p.String(f.Name).Bytes(digests[i]) })
			}
		})
		l.Time(c.ValidFrom).Time(c.ValidTo)
	})
}

func decodeHex(s string, n int, what string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != n || strings.ToLower(s) != s {
		return nil, fmt.Errorf("%w: %s must be %d bytes in lower-case hex", ErrEncoding, what, n)
	}
	return b, nil
}

// Sign seals the content with the agency's SM2 key.
func Sign(key *gm.PrivateKey, c Content) ([]byte, error) {
	b, err := c.SigningBytes()
	if err != nil {
		return nil, err
	}
	return key.Sign(b)
}

// ErrBadSignature is returned when a seal signature does not verify.
var ErrBadSignature = errors.New("credential: seal signature does not verify")

// Verify checks a seal signature over the content.
func Verify(key *gm.PublicKey, c Content, sig []byte) error {
	b, err := c.SigningBytes()
	if err != nil {
		return err
	}
	if !key.Verify(b, sig) {
		return ErrBadSignature
	}
	return nil
}

// FieldDigestOf is the digest of one field's value:
// SM3(list(string TagField, string licenceID, string name, bytes salt, string NFC(value))).
// The licence ID binds the digest to one licence; the salt keeps values that
// are few (a birth year, a yes or no) from being guessed from the digest.
// The value is hashed in Unicode normalization form C, so the same text
// typed in composed or decomposed form has one digest; issuers and verifiers
// both call this function, so they agree.
func FieldDigestOf(licenceID, name string, salt []byte, value string) (string, error) {
	if len(salt) < MinSaltLen {
		return "", fmt.Errorf("%w: salt of %s is %d bytes, want at least %d", ErrEncoding, name, len(salt), MinSaltLen)
	}
	value = NFC(value)
	return digest(func(l *canon.Encoder) { fieldItems(l, licenceID, name, salt, value) })
}

// NFC returns s in Unicode normalization form C (composed), the form in
// which field values and citizen IDs are hashed. Invalid UTF-8 is left as it
// is, for the encoder to refuse.
func NFC(s string) string { return norm.NFC.String(s) }

// encodeList encodes one list of the values items appends.
func encodeList(items func(*canon.Encoder)) ([]byte, error) {
	var e canon.Encoder
	e.List(items)
	b, err := e.Result()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	return b, nil
}

// digest is the hex SM3 of a list's encoding.
func digest(items func(*canon.Encoder)) (string, error) {
	b, err := encodeList(items)
	if err != nil {
		return "", err
	}
	return gm.SM3Hex(b), nil
}

// HolderPseudonym is the ledger's name for a citizen:
// SM3(list(string TagHolder, bytes provinceSalt, string NFC(citizenID))). The
// province keeps the salt secret, so the pseudonym cannot be reversed by
// trying every ID number.
func HolderPseudonym(provinceSalt []byte, citizenID string) (string, error) {
	if len(provinceSalt) < MinSaltLen {
		return "", fmt.Errorf("%w: province salt shorter than %d bytes", ErrEncoding, MinSaltLen)
	}
	citizenID = NFC(citizenID)
	return digest(func(l *canon.Encoder) { l.String(TagHolder).Bytes(provinceSalt).String(citizenID) })
}
