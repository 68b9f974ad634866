package presentation

import (
	"errors"
	"slices"
	"time"

	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// Defaults of Expect's time window.
const (
	DefaultMaxAge  = 5 * time.Minute
	DefaultMaxSkew = 30 * time.Second
)

// Expect is what the verifier expects of a presentation. The caller issued
// the nonce and keeps it single use: Verify only compares.
type Expect struct {
	Nonce    string
	Audience string        // the verifier's own name
	Now      time.Time     // the time to judge at
	MaxAge   time.Duration // how long before Now it may have been made; DefaultMaxAge if 0
	MaxSkew  time.Duration // how long after Now it may claim to be made; DefaultMaxSkew if 0
}

// ErrExpect is returned for an Expect without a nonce, audience or time,
// or with a negative window.
var ErrExpect = errors.New("presentation: the verifier's nonce, audience and time are required")

func (e *Expect) validate() error {
	if e.Nonce == "" || e.Audience == "" || e.Now.IsZero() || e.MaxAge < 0 || e.MaxSkew < 0 {
		return ErrExpect
	}
	if e.MaxAge == 0 {
		e.MaxAge = DefaultMaxAge
	}
	if e.MaxSkew == 0 {
		e.MaxSkew = DefaultMaxSkew
	}
	return nil
}

// Verify checks a parsed presentation against the licence's content as the
// ledger holds it: the licence is the one referenced, the key binding is
// signed by the licence's holder key and carries the expected nonce and
// audience and a time within the window, and every disclosure is a field
// of the licence hashing to its digest. It returns the disclosures, or an
// *Error (ErrExpect for a bad exp). Seal, accreditation, validity and
// status are the caller's to judge from the same record.
func Verify(p *Presentation, c credential.Content, exp Expect) ([]credential.Disclosure, error) {
	if err := exp.validate(); err != nil {
		return nil, err
	}
	if c.ID != p.LicenceID {
		return nil, refuse(LicenceMismatch, "the presentation is of licence %s, the record of %s", p.LicenceID, c.ID)
	}
	holder, err := gm.ParsePublicKeyHex(c.HolderPublicKey)
	if err != nil {
		return nil, refuse(HolderKeyInvalid, "licence %s's holder key: %v", c.ID, err)
	}
	if !holder.Verify(p.KeyBinding, p.Signature) {
		return nil, refuse(SigInvalid, "the key binding is not signed by licence %s's holder key", c.ID)
	}
	switch {
	case p.Nonce != exp.Nonce:
		return nil, refuse(NonceMismatch, "not the nonce this verifier issued")
	case p.Audience != exp.Audience:
		return nil, refuse(AudienceMismatch, "made for %q, not %q", p.Audience, exp.Audience)
	case p.IssuedAt.After(exp.Now.Add(exp.MaxSkew)):
		return nil, refuse(TimeFuture, "made at %s, after %s", p.IssuedAt.Format(time.RFC3339), exp.Now.Add(exp.MaxSkew).UTC().Format(time.RFC3339))
	case p.IssuedAt.Before(exp.Now.Add(-exp.MaxAge)):
		return nil, refuse(TimeExpired, "made at %s, before %s", p.IssuedAt.Format(time.RFC3339), exp.Now.Add(-exp.MaxAge).UTC().Format(time.RFC3339))
	}
	for _, d := range p.Disclosures {
		i := slices.IndexFunc(c.Fields, func(f credential.FieldDigest) bool { return f.Name == d.Name })
		if i < 0 {
			return nil, refuse(DiscUnknown, "licence %s has no field %s", c.ID, d.Name)
		}
		if got, err := d.Digest(); err != nil || got != c.Fields[i].Digest {
			return nil, refuse(DiscDigest, "field %s's value and salt do not hash to its digest", d.Name)
		}
	}
	return p.Disclosures, nil
}

// HolderSigned reports whether Verify, returning err, had found the key
// binding signed by the licence's holder key: err is nil, or a refusal of
// what the holder signed (the nonce, audience, time or disclosures). Only
// such presentations are the holder's doing; any key can make the others.
func HolderSigned(err error) bool {
	pe, ok := errors.AsType[*Error](err)
	if !ok {
		return err == nil
	}
	return !slices.Contains([]Code{LicenceMismatch, HolderKeyInvalid, SigInvalid}, pe.Code)
}
