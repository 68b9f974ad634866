package domain

import (
	"github.com/wanledger/wanledger/api/record"
)

// The governments on the ledger: each channel's membership (membership.go)
// names its member organisations, the province each belongs to, and each
// province's two-digit prefix of the national administrative division codes
// (GB/T 2260) its regions use. Every rule below reads it from the ledger.

const objMembership = "membership" // (channel) → the membership in force

// Memo wraps a transaction's State so that the channel's membership is read
// from the ledger and decoded once for the whole transaction, however many
// rules and key-level policies consult it. It is exact: a transaction reads
// committed state only, never its own writes. Contracts wrap the State of
// every transaction in it; a State used unwrapped reads the membership at
// every use.
func Memo(s State) State {
	if _, ok := s.(*memo); ok {
		return s
	}
	return &memo{State: s}
}

type memo struct {
	State
	membership *record.Membership
}

// membership returns the channel's membership in force, NOT_FOUND before
// its first (ApproveMembership). The value may be shared within the
// transaction: read it, never modify it.
func membership(s State) (*record.Membership, error) {
	m, ok := s.(*memo)
	if !ok {
		return readMembership(s)
	}
	if m.membership == nil {
		v, err := readMembership(m.State)
		if err != nil {
			return nil, err
		}
		m.membership = v
	}
	return m.membership, nil
}

func readMembership(s State) (*record.Membership, error) {
	k, err := key(s, objMembership, s.Channel())
	if err != nil {
		return nil, err
	}
	var m record.Membership
	found, err := getJSON(s, k, &m)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, record.Errorf(record.CodeNotFound, "channel %s has no membership on the ledger yet: the admins of its organisations approve one (registry:ApproveMembership)", s.Channel())
	}
	return &m, nil
}

// members returns the MSP IDs of the channel's members, sorted.
func members(s State) ([]string, error) {
	m, err := membership(s)
	if err != nil {
		return nil, err
	}
	return m.MSPIDs(), nil
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
