// Package presentation is the compact form in which a holder presents a
// licence to a verifier, after SD-JWT (RFC 9901) with SM2 and SM3:
//
//	REFERENCE "~" DISCLOSURE "~" … "~" KEY-BINDING
//
// the licence reference, the disclosures of the fields the holder chose,
// and a key binding signed by the holder's SM2 key over the verifier's
// nonce, its audience, the time and the SM3 digest of what precedes it.
// Parse refuses malformed text with a stable Code; Verify checks a parsed
// presentation against the ledger's licence. docs/credential-format.md
// specifies every byte.
package presentation

import (
	"errors"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/canon"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Tags of a presentation's records.
const (
	TagReference  = "wanledger/credential-ref/v1"
	TagKeyBinding = "wanledger/key-binding/v1"
)

// Limits Parse enforces.
const (
	MaxLen         = 32 << 10 // characters of a presentation
	MaxDisclosures = credential.MaxFields
)

// nameForm reports whether s is min to 128 of A-Z a-z 0-9 . _ : / -: a
// nonce's form (min 8) and an audience's (min 1). A loop, not a regular
// expression: it runs on every presentation.
func nameForm(s string, min int) bool {
	if len(s) < min || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		if !b64Char(rune(c)) && c != '.' && c != ':' && c != '/' {
			return false
		}
	}
	return true
}

// Presentation is a parsed presentation.
type Presentation struct {
	LicenceID   string
	Disclosures []credential.Disclosure // sorted by name, distinct
	Nonce       string
	Audience    string
	IssuedAt    time.Time // whole seconds
	SDHash      []byte    // SM3 of the text before the key binding
	Signature   []byte    // DER SM2 signature over KeyBinding
	KeyBinding  []byte    // the signed payload's bytes
}

// Make builds a presentation of licence licenceID by the holder's key:
// the disclosures ds (sorted here by name), and a key binding over nonce,
// audience and at (in whole seconds).
func Make(key *gm.PrivateKey, licenceID string, ds []credential.Disclosure, nonce, audience string, at time.Time) (string, error) {
	ds = slices.SortedFunc(slices.Values(ds), func(a, b credential.Disclosure) int { return strings.Compare(a.Name, b.Name) })
	ref, err := encode(func(l *canon.Encoder) { l.String(TagReference).String(licenceID) })
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(credential.B64.EncodeToString(ref) + "~")
	for _, d := range ds {
		enc, err := d.Encode()
		if err != nil {
			return "", err
		}
		b.WriteString(credential.B64.EncodeToString(enc) + "~")
	}
	sd := gm.SM3([]byte(b.String()))
	kb, err := encode(func(l *canon.Encoder) {
		l.String(TagKeyBinding).String(nonce).String(audience).Time(time.Unix(at.Unix(), 0)).Bytes(sd[:])
	})
	if err != nil {
		return "", err
	}
	sig, err := key.Sign(kb)
	if err != nil {
		return "", err
	}
	b.WriteString(credential.B64.EncodeToString(kb) + "." + credential.B64.EncodeToString(sig))
	if _, err := Parse(b.String()); err != nil { // the one definition of well-formed
		return "", err
	}
	return b.String(), nil
}

func encode(items func(*canon.Encoder)) ([]byte, error) {
	var e canon.Encoder
	e.List(items)
	return e.Result()
}

// Parse reads a presentation, refusing with an *Error anything that is not
// exactly the form Make writes. It checks no signature (Verify does).
func Parse(s string) (*Presentation, error) {
	switch {
	case s == "":
		return nil, refuse(Empty, "no presentation")
	case len(s) > MaxLen:
		return nil, refuse(TooLarge, "%d characters, at most %d", len(s), MaxLen)
	}
	for i := range len(s) {
		if !textChar[s[i]] {
			return nil, refuse(Charset, "character %d (%q) is not base64url, \"~\" or \".\"", i+1, s[i])
		}
	}
	parts := strings.Split(s, "~")
	if len(parts) < 2 || slices.Contains(parts, "") {
		return nil, refuse(Structure, "want REFERENCE~DISCLOSURE~…~KEY-BINDING with no empty part")
	}
	if len(parts)-2 > MaxDisclosures {
		return nil, refuse(TooManyDisclosures, "%d disclosures, at most %d", len(parts)-2, MaxDisclosures)
	}
	p := &Presentation{}
	if strings.Contains(parts[0], ".") {
		return nil, refuse(RefBase64, "it begins with a credential's content and seal: an offline presentation (wallet present --offline), for verify --offline; a gateway takes one made without --offline")
	}
	if err := p.reference(parts[0]); err != nil {
		return nil, err
	}
	for i, part := range parts[1 : len(parts)-1] {
		if err := p.disclosure(i+1, part); err != nil {
			return nil, err
		}
	}
	kb := parts[len(parts)-1]
	if err := p.keyBinding(kb); err != nil {
		return nil, err
	}
	if sd := gm.SM3([]byte(s[:len(s)-len(kb)])); string(sd[:]) != string(p.SDHash) {
		return nil, refuse(KBSDHash, "the key binding's digest does not cover this reference and these disclosures")
	}
	return p, nil
}

// textChar holds the bytes a presentation's text may have: base64url, "~"
// and ".".
var textChar = func() (t [256]bool) {
	for c := range 256 {
		t[c] = b64Char(rune(c)) || c == '~' || c == '.'
	}
	return t
}()

func b64Char(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// list decodes a base64url part into a list of values of the kinds given.
func list(part string, base64Code, malformed Code, what string, kinds ...byte) ([]canon.Value, []byte, error) {
	b, err := credential.B64.DecodeString(part)
	if err != nil {
		return nil, nil, refuse(base64Code, "%s is not unpadded base64url", what)
	}
	v, err := canon.Decode(b)
	if err != nil || v.Kind != canon.KindList || len(v.List) != len(kinds) {
		return nil, nil, refuse(malformed, "%s is not a canonical list of %d values", what, len(kinds))
	}
	for i, k := range kinds {
		if v.List[i].Kind != k {
			return nil, nil, refuse(malformed, "%s: value %d is of kind 0x%02x, want 0x%02x", what, i+1, v.List[i].Kind, k)
		}
	}
	return v.List, b, nil
}

func (p *Presentation) reference(part string) error {
	items, _, err := list(part, RefBase64, RefMalformed, "the reference", canon.KindString, canon.KindString)
	if err != nil {
		return err
	}
	if items[0].Str != TagReference {
		return refuse(RefVersion, "the reference is %q, want %q", items[0].Str, TagReference)
	}
	if err := record.CheckID("licence ID", items[1].Str); err != nil {
		return refuse(RefLicenceID, "%s", ruleMsg(err))
	}
	p.LicenceID = items[1].Str
	return nil
}

func (p *Presentation) disclosure(n int, part string) error {
	b, err := credential.B64.DecodeString(part)
	if err != nil {
		return refuse(DiscBase64, "disclosure %d is not unpadded base64url", n)
	}
	d, err := credential.ParseDisclosure(b)
	switch {
	case errors.Is(err, credential.ErrTag):
		return refuse(DiscVersion, "disclosure %d: %v", n, err)
	case errors.Is(err, credential.ErrSalt):
		return refuse(DiscSalt, "disclosure %d: %v", n, err)
	case errors.Is(err, credential.ErrValue):
		return refuse(DiscValue, "disclosure %d: %v", n, err)
	case err != nil:
		return refuse(DiscMalformed, "disclosure %d: %v", n, err)
	}
	if err := record.CheckFieldName(d.Name); err != nil {
		return refuse(DiscName, "disclosure %d: %s", n, ruleMsg(err))
	}
	if d.LicenceID != p.LicenceID {
		return refuse(DiscLicence, "disclosure %d is a field of licence %q, not %q", n, d.LicenceID, p.LicenceID)
	}
	if slices.ContainsFunc(p.Disclosures, func(o credential.Disclosure) bool { return o.Name == d.Name }) {
		return refuse(DiscDuplicate, "field %s is disclosed twice", d.Name)
	}
	if k := len(p.Disclosures); k > 0 && p.Disclosures[k-1].Name > d.Name {
		return refuse(DiscOrder, "disclosure %d (%s) comes after %s: disclosures are sorted by field name", n, d.Name, p.Disclosures[k-1].Name)
	}
	p.Disclosures = append(p.Disclosures, d)
	return nil
}

func (p *Presentation) keyBinding(part string) error {
	payload, sig, ok := strings.Cut(part, ".")
	if !ok || payload == "" || sig == "" || strings.Contains(sig, ".") {
		return refuse(KBStructure, "the key binding is PAYLOAD.SIGNATURE")
	}
	s := canon.KindString
	items, kb, err := list(payload, KBBase64, KBMalformed, "the key binding", s, s, s, canon.KindTime, canon.KindBytes)
	if err != nil {
		return err
	}
	switch {
	case items[0].Str != TagKeyBinding:
		return refuse(KBVersion, "the key binding is %q, want %q", items[0].Str, TagKeyBinding)
	case !nameForm(items[1].Str, 8):
		return refuse(KBNonceFormat, "a nonce is 8 to 128 of A-Z a-z 0-9 . _ : / -")
	case !nameForm(items[2].Str, 1):
		return refuse(KBAudienceFormat, "an audience is 1 to 128 of A-Z a-z 0-9 . _ : / -")
	case len(items[4].Bytes) != 32:
		return refuse(KBMalformed, "the key binding's digest is %d bytes, want 32", len(items[4].Bytes))
	}
	p.Nonce, p.Audience, p.IssuedAt, p.SDHash, p.KeyBinding = items[1].Str, items[2].Str, items[3].Time, items[4].Bytes, kb
	if p.Signature, err = credential.B64.DecodeString(sig); err != nil {
		return refuse(SigBase64, "the signature is not unpadded base64url")
	}
	return checkDER(p.Signature)
}

// checkDER accepts a DER SEQUENCE { r INTEGER, s INTEGER } with r and s
// positive, nothing else and no other encoding of it (cryptobyte reads
// DER only: minimal lengths and minimal integers).
func checkDER(sig []byte) error {
	if len(sig) > credential.MaxSignatureLen {
		return refuse(SigMalformed, "the signature is %d bytes, at most %d", len(sig), credential.MaxSignatureLen)
	}
	var r, s big.Int
	in, seq := cryptobyte.String(sig), cryptobyte.String(nil)
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1Integer(&r) || !seq.ReadASN1Integer(&s) ||
		!seq.Empty() || r.Sign() <= 0 || s.Sign() <= 0 {
		return refuse(SigMalformed, "the signature is not a DER SEQUENCE of two positive INTEGERs")
	}
	return nil
}

// ruleMsg is a ledger rule's refusal without its code.
func ruleMsg(err error) string {
	if e, ok := errors.AsType[*record.Error](err); ok {
		return e.Msg
	}
	return err.Error()
}
