package credential

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/gm"
)

// MaxSaltLen bounds a field salt; MaxValueLen a field value in NFC (bytes).
const (
	MaxSaltLen  = 64
	MaxValueLen = 4096
)

// Why a disclosure's encoding is refused, besides ErrEncoding: another
// record's tag, a salt of the wrong length, a value empty, too long or not
// in NFC.
var (
	ErrTag   = errors.New("not a field disclosure")
	ErrSalt  = errors.New("bad salt")
	ErrValue = errors.New("bad value")
)

// B64 is the text form of every binary part of a credential or a
// presentation: base64url without padding (RFC 4648 §5), canonical (no
// stray bits in the last character).
var B64 = base64.RawURLEncoding.Strict()

// Disclosure is one field of a licence in clear: what its holder reveals
// to a verifier. Its encoding is the preimage of the field's digest
// (docs/credential-format.md), so SM3 of the encoding is the digest the
// seal signed, as an SD-JWT disclosure hashes to its digest.
type Disclosure struct {
	LicenceID string
	Name      string
	Salt      []byte // MinSaltLen to MaxSaltLen bytes
	Value     string // in NFC
}

// Encode returns the disclosure's canonical encoding:
// list(string TagField, string licenceID, string name, bytes salt, string NFC(value)).
func (d Disclosure) Encode() ([]byte, error) {
	if len(d.Salt) < MinSaltLen || len(d.Salt) > MaxSaltLen {
		return nil, fmt.Errorf("%w: salt of %s is %d bytes, want %d to %d", ErrEncoding, d.Name, len(d.Salt), MinSaltLen, MaxSaltLen)
	}
	return encodeList(func(l *canon.Encoder) { fieldItems(l, d.LicenceID, d.Name, d.Salt, NFC(d.Value)) })
}

// Digest is the field digest the disclosure hashes to, in hex.
func (d Disclosure) Digest() (string, error) {
	b, err := d.Encode()
	if err != nil {
		return "", err
	}
	return gm.SM3Hex(b), nil
}

// ParseDisclosure reads Encode's output, refusing anything else: another
// shape or tag, a salt outside MinSaltLen..MaxSaltLen bytes, an empty
// value or one over MaxValueLen bytes, a value not in NFC.
func ParseDisclosure(b []byte) (Disclosure, error) {
	v, err := canon.Decode(b)
	if err != nil {
		return Disclosure{}, fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	items, err := shape(v, canon.KindString, canon.KindString, canon.KindString, canon.KindBytes, canon.KindString)
	if err != nil {
		return Disclosure{}, err
	}
	if items[0].Str != TagField {
		return Disclosure{}, fmt.Errorf("%w: %w: tag %q, want %q", ErrEncoding, ErrTag, items[0].Str, TagField)
	}
	d := Disclosure{LicenceID: items[1].Str, Name: items[2].Str, Salt: items[3].Bytes, Value: items[4].Str}
	switch {
	case d.Value == "" || len(d.Value) > MaxValueLen:
		return Disclosure{}, fmt.Errorf("%w: %w: value of %s is empty or over %d bytes", ErrEncoding, ErrValue, d.Name, MaxValueLen)
	case NFC(d.Value) != d.Value:
		return Disclosure{}, fmt.Errorf("%w: %w: value of %s is not in Unicode NFC", ErrEncoding, ErrValue, d.Name)
	case len(d.Salt) < MinSaltLen || len(d.Salt) > MaxSaltLen:
		return Disclosure{}, fmt.Errorf("%w: %w: salt of %s is %d bytes, want %d to %d", ErrEncoding, ErrSalt, d.Name, len(d.Salt), MinSaltLen, MaxSaltLen)
	}
	return d, nil
}

// fieldItems appends a field digest's preimage items (value already NFC).
func fieldItems(l *canon.Encoder, licenceID, name string, salt []byte, value string) {
	l.String(TagField).String(licenceID).String(name).Bytes(salt).String(value)
}

// shape checks that v is a list of values of the kinds given, in order.
func shape(v canon.Value, kinds ...byte) ([]canon.Value, error) {
	if v.Kind != canon.KindList || len(v.List) != len(kinds) {
		return nil, fmt.Errorf("%w: want a list of %d values", ErrEncoding, len(kinds))
	}
	for i, k := range kinds {
		if v.List[i].Kind != k {
			return nil, fmt.Errorf("%w: value %d is of kind 0x%02x, want 0x%02x", ErrEncoding, i+1, v.List[i].Kind, k)
		}
	}
	return v.List, nil
}
