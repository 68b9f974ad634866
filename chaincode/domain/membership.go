package domain

import (
	"encoding/json"
	"slices"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// Events of the channel's membership.
const (
	EventMembershipApproved = "registry.MembershipApproved"
	EventMemberAdded        = "registry.MemberAdded"
	EventMemberRemoved      = "registry.MemberRemoved"
)

const (
	objMembershipApproval = "membership~approval" // (digest) → its approvals
)

// ApproveMembership records the caller's organisation's approval of the
// channel's first membership, while the ledger holds none. Only an admin
// of an organisation of the channel's configuration approves, and only a
// membership that names exactly those organisations; it takes effect once
// admins of a majority of them approved it byte for byte (sorted by MSP
// ID). From then on the membership key carries the key-level policy "a
// majority of the members", and members are added and removed one at a
// time (AddMember, RemoveMember).
func ApproveMembership(s State, orgs []record.Organisation) (*record.MembershipApproval, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, record.Errorf(record.CodeForbidden, "only an organisation's admin approves a membership")
	}
	orgs = slices.Clone(orgs)
	if err := record.CheckMembership(orgs); err != nil {
		return nil, err
	}
	mk, err := key(s, objMembership, s.Channel())
	if err != nil {
		return nil, err
	}
	var cur record.Membership
	if found, err := getJSON(s, mk, &cur); err != nil {
		return nil, err
	} else if found {
		return nil, record.Errorf(record.CodeAlreadyExists, "channel %s has its membership (revision %d): its province admins add and remove members one at a time", s.Channel(), cur.Revision)
	}
	config, err := channelOrgs(s)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(config, tx.caller.MSPID) {
		return nil, record.Errorf(record.CodeForbidden, "%s is not an organisation of channel %s's configuration", tx.caller.MSPID, s.Channel())
	}
	m := record.Membership{Orgs: orgs}
	if named := m.MSPIDs(); !slices.Equal(named, config) {
		return nil, record.Errorf(record.CodeInvalidArgument, "the membership names %v; channel %s's configuration has %v", named, s.Channel(), config)
	}
	canonical, err := json.Marshal(orgs)
	if err != nil {
		return nil, record.Wrap(record.CodeInternal, err, "encode membership")
	}
	a := &record.MembershipApproval{Digest: gm.SM3Hex(canonical), Orgs: orgs}
	ak, err := key(s, objMembershipApproval, a.Digest)
	if err != nil {
		return nil, err
	}
	if _, err := getJSON(s, ak, a); err != nil {
		return nil, err
	}
	if !slices.Contains(a.Approvers, tx.caller.MSPID) {
		a.Approvers = append(a.Approvers, tx.caller.MSPID)
		slices.Sort(a.Approvers)
	}
	// Count only approvers the configuration still holds.
	n := 0
	for _, ap := range a.Approvers {
		if slices.Contains(config, ap) {
			n++
		}
	}
	a.Needed, a.Active, a.Record = majority(len(config)), false, tx.record()
	if n >= a.Needed {
		a.Active = true
		first := &record.Membership{Channel: s.Channel(), Orgs: orgs, Revision: 1, Change: record.MembershipChange{Op: record.MembershipBootstrap}, Record: tx.record()}
		if err := putMembership(s, mk, first); err != nil {
			return nil, err
		}
	}
	if err := putJSON(s, ak, a); err != nil {
		return nil, err
	}
	return a, emit(s, EventMembershipApproved, a)
}

// AddMember adds an organisation of the channel's configuration to the
// channel's membership: a province by its own admin, with a division-code
// prefix no other province holds or held on the channel; any other
// organisation by the admin of its province, a member, once its own admin
// asked to join as that province's (RequestMembership). A former member
// comes back only with the province and prefix it left with. Each of
// these refusals is FORBIDDEN. The change needs the endorsement of a
// majority of the members before it (the membership key's policy).
func AddMember(s State, o record.Organisation) (*record.Membership, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, record.Errorf(record.CodeForbidden, "only a province's admin adds a member")
	}
	if err := checkIDs(o); err != nil {
		return nil, err
	}
	cur, err := joining(s, o)
	if err != nil {
		return nil, err
	}
	if tx.caller.MSPID != o.Province {
		return nil, record.Errorf(record.CodeForbidden, "only %s's admin adds %s", o.Province, o.MSPID)
	}
	if err := checkFormer(s, o); err != nil {
		return nil, err
	}
	orgs := append(slices.Clone(cur.Orgs), o)
	if err := record.CheckMembership(orgs); err != nil {
		return nil, err
	}
	if o.IsProvince() {
		if err := prefixFree(s, o); err != nil {
			return nil, err
		}
	}
	if err := consented(s, cur, o); err != nil {
		return nil, err
	}
	return changeMembership(s, tx, cur, orgs, record.MembershipChange{Op: record.MembershipAdd, MSPID: o.MSPID}, EventMemberAdded)
}

// RemoveMember removes an organisation from the channel's membership, by
// the admin of its province, once the channel's configuration no longer
// holds it: its removal there, a configuration update signed by a majority
// of the channel's admins, comes first (FORBIDDEN before), so no
// organisation alone removes another or itself. A province, whose own
// admin the channel no longer admits by then, is removed by the admin of
// another member province, and so is an organisation whose province the
// configuration dropped first. A province leaves only after its
// organisations, and the last member stays. The organisation's record
// (province, prefix) is kept as a former member's, which AddMember holds
// it to; its own gateway endpoint on the channel is deleted. The change needs the endorsement of a majority of the members
// before it.
func RemoveMember(s State, mspID string) (*record.Membership, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, record.Errorf(record.CodeForbidden, "only a province's admin removes a member")
	}
	if err := record.CheckID("MSP ID", mspID); err != nil {
		return nil, err
	}
	cur, err := membership(s)
	if err != nil {
		return nil, err
	}
	o, ok := cur.Org(mspID)
	if !ok {
		return nil, record.Errorf(record.CodeNotFound, "%s is not a member of channel %s", mspID, s.Channel())
	}
	config, err := channelOrgs(s)
	if err != nil {
		return nil, err
	}
	inConfig := slices.Contains(config, mspID)
	if !mayRemove(cur, o, tx.caller.MSPID, config) {
		return nil, record.Errorf(record.CodeForbidden, "only %s's admin removes %s", o.Province, mspID)
	}
	if o.IsProvince() && slices.ContainsFunc(cur.Orgs, func(c record.Organisation) bool { return c.Province == mspID && c.MSPID != mspID }) {
		return nil, record.Errorf(record.CodeInvalidTransition, "province %s still has member organisations on channel %s: remove them first", mspID, s.Channel())
	}
	if len(cur.Orgs) == 1 {
		return nil, record.Errorf(record.CodeInvalidTransition, "%s is the last member of channel %s", mspID, s.Channel())
	}
	if inConfig {
		return nil, record.Errorf(record.CodeForbidden, "%s is an organisation of channel %s's configuration: remove %s from channel %s's configuration first: a configuration update signed by a majority of its admins", mspID, s.Channel(), mspID, s.Channel())
	}
	if err := dropEndpoint(s, mspID); err != nil {
		return nil, err
	}
	orgs := slices.DeleteFunc(slices.Clone(cur.Orgs), func(c record.Organisation) bool { return c.MSPID == mspID })
	fk, err := key(s, objFormerMember, s.Channel(), mspID)
	if err != nil {
		return nil, err
	}
	if err := putJSON(s, fk, o); err != nil {
		return nil, err
	}
	return changeMembership(s, tx, cur, orgs, record.MembershipChange{Op: record.MembershipRemove, MSPID: mspID}, EventMemberRemoved)
}

// changeMembership writes the next version of the membership.
func changeMembership(s State, tx txContext, cur *record.Membership, orgs []record.Organisation, c record.MembershipChange, event string) (*record.Membership, error) {
	mk, err := key(s, objMembership, s.Channel())
	if err != nil {
		return nil, err
	}
	next := &record.Membership{Channel: s.Channel(), Orgs: orgs, Revision: cur.Revision + 1, Change: c, Record: tx.record()}
	if err := putMembership(s, mk, next); err != nil {
		return nil, err
	}
	return next, emit(s, event, next)
}

// putMembership writes a membership and sets its key's policy to a
// majority of its own members: the next change needs them. This change is
// judged by the policy its key had before (Fabric validates a write against
// the committed policy), so by a majority of the members before it; the
// first, which has none, by the chaincode's.
func putMembership(s State, mk string, m *record.Membership) error {
	if err := putJSON(s, mk, m); err != nil {
		return err
	}
	if err := s.RequireEndorsers(mk, m.MSPIDs()); err != nil {
		return record.Wrap(record.CodeInternal, err, "endorsement policy of the membership")
	}
	return nil
}

// channelOrgs reads the organisations of the channel's configuration.
func channelOrgs(s State) ([]string, error) {
	orgs, err := s.ChannelOrgs()
	if err != nil {
		return nil, record.Wrap(record.CodeInternal, err, "organisations of channel %s's configuration", s.Channel())
	}
	return orgs, nil
}

// GetMembership returns the channel's membership in force to any client of
// the channel.
func GetMembership(s State) (*record.Membership, error) {
	if _, err := begin(s); err != nil {
		return nil, err
	}
	m, err := membership(s)
	if err != nil {
		return nil, err
	}
	c := *m
	c.Orgs = slices.Clone(m.Orgs)
	return &c, nil
}

// MembershipHistory lists every version of the channel's membership, oldest
// first, to any client of the channel.
func MembershipHistory(s State) ([]record.Membership, error) {
	if _, err := begin(s); err != nil {
		return nil, err
	}
	out, err := membershipVersions(s)
	if err == nil && len(out) == 0 {
		err = record.Errorf(record.CodeNotFound, "channel %s has no membership on the ledger yet", s.Channel())
	}
	return out, err
}

// membershipVersions reads every version of the channel's membership,
// oldest first; none before the first.
func membershipVersions(s State) ([]record.Membership, error) {
	mk, err := key(s, objMembership, s.Channel())
	if err != nil {
		return nil, err
	}
	changes, err := s.History(mk)
	if err != nil {
		return nil, record.Wrap(record.CodeInternal, err, "history of the membership")
	}
	out := make([]record.Membership, 0, len(changes))
	for _, c := range slices.Backward(changes) { // peers return the newest first
		if c.Deleted {
			continue
		}
		var m record.Membership
		if err := json.Unmarshal(c.Value, &m); err != nil {
			return nil, record.Wrap(record.CodeInternal, err, "decode a version of the membership")
		}
		out = append(out, m)
	}
	return out, nil
}
