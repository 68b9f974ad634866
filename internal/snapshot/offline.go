package snapshot

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

// Checks an offline verdict adds to the online ones (api.Check*).
const (
	CheckKeyBinding = "key-binding"
	CheckContent    = "content-in-snapshot"
	CheckFresh      = "snapshot-fresh"
)

// MaxOffline bounds an offline presentation's characters: a presentation
// and the content of a licence of up to 64 fields with its seal.
const MaxOffline = presentation.MaxLen + 16<<10

// Offline prefixes a presentation with its credential's issuer-signed
// part, so that a verifier with no ledger has the content and seal:
//
//	B64(C) "." B64(S) "~" PRESENTATION
func Offline(c credential.Credential, pres string) (string, error) {
	compact, err := c.Compact()
	if err != nil {
		return "", err
	}
	signed, _, _ := strings.Cut(compact, "~")
	return signed + "~" + pres, nil
}

// ParseOffline splits an offline presentation into the licence content,
// its seal signature and the parsed presentation, which must be of the
// same licence.
func ParseOffline(s string) (credential.Content, []byte, *presentation.Presentation, error) {
	signed, pres, ok := strings.Cut(s, "~")
	c64, s64, ok2 := strings.Cut(signed, ".")
	if !ok || !ok2 || len(s) > MaxOffline {
		return credential.Content{}, nil, nil, refuse(OfflineForm, "want CONTENT.SEAL~PRESENTATION, at most %d characters", MaxOffline)
	}
	cb, err := credential.B64.DecodeString(c64)
	if err != nil {
		return credential.Content{}, nil, nil, refuse(OfflineForm, "the content is not unpadded base64url")
	}
	c, err := credential.DecodeContent(cb)
	if err != nil {
		return credential.Content{}, nil, nil, refuse(OfflineForm, "the content: %v", err)
	}
	seal, err := credential.B64.DecodeString(s64)
	if err != nil || len(seal) == 0 || len(seal) > credential.MaxSignatureLen {
		return credential.Content{}, nil, nil, refuse(OfflineForm, "the seal is not 1 to %d bytes of unpadded base64url", credential.MaxSignatureLen)
	}
	p, err := presentation.Parse(pres)
	if err != nil {
		return credential.Content{}, nil, nil, err
	}
	if p.LicenceID != c.ID {
		return credential.Content{}, nil, nil, refuse(OfflineForm, "the content is of licence %s, the presentation of %s", c.ID, p.LicenceID)
	}
	return c, seal, p, nil
}

// Verdict is the outcome of an offline check.
type Verdict struct {
	LicenceID   string        `json:"licenceId"`
	Valid       bool          `json:"valid"`
	Status      record.Status `json:"status,omitempty"`
	RelayedFrom string        `json:"relayedFrom,omitempty"`
	Checks      []api.Check   `json:"checks"`
	Disclosed   []Field       `json:"disclosed,omitempty"`
	// The snapshot judged by: who signed it, of which channel and block,
	// when it was built and how old it was at the check.
	SnapshotMSPID   string    `json:"snapshotMspId"`
	SnapshotChannel string    `json:"snapshotChannel"`
	BlockHeight     uint64    `json:"blockHeight"`
	SnapshotBuiltAt time.Time `json:"snapshotBuiltAt"`
	AgeSeconds      int64     `json:"ageSeconds"`
	FreshnessLimit  int64     `json:"freshnessLimitSeconds"`
	Stale           bool      `json:"stale"`
	// StaleAccepted: the snapshot is stale and the caller accepted it; its
	// freshness check then fails (ok false, code SNAPSHOT_STALE in its
	// detail) without making the verdict NOT VALID.
	StaleAccepted bool `json:"staleAccepted,omitempty"`
}

// Field is a disclosed field's name and value.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Check verifies an offline presentation against the snapshot at exp.Now:
// the key binding (nonce, audience, time), the disclosures, that the
// content is the one the snapshot lists for the licence, the seal by a
// key of the agency valid when it sealed, the agency's grant then, the
// status in the snapshot and the validity window at exp.Now. A snapshot
// older than the licence type's freshness limit fails its freshness check;
// with acceptStale that failure is accepted (StaleAccepted) and does not
// make the verdict NOT VALID. An error is a form refusal (an
// *Error or a *presentation.Error) or ErrExpect.
func (s *Snapshot) Check(offline string, exp presentation.Expect, acceptStale bool) (Verdict, error) {
	c, seal, p, err := ParseOffline(offline)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{LicenceID: c.ID, SnapshotMSPID: s.MSPID, SnapshotChannel: s.Channel, BlockHeight: s.BlockHeight, SnapshotBuiltAt: s.BuiltAt}
	add := func(name string, err error) bool {
		ch := api.Check{Name: name, OK: err == nil}
		if err != nil {
			ch.Detail = err.Error()
		}
		v.Checks = append(v.Checks, ch)
		return err == nil
	}
	ds, err := presentation.Verify(p, c, exp)
	if errors.Is(err, presentation.ErrExpect) {
		return Verdict{}, err
	}
	add(CheckKeyBinding, err)
	for _, d := range ds {
		v.Disclosed = append(v.Disclosed, Field{Name: d.Name, Value: d.Value})
	}
	i := s.find(c.ID)
	if !add(api.CheckFound, s.found(i, c.ID)) {
		return v.done(), nil
	}
	msg, err := c.SigningBytes()
	if err != nil { // ParseOffline decoded c from its signing bytes
		return Verdict{}, refuse(OfflineForm, "the content: %v", err)
	}
	if !add(CheckContent, s.sameContent(i, msg)) {
		v.Disclosed = nil // checked against digests the ledger never held
	}
	l := &s.Licences
	src := l.Source[i]
	if src != 0 {
		v.RelayedFrom = s.Sources[src]
	}
	t := s.licenceType(src, c.Type)
	v.AgeSeconds = int64(exp.Now.Sub(s.BuiltAt) / time.Second)
	v.FreshnessLimit = int64(DefaultFreshness / time.Second)
	if t != nil {
		v.FreshnessLimit = t.FreshnessSeconds
	}
	v.Stale = v.AgeSeconds > v.FreshnessLimit
	var staleErr error
	if v.Stale {
		staleErr = refuse(Stale, "the snapshot is %s old, over the %s limit of type %s", age(v.AgeSeconds), age(v.FreshnessLimit), c.Type)
		v.StaleAccepted = acceptStale
	}
	add(CheckFresh, staleErr)
	lic := &record.Licence{Content: c, Signature: hex.EncodeToString(seal), SealedAt: time.Unix(l.SealedAt[i], 0).UTC()}
	var grant *record.Accreditation
	if g := l.Grant[i]; g >= 0 {
		grant = &s.Grants[g].Record
		lic.GrantID = grant.GrantID
	}
	add(api.CheckAccredited, errors.Join(recognised(src, t, c.Type), accredited(lic, grant)))
	add(api.CheckSeal, s.sealed(src, lic, msg, seal))
	v.Status = StatusOf(l.Status[i])
	switch {
	case exp.Now.Before(c.ValidFrom):
		v.Status = record.StatusNotYetValid
	case !exp.Now.Before(c.ValidTo):
		v.Status = record.StatusExpired
	}
	var windowErr, statusErr error
	if v.Status == record.StatusNotYetValid || v.Status == record.StatusExpired {
		windowErr = fmt.Errorf("%s at %s (valid %s to %s)", v.Status, exp.Now.UTC().Format(time.RFC3339), c.ValidFrom.Format(time.RFC3339), c.ValidTo.Format(time.RFC3339))
	}
	if v.Status != record.StatusActive {
		statusErr = fmt.Errorf("%s", v.Status)
		if ch := l.ChangedAt[i]; ch > 0 && windowErr == nil {
			statusErr = fmt.Errorf("%s since %s (snapshot of block %d)", v.Status, time.Unix(ch, 0).UTC().Format(time.RFC3339), s.BlockHeight)
		}
	}
	add(api.CheckWindow, windowErr)
	add(api.CheckStatus, statusErr)
	return v.done(), nil
}

// done sets Valid: every check passed, but a stale snapshot's freshness
// check if the staleness was accepted.
func (v Verdict) done() Verdict {
	v.Valid = !slices.ContainsFunc(v.Checks, func(c api.Check) bool { return !c.OK && !(c.Name == CheckFresh && v.StaleAccepted) })
	return v
}

func (s *Snapshot) found(i int, id string) error {
	if i < 0 {
		return refuse(UnknownLicence, "the snapshot of %s at block %d has no licence %s", s.Channel, s.BlockHeight, id)
	}
	return nil
}

// sameContent: the content presented, by its signing bytes, has the digest
// the snapshot lists for licence i.
func (s *Snapshot) sameContent(i int, signing []byte) error {
	d := contentDigest(signing)
	if string(d[:]) != string(s.Licences.Content[i*DigestLen:(i+1)*DigestLen]) {
		return refuse(ContentMismatch, "the content presented is not licence %s's content in the snapshot of block %d", s.Licences.IDs[i], s.BlockHeight)
	}
	return nil
}

func (s *Snapshot) licenceType(src int, code string) *Type {
	i := slices.IndexFunc(s.Types, func(t Type) bool { return t.Source == src && t.Code == code })
	if i < 0 {
		return nil
	}
	return &s.Types[i]
}

// recognised: a licence relayed from another channel must be of a type
// its proof carried, mutually recognised.
func recognised(src int, t *Type, code string) error {
	switch {
	case src == 0:
		return nil
	case t == nil:
		return fmt.Errorf("the snapshot carries no type %s of the licence's channel", code)
	case !t.MutualRecognition:
		return fmt.Errorf("licence type %s is not mutually recognised", code)
	}
	return nil
}

// accredited judges the licence by the grant the snapshot gives for it.
func accredited(l *record.Licence, g *record.Accreditation) error {
	if g == nil {
		return record.Errorf(record.CodeNotAccredited, "the snapshot holds no grant for licence %s", l.ID)
	}
	return l.CheckGrant(g)
}

// sealed checks the seal key is the agency's, valid when it sealed, and
// that its signature verifies over the content's signing bytes msg.
func (s *Snapshot) sealed(src int, l *record.Licence, msg, seal []byte) error {
	i := slices.IndexFunc(s.SealKeys, func(k Sourced[record.SealKey]) bool { return k.Source == src && k.Record.KeyID == l.SealKeyID })
	if i < 0 {
		return fmt.Errorf("seal key %s: not in the snapshot", l.SealKeyID)
	}
	k := &s.SealKeys[i].Record
	if k.AgencyID != l.AgencyID {
		return fmt.Errorf("seal key %s belongs to %s", k.KeyID, k.AgencyID)
	}
	if err := k.ValidAt(l.SealedAt); err != nil {
		return err
	}
	pub, err := gm.ParsePublicKeyHex(k.PublicKey)
	if err != nil {
		return fmt.Errorf("seal key %s: %v", k.KeyID, err)
	}
	if !pub.Verify(msg, seal) {
		return fmt.Errorf("the seal signature does not verify with seal key %s", k.KeyID)
	}
	return nil
}

func age(sec int64) string { return (time.Duration(sec) * time.Second).String() }
