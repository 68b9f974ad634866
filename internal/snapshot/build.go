package snapshot

import (
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Builder collects a channel's records into a Body. Add the registry
// records first, then the licences; a licence's grant is looked up among
// the grants added of its source. Not safe for concurrent use.
type Builder struct {
	body      Body
	freshness func(typeCode string) time.Duration
	sources   map[string]int
	grants    map[[2]string]int
	keys      map[[2]string]bool
	types     map[[2]string]bool
	rows      []row
}

type row struct {
	id        string
	status    byte
	changedAt int64
	sealedAt  int64
	grant     int
	source    int
	digest    [DigestLen]byte
}

// NewBuilder starts the snapshot of channel at block height, built at at
// (truncated to the second) and signed by mspID. freshness gives each
// licence type's limit (DefaultFreshness where it returns 0).
func NewBuilder(mspID, channel string, height uint64, at time.Time, freshness func(typeCode string) time.Duration) *Builder {
	return &Builder{
		body:      Body{Format: Format, MSPID: mspID, Channel: channel, BlockHeight: height, BuiltAt: at.UTC().Truncate(time.Second), Sources: []string{channel}},
		freshness: freshness,
		sources:   map[string]int{channel: 0},
		grants:    map[[2]string]int{},
		keys:      map[[2]string]bool{},
		types:     map[[2]string]bool{},
	}
}

func (b *Builder) source(channel string) int {
	i, ok := b.sources[channel]
	if !ok {
		i = len(b.body.Sources)
		b.sources[channel] = i
		b.body.Sources = append(b.body.Sources, channel)
	}
	return i
}

// AddType adds a licence type of channel source (once per code).
func (b *Builder) AddType(source string, t *record.LicenceType) {
	if t == nil || b.types[[2]string{source, t.Code}] {
		return
	}
	k := [2]string{source, t.Code}
	b.types[k] = true
	f := DefaultFreshness
	if b.freshness != nil && b.freshness(t.Code) > 0 {
		f = b.freshness(t.Code)
	}
	b.body.Types = append(b.body.Types, Type{Source: b.source(source), Code: t.Code, MutualRecognition: t.MutualRecognition, FreshnessSeconds: int64(f / time.Second)})
}

// AddGrant adds a grant of channel source (once per ID).
func (b *Builder) AddGrant(source string, g *record.Accreditation) {
	k := [2]string{source, g.GrantID}
	if _, ok := b.grants[k]; ok {
		return
	}
	b.grants[k] = len(b.body.Grants)
	b.body.Grants = append(b.body.Grants, Sourced[record.Accreditation]{Source: b.source(source), Record: *g})
}

// AddSealKey adds a seal key of channel source (once per ID).
func (b *Builder) AddSealKey(source string, k *record.SealKey) {
	key := [2]string{source, k.KeyID}
	if b.keys[key] {
		return
	}
	b.keys[key] = true
	b.body.SealKeys = append(b.body.SealKeys, Sourced[record.SealKey]{Source: b.source(source), Record: *k})
}

// AddLicence adds the status and content digest of a licence of channel
// source.
func (b *Builder) AddLicence(source string, l *record.Licence) {
	// The status in force at the build time, whatever the validity window:
	// the window is judged when a presentation is checked.
	open := *l
	open.ValidFrom, open.ValidTo = time.Time{}, time.Unix(1<<40, 0)
	st := open.StatusAt(b.body.BuiltAt)
	r := row{id: l.ID, status: statusLetter[st.Status], sealedAt: l.SealedAt.Unix(), grant: -1, source: b.source(source)}
	if st.Change != nil {
		r.changedAt = st.Change.EffectiveAt.Unix()
	}
	if g, ok := b.grants[[2]string{source, l.GrantID}]; ok {
		r.grant = g
	}
	if msg, err := l.SigningBytes(); err == nil {
		r.digest = contentDigest(msg)
	}
	b.rows = append(b.rows, r)
}

// AddRelayed adds a licence relayed from another channel with the type,
// grant and seal key its proof carried, and the digest of its content as
// relayed.
func (b *Builder) AddRelayed(rl *record.RelayedLicence) {
	if rl.Licence == nil {
		return
	}
	src := rl.Source.Channel
	if rl.Type != nil {
		b.AddType(src, rl.Type)
	}
	if rl.Grant != nil {
		b.AddGrant(src, rl.Grant)
	}
	if rl.SealKey != nil {
		b.AddSealKey(src, rl.SealKey)
	}
	b.AddLicence(src, rl.Licence)
}

// Body returns the snapshot's body, its licences sorted by ID.
func (b *Builder) Body() *Body {
	slices.SortFunc(b.rows, func(x, y row) int { return strings.Compare(x.id, y.id) })
	l := &b.body.Licences
	n := len(b.rows)
	*l = Licences{IDs: make([]string, n), ChangedAt: make([]int64, n), SealedAt: make([]int64, n), Grant: make([]int, n), Source: make([]int, n),
		Content: make([]byte, 0, DigestLen*n)}
	status := make([]byte, n)
	for i, r := range b.rows {
		l.IDs[i], status[i], l.ChangedAt[i], l.SealedAt[i], l.Grant[i], l.Source[i] = r.id, r.status, r.changedAt, r.sealedAt, r.grant, r.source
		l.Content = append(l.Content, r.digest[:]...)
	}
	l.Status = string(status)
	return &b.body
}
