package domain

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/wanledger/wanledger/api/record"
)

// The governments on the ledger: each channel's membership (membership.go)
// names its member organisations, the province each belongs to, and each
// province's two-digit prefix of the national administrative division codes
// (GB/T 2260) its regions use. Every rule below reads it from the ledger.

const objMembership = "membership" // (channel) → the membership in force

// Memo wraps a transaction's State so that each key, the channel's
// membership among them, is read from the ledger once for the whole
// transaction, however many rules, licences of a batch and key-level
// policies consult it (memo.Get). It is exact: a transaction reads committed
// state only, never its own writes. Contracts wrap the State of every
// transaction in it; a State used unwrapped reads at every use.
func Memo(s State) State {
	if _, ok := s.(*memo); ok {
		return s
	}
	return &memo{State: s}
}

type memo struct {
	State
	v     *governed
	reads map[string][]byte   // every key read, with what the ledger answered (nil: absent)
	hists map[string][]Change // every key's history read
}

// Get reads each key from the ledger once per transaction. It is exact: a
// transaction reads committed state only, never its own writes, so a second
// read of a key answers what the first did, and Fabric's read set holds the
// key once either way. A batch of licences of one agency so reads its
// issuer's role, the licence type, the agency, its grants and its seal key
// once, not once a licence. The bytes are shared: read them, never modify
// them.
func (m *memo) Get(key string) ([]byte, error) { return once(&m.reads, key, m.State.Get) }

// History reads each key's history once per transaction, as Get reads
// its value: the history is of committed blocks only.
func (m *memo) History(key string) ([]Change, error) { return once(&m.hists, key, m.State.History) }

// once answers what read answered for key the first time, kept in cache.
func once[T any](cache *map[string]T, key string, read func(string) (T, error)) (T, error) {
	if v, ok := (*cache)[key]; ok {
		return v, nil
	}
	v, err := read(key)
	if err != nil {
		return v, err
	}
	if *cache == nil {
		*cache = make(map[string]T)
	}
	(*cache)[key] = v
	return v, nil
}

// governed is a membership as decoded from its bytes on the ledger, with
// its members' MSP IDs. It is shared, across transactions too: read it,
// never modify it.
type governed struct {
	raw []byte
	m   *record.Membership
	ids []string
}

// lastDecoded keeps, per channel, the membership last decoded: issuance is
// the hot path and the membership changes rarely, so a transaction reads
// its bytes (which puts the key in its read set) and decodes them only if
// they differ from the last. It is exactly what decoding would give, and
// never decides anything by itself.
var lastDecoded sync.Map // channel → *governed

// membership returns the channel's membership in force, NOT_FOUND before
// its first (ApproveMembership). The value is shared: read it, never modify
// it.
func membership(s State) (*record.Membership, error) {
	v, err := governance(s)
	if err != nil {
		return nil, err
	}
	return v.m, nil
}

func governance(s State) (*governed, error) {
	m, ok := s.(*memo)
	if !ok {
		return readMembership(s)
	}
	if m.v == nil {
		v, err := readMembership(m.State)
		if err != nil {
			return nil, err
		}
		m.v = v
	}
	return m.v, nil
}

func readMembership(s State) (*governed, error) {
	k, err := key(s, objMembership, s.Channel())
	if err != nil {
		return nil, err
	}
	b, err := s.Get(k)
	if err != nil {
		return nil, record.Wrap(record.CodeInternal, err, "read the membership")
	}
	if b == nil {
		return nil, record.Errorf(record.CodeNotFound, "channel %s has no membership on the ledger yet: the admins of its organisations approve one (registry:ApproveMembership)", s.Channel())
	}
	if last, ok := lastDecoded.Load(s.Channel()); ok && bytes.Equal(last.(*governed).raw, b) {
		return last.(*governed), nil
	}
	var m record.Membership
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, record.Wrap(record.CodeInternal, err, "decode the membership")
	}
	v := &governed{raw: b, m: &m, ids: m.MSPIDs()}
	lastDecoded.Store(s.Channel(), v)
	return v, nil
}

// members returns the MSP IDs of the channel's members, sorted. The slice
// is shared: read it, never modify it.
func members(s State) ([]string, error) {
	v, err := governance(s)
	if err != nil {
		return nil, err
	}
	return v.ids, nil
}

// isMember reports whether an organisation is a member of the channel.
func isMember(s State, mspID string) (bool, error) {
	m, err := membership(s)
	if err != nil {
		return false, err
	}
	_, ok := m.Org(mspID)
	return ok, nil
}

// memberOrg returns a member of the channel, ok false for an organisation
// that is none.
func memberOrg(s State, mspID string) (o record.Organisation, ok bool, err error) {
	m, err := membership(s)
	if err != nil {
		return record.Organisation{}, false, err
	}
	o, ok = m.Org(mspID)
	return o, ok, nil
}

// requireMember refuses an organisation that is no member of the channel
// (FORBIDDEN): one removed from the membership keeps its role bindings and
// its agencies' grants, but what does names no longer.
func requireMember(s State, mspID, does string) error {
	member, err := isMember(s, mspID)
	if err != nil || member {
		return err
	}
	return record.Errorf(record.CodeForbidden, "%s is not a member of channel %s: only a member %s here", mspID, s.Channel(), does)
}

// isProvince reports whether an organisation is a province member of the
// channel.
func isProvince(s State, mspID string) (bool, error) {
	o, ok, err := memberOrg(s, mspID)
	return ok && o.IsProvince(), err
}

// requireEndorsers sets the key-level policy of k to "its owners and a
// majority of the channel's members" (State.RequireEndorsers) over the
// membership in force; what names the record in errors.
func requireEndorsers(s State, k, what string, owners ...string) error {
	ms, err := members(s)
	if err != nil {
		return err
	}
	if err := s.RequireEndorsers(k, ms, owners...); err != nil {
		return record.Wrap(record.CodeInternal, err, "endorsement policy of %s", what)
	}
	return nil
}
