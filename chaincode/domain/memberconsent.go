package domain

import (
	"slices"

	"github.com/wanledger/wanledger/api/record"
)

// Events of the consents to join a channel's membership.
const (
	EventMembershipRequested = "registry.MembershipRequested"
	EventProvinceApproved    = "registry.ProvinceApproved"
)

const (
	objMembershipRequest = "membership~request"  // (channel, MSP ID) → its consent to join as an organisation of a province
	objProvinceApproval  = "membership~province" // (channel, MSP ID, prefix) → the members' approvals of it as a province
	objFormerMember      = "membership~former"   // (channel, MSP ID) → its last record as a member
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
	if err := checkIDs(o); err != nil {
		return nil, err
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
	if _, err := joining(s, o); err != nil {
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

// ApproveProvince records the approval, by the admin of a member of the
// channel, of organisation o, which the channel's configuration holds and
// is no member, joining the membership as a province with prefix
// o.Prefix: a two-digit GB/T 2260 prefix no province holds or held on the
// channel (ALREADY_EXISTS for a member's, FORBIDDEN for a former
// member's), and for a former member the prefix it left with. A
// configuration update admits an organisation without saying what it
// is, so the members say it here: the province's own admin adds it
// (AddMember) once admins of a majority of the members approved that
// prefix (ADR 43). Approvals of another prefix do not add up; the
// addition consumes them.
func ApproveProvince(s State, o record.Organisation) (*record.ProvinceApproval, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if err := checkIDs(o); err != nil {
		return nil, err
	}
	if !o.IsProvince() {
		return nil, record.Errorf(record.CodeInvalidArgument, "%s is approved as a province: its province is itself", o.MSPID)
	}
	cur, err := membership(s)
	if err != nil {
		return nil, err
	}
	if _, ok := cur.Org(tx.caller.MSPID); !ok || !tx.caller.Admin {
		return nil, record.Errorf(record.CodeForbidden, "only an admin of a member of channel %s approves a province", s.Channel())
	}
	if _, err := joining(s, o); err != nil {
		return nil, err
	}
	if err := checkFormer(s, o); err != nil {
		return nil, err
	}
	if err := record.CheckMembership(append(slices.Clone(cur.Orgs), o)); err != nil {
		return nil, err
	}
	if err := prefixFree(s, o); err != nil {
		return nil, err
	}
	ak, err := key(s, objProvinceApproval, s.Channel(), o.MSPID, o.Prefix)
	if err != nil {
		return nil, err
	}
	a := &record.ProvinceApproval{}
	if _, err := getJSON(s, ak, a); err != nil {
		return nil, err
	}
	a.Channel, a.Organisation, a.Record = s.Channel(), o, tx.record()
	if !slices.Contains(a.Approvers, tx.caller.MSPID) {
		a.Approvers = append(a.Approvers, tx.caller.MSPID)
		slices.Sort(a.Approvers)
	}
	a.Needed = majority(len(cur.Orgs))
	if err := putJSON(s, ak, a); err != nil {
		return nil, err
	}
	return a, emit(s, EventProvinceApproved, a)
}

// checkIDs checks an organisation's MSP ID and province's.
func checkIDs(o record.Organisation) error {
	for _, f := range []struct{ what, v string }{{"MSP ID", o.MSPID}, {"province", o.Province}} {
		if err := record.CheckID(f.what, f.v); err != nil {
			return err
		}
	}
	return nil
}

// joining reads the membership o is to join: o is no member
// (ALREADY_EXISTS), belongs, unless a province, to a member province
// (INVALID_ARGUMENT), and is an organisation of the channel's
// configuration (FORBIDDEN).
func joining(s State, o record.Organisation) (*record.Membership, error) {
	cur, err := membership(s)
	if err != nil {
		return nil, err
	}
	if _, ok := cur.Org(o.MSPID); ok {
		return nil, record.Errorf(record.CodeAlreadyExists, "%s is a member of channel %s", o.MSPID, s.Channel())
	}
	if p, ok := cur.Org(o.Province); !o.IsProvince() && (!ok || !p.IsProvince()) {
		return nil, record.Errorf(record.CodeInvalidArgument, "%s is no province member of channel %s", o.Province, s.Channel())
	}
	return cur, inConfiguration(s, o.MSPID)
}

// consented checks that the organisation consents to join as o, and the
// members to o as a province (FORBIDDEN otherwise): any organisation but a
// province by its recorded request naming o's province; a province by
// adding itself, once admins of a majority of the members approved it
// with o's prefix. The addition consumes the request or the approvals.
// The key is read whether or not there is one, so it is in the
// transaction's read set.
func consented(s State, cur *record.Membership, o record.Organisation) error {
	if o.IsProvince() {
		return approvedProvince(s, cur, o)
	}
	rk, err := key(s, objMembershipRequest, s.Channel(), o.MSPID)
	if err != nil {
		return err
	}
	var r record.MembershipRequest
	found, err := getJSON(s, rk, &r)
	switch {
	case err != nil:
		return err
	case !found:
		return record.Errorf(record.CodeForbidden, "%s has not asked to join channel %s: its own admin asks first, naming its province (registry:RequestMembership)", o.MSPID, s.Channel())
	case r.Province != o.Province:
		return record.Errorf(record.CodeForbidden, "%s asked to join channel %s as an organisation of %s, not of %s", o.MSPID, s.Channel(), r.Province, o.Province)
	}
	return consume(s, rk)
}

// approvedProvince checks that admins of a majority of the members
// approved o as a province with its prefix, counting only those still
// members, and consumes their approvals.
func approvedProvince(s State, cur *record.Membership, o record.Organisation) error {
	ak, err := key(s, objProvinceApproval, s.Channel(), o.MSPID, o.Prefix)
	if err != nil {
		return err
	}
	var a record.ProvinceApproval
	if _, err := getJSON(s, ak, &a); err != nil {
		return err
	}
	n := 0
	for _, m := range a.Approvers {
		if _, ok := cur.Org(m); ok {
			n++
		}
	}
	if need := majority(len(cur.Orgs)); n < need {
		return record.Errorf(record.CodeForbidden, "%s joins channel %s as a province with prefix %s once admins of %d of its %d members approved that (registry:ApproveProvince): %d did", o.MSPID, s.Channel(), o.Prefix, need, len(cur.Orgs), n)
	}
	return consume(s, ak)
}

// consume deletes a consent the addition used.
func consume(s State, k string) error {
	if err := s.Del(k); err != nil {
		return record.Wrap(record.CodeInternal, err, "consume %q", k)
	}
	return nil
}

// prefixFree refuses (FORBIDDEN) a province whose prefix another province
// held in any version of the channel's membership: a prefix, once a
// province's on a channel, stays that province's after it leaves (ADR 43),
// so none takes another's division codes.
func prefixFree(s State, o record.Organisation) error {
	holder, revision, err := prefixHolder(s, o.Prefix)
	if err != nil || holder == "" || holder == o.MSPID {
		return err
	}
	return record.Errorf(record.CodeForbidden, "prefix %s is province %s's on channel %s (revision %d of its membership): a division-code prefix stays with the province that held it, also after it left", o.Prefix, holder, s.Channel(), revision)
}

// prefixHolder is the province that holds or held a division-code prefix
// on the channel, and the first revision of the membership it held it in;
// "" if none. The membership's history, in which the membership key's
// every version is, says it for a ledger of any age; a change to the
// membership between endorsement and commit fails the transaction, whose
// read set holds the membership key.
func prefixHolder(s State, prefix string) (string, int, error) {
	versions, err := membershipVersions(s)
	if err != nil {
		return "", 0, err
	}
	for _, m := range versions {
		for _, p := range m.Orgs {
			if p.IsProvince() && p.Prefix == prefix {
				return p.MSPID, m.Revision, nil
			}
		}
	}
	return "", 0, nil
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
		as := "an organisation of " + was.Province
		if was.IsProvince() {
			as = "a province with prefix " + was.Prefix
		}
		return record.Errorf(record.CodeForbidden, "%s left channel %s as %s: it rejoins only as that", o.MSPID, s.Channel(), as)
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
