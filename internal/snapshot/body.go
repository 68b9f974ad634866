// Package snapshot is what a verifier needs to check presentations with no
// network: a gateway organisation's signed bundle of its channel's registry
// (licence types, grants, seal keys) and the status and content digest of
// every licence, native or relayed, at one block. Build and Sign make one;
// Parse reads one, refusing anything not signed over its exact bytes; Check
// verifies an offline presentation against it (docs/credential-format.md,
// "Offline").
package snapshot

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// Format names version 2 of a snapshot's body, the first to bind each
// licence's content; version 1 (statuses only) is refused.
const Format = "wanledger-snapshot/v2"

// formatV1 is the body format that listed statuses without contents.
const formatV1 = "wanledger-snapshot/v1"

// DigestLen is the bytes of a licence's content digest in a snapshot: 128
// bits, the security level of SM2-256.
const DigestLen = 16

// contentDigest is the first DigestLen bytes of SM3 over a licence
// content's signing bytes (credential.Content.SigningBytes, what its seal
// signs).
func contentDigest(signing []byte) [DigestLen]byte {
	d := gm.SM3(signing)
	return [DigestLen]byte(d[:DigestLen])
}

// DefaultFreshness is how long a snapshot may be used for a licence type
// the gateway's configuration gives no limit.
const DefaultFreshness = 24 * time.Hour

// Body is a snapshot's signed content. Licences are columns: entry i of
// each column is about IDs[i]; IDs are sorted and distinct.
type Body struct {
	Format      string    `json:"format"`
	MSPID       string    `json:"mspId"`       // the organisation that signed
	Channel     string    `json:"channel"`     // the channel it reflects
	BlockHeight uint64    `json:"blockHeight"` // blocks of the channel it reflects
	BuiltAt     time.Time `json:"builtAt"`     // when it was built, whole seconds
	// Sources are the channels licences come from: 0 is Channel, the rest
	// relay licences into it.
	Sources  []string                        `json:"sources"`
	Types    []Type                          `json:"types"`
	Grants   []Sourced[record.Accreditation] `json:"grants"`
	SealKeys []Sourced[record.SealKey]       `json:"sealKeys"`
	Licences Licences                        `json:"licences"`
}

// Type is a licence type as a snapshot needs it.
type Type struct {
	Source            int    `json:"source"` // index in Sources
	Code              string `json:"code"`
	MutualRecognition bool   `json:"mutualRecognition"`
	FreshnessSeconds  int64  `json:"freshnessSeconds"` // how long a snapshot is usable for this type
}

// Sourced is a registry record and the channel (index in Sources) it is of.
type Sourced[T any] struct {
	Source int `json:"source"`
	Record T   `json:"record"`
}

// Licences is the status list, one entry per licence in each column.
type Licences struct {
	IDs []string `json:"ids"`
	// Status holds one letter per licence: a active, s suspended, r revoked
	// (the status in force at BuiltAt, before the validity window is judged).
	Status    string  `json:"status"`
	ChangedAt []int64 `json:"changedAt"` // Unix seconds of the status change in force, 0 if none
	SealedAt  []int64 `json:"sealedAt"`  // Unix seconds the content was sealed
	Grant     []int   `json:"grant"`     // index in Grants of the grant named, -1 if none
	Source    []int   `json:"source"`    // index in Sources
	// Content holds DigestLen bytes per licence, concatenated: the
	// contentDigest of the content the ledger holds (all zeros for a
	// content with no canonical encoding, which no content matches).
	Content []byte `json:"content"`
}

// Limits of a body.
const (
	MaxLicences = 1_000_000
	MaxRegistry = 10_000 // types, grants or seal keys
	MaxSources  = 8
)

var statusLetter = map[record.Status]byte{record.StatusActive: 'a', record.StatusSuspended: 's', record.StatusRevoked: 'r'}

// StatusOf decodes a status letter.
func StatusOf(b byte) record.Status {
	for s, l := range statusLetter {
		if l == b {
			return s
		}
	}
	return ""
}

// check refuses a body that is not exactly what Build writes: columns of
// one length, IDs sorted and distinct, indexes in range.
func (b *Body) check() error {
	l := &b.Licences
	n := len(l.IDs)
	switch {
	case b.Format == formatV1:
		return fmt.Errorf("format %q binds no licence content and is no longer read: get a %q snapshot", formatV1, Format)
	case b.Format != Format:
		return fmt.Errorf("format %q, want %q", b.Format, Format)
	case b.MSPID == "" || b.Channel == "" || b.BuiltAt.IsZero() || b.BuiltAt.Nanosecond() != 0:
		return fmt.Errorf("the organisation, channel and time are required (time in whole seconds)")
	case len(b.Sources) < 1 || len(b.Sources) > MaxSources || b.Sources[0] != b.Channel:
		return fmt.Errorf("sources: 1 to %d, the first the channel", MaxSources)
	case len(b.Types) > MaxRegistry || len(b.Grants) > MaxRegistry || len(b.SealKeys) > MaxRegistry:
		return fmt.Errorf("over %d registry records of a kind", MaxRegistry)
	case n > MaxLicences:
		return fmt.Errorf("%d licences, at most %d", n, MaxLicences)
	case len(l.Status) != n || len(l.ChangedAt) != n || len(l.SealedAt) != n || len(l.Grant) != n || len(l.Source) != n:
		return fmt.Errorf("the licence columns are not all %d long", n)
	case len(l.Content) != DigestLen*n:
		return fmt.Errorf("the content column is %d bytes, want %d (%d a licence)", len(l.Content), DigestLen*n, DigestLen)
	}
	src := func(i int) bool { return i >= 0 && i < len(b.Sources) }
	for _, t := range b.Types {
		if !src(t.Source) || t.Code == "" || t.FreshnessSeconds <= 0 {
			return fmt.Errorf("type %q: bad source or freshness", t.Code)
		}
	}
	for _, g := range b.Grants {
		if !src(g.Source) || g.Record.GrantID == "" || !record.ValidRegion(g.Record.Region) {
			return fmt.Errorf("grant %q: bad source, ID or region", g.Record.GrantID)
		}
	}
	for _, k := range b.SealKeys {
		if !src(k.Source) || k.Record.KeyID == "" {
			return fmt.Errorf("seal key %q: bad source or ID", k.Record.KeyID)
		}
	}
	for i, id := range l.IDs {
		switch {
		case record.CheckID("licence ID", id) != nil:
			return fmt.Errorf("licence %d: not a licence ID", i+1)
		case i > 0 && strings.Compare(l.IDs[i-1], id) >= 0:
			return fmt.Errorf("licence %d: IDs not sorted and distinct", i+1)
		case StatusOf(l.Status[i]) == "":
			return fmt.Errorf("licence %s: status letter %q", id, l.Status[i])
		case l.Grant[i] < -1 || l.Grant[i] >= len(b.Grants) || !src(l.Source[i]) || l.SealedAt[i] <= 0 || l.ChangedAt[i] < 0:
			return fmt.Errorf("licence %s: grant, source or time out of range", id)
		}
	}
	return nil
}

// find returns the index of licence id, or -1.
func (b *Body) find(id string) int {
	i, ok := slices.BinarySearch(b.Licences.IDs, id)
	if !ok {
		return -1
	}
	return i
}
