package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

// EventMembershipRequested is emitted when an organisation asks to join a
// channel's membership.
const EventMembershipRequested = "registry.MembershipRequested"

const (
	objMembershipRequest = "membership~request" // (channel, MSP ID) → its consent to join as an organisation of a province
	objFormerMember      = "membership~former"  // (channel, MSP ID) → its last record as a member
	objProvincePrefix    = "membership~prefix"  // (channel, prefix) → MSP ID of the province that holds it
)

// RequestMembership records the consent of an organisation of the
// channel's configuration that is no member yet to join the membership as
// an organisation of province o.Province, a member province. Only its own
// admin asks (FORBIDDEN otherwise), and AddMember of an organisation other
// than a province needs a request naming the province that adds it, so no
// province claims a newcomer alone (ADR 43). A province adds itself and
// asks nothing (INVALID_ARGUMENT). A later request replaces an earlier
// one; the addition consumes it.
func RequestMembership(s State, o record.Organisation) (*record.MembershipRequest, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ what, v string }{{"MSP ID", o.MSPID}, {"province", o.Province}} {
		if err := record.CheckID(f.what, f.v); err != nil {
			return nil, err
		}
	}
	if !tx.caller.Admin || tx.caller.MSPID != o.MSPID {
		return nil, record.Errorf(record.CodeForbidden, "only %s's admin asks for %s to join channel %s", o.MSPID, o.MSPID, s.Channel())
	}
	switch {
	case o.IsProvince():
		return nil, record.Errorf(record.CodeInvalidArgument, "province %s joins channel %s by its own admin's registry:AddMember: a province asks no one", o.MSPID, s.Channel())
	case o.Prefix != "":
		return nil, record.Errorf(record.CodeInvalidArgument, "%s is no province: its regions are %s's, it has no prefix of its own", o.MSPID, o.Province)
	}
	cur, err := membership(s)
	if err != nil {
		return nil, err
	}
	if _, ok := cur.Org(o.MSPID); ok {
		return nil, record.Errorf(record.CodeAlreadyExists, "%s is a member of channel %s", o.MSPID, s.Channel())
	}
	if p, ok := cur.Org(o.Province); !ok || !p.IsProvince() {
		return nil, record.Errorf(record.CodeInvalidArgument, "%s is no province member of channel %s", o.Province, s.Channel())
	}
	if err := inConfiguration(s, o.MSPID); err != nil {
		return nil, err
	}
	rk, err := key(s, objMembershipRequest, s.Channel(), o.MSPID)
	if err != nil {
		return nil, err
	}
	r := &record.MembershipRequest{Channel: s.Channel(), Organisation: o, Record: tx.record()}
	if err := putJSON(s, rk, r); err != nil {
		return nil, err
	}
	return r, emit(s, EventMembershipRequested, r)
}

// consented checks that the organisation consents to join as o: a
// province by adding itself, any other by its recorded request naming o's
// province, which the addition then consumes (FORBIDDEN otherwise). The
// request key is read whether or not there is one, so it is in the
// transaction's read set.
func consented(s State, o record.Organisation) error {
	rk, err := key(s, objMembershipRequest, s.Channel(), o.MSPID)
	if err != nil {
		return err
	}
	var r record.MembershipRequest
	found, err := getJSON(s, rk, &r)
	switch {
	case err != nil:
		return err
	case o.IsProvince():
	case !found:
		return record.Errorf(record.CodeForbidden, "%s has not asked to join channel %s: its own admin asks first, naming its province (registry:RequestMembership)", o.MSPID, s.Channel())
	case r.Province != o.Province:
		return record.Errorf(record.CodeForbidden, "%s asked to join channel %s as an organisation of %s, not of %s", o.MSPID, s.Channel(), r.Province, o.Province)
	}
	if !found {
		return nil
	}
	if err := s.Del(rk); err != nil {
		return record.Wrap(record.CodeInternal, err, "consume %s's request", o.MSPID)
	}
	return nil
}

// holdPrefixes records each province of orgs as the holder of its
// division-code prefix on the channel, where no province holds it yet,
// and refuses (FORBIDDEN) a province whose prefix another province held:
// a prefix, once a province's on a channel, stays that province's after
// it leaves (ADR 43), so none takes another's division codes.
func holdPrefixes(s State, orgs []record.Organisation) error {
	for _, o := range orgs {
		if !o.IsProvince() {
			continue
		}
		pk, err := key(s, objProvincePrefix, s.Channel(), o.Prefix)
		if err != nil {
			return err
		}
		var holder string
		found, err := getJSON(s, pk, &holder)
		switch {
		case err != nil:
			return err
		case found && holder != o.MSPID:
			return record.Errorf(record.CodeForbidden, "prefix %s is province %s's on channel %s: a division-code prefix stays with the province that held it, also after it left", o.Prefix, holder, s.Channel())
		case !found:
			if err := putJSON(s, pk, o.MSPID); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkFormer refuses a former member of the channel that comes back with
// another province or prefix than it left with: no organisation takes
// another's division codes by leaving and rejoining. The record is read
// whether or not there is one, so it is in the transaction's read set.
func checkFormer(s State, o record.Organisation) error {
	fk, err := key(s, objFormerMember, s.Channel(), o.MSPID)
	if err != nil {
		return err
	}
	var was record.Organisation
	found, err := getJSON(s, fk, &was)
	if err != nil || !found {
		return err
	}
	if was.Province != o.Province || was.Prefix != o.Prefix {
		return record.Errorf(record.CodeForbidden, "%s left channel %s as an organisation of province %s with prefix %q: it rejoins only as that", o.MSPID, s.Channel(), was.Province, was.Prefix)
	}
	return nil
}

// mayRemove tells whether the caller's organisation removes o: o's
// province, or, once the configuration no longer holds o's province
// (itself, for a province), another member province, since the channel
// no longer admits that province's admin.
func mayRemove(cur *record.Membership, o record.Organisation, caller string, config []string) bool {
	if caller == o.Province {
		return true
	}
	p, ok := cur.Org(caller)
	return ok && p.IsProvince() && !slices.Contains(config, o.Province)
}

// inConfiguration refuses (FORBIDDEN) an organisation the channel's
// configuration does not hold: a configuration update admits it first.
func inConfiguration(s State, mspID string) error {
	config, err := channelOrgs(s)
	if err != nil {
		return err
	}
	if !slices.Contains(config, mspID) {
		return record.Errorf(record.CodeForbidden, "%s is not an organisation of channel %s's configuration: a configuration update admits it first", mspID, s.Channel())
	}
	return nil
}
