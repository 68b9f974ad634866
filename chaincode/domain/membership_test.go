package domain_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"github.com/wanledger/wanledger/chaincode/stubstate"
)

const membershipKey = "\x00membership\x00anhui\x00"

// TestTheFirstMembershipTakesEffectWithAMajorityOfTheConfigurationsAdmins:
// on a channel whose ledger holds no membership, the admins of a majority
// of the configuration's organisations approving the same membership make
// it the channel's; an organisation's approval counts once, and the
// membership key then needs a majority of the members.
func TestTheFirstMembershipTakesEffectWithAMajorityOfTheConfigurationsAdmins(t *testing.T) {
	l := fakestub.New("anhui")
	l.Configure(chaincodeName, memberIDs("anhui")...)
	for i, msp := range []string{"AnhuiMSP", "AnhuiMSP", "WuhuMSP"} {
		a, err := approveMembership(t, l, msp, testMembers["anhui"])
		if err != nil {
			t.Fatalf("approval %d by %s: %v", i, msp, err)
		}
		if want := i == 2; a.Active != want || a.Needed != 2 {
			t.Errorf("after approval %d by %s: active %v, needed %d", i, msp, a.Active, a.Needed)
		}
	}
	var m record.Membership
	if err := json.Unmarshal(l.Get(membershipKey), &m); err != nil {
		t.Fatal(err)
	}
	if m.Revision != 1 || m.Change.Op != record.MembershipBootstrap || !slices.Equal(m.MSPIDs(), memberIDs("anhui")) {
		t.Errorf("membership %+v", m)
	}
	if p, err := l.PolicyOf(membershipKey); err != nil || p != "OutOf(2, AnhuiMSP.peer, HefeiMSP.peer, WuhuMSP.peer)" {
		t.Errorf("the membership's policy: %q, %v", p, err)
	}
	if name, payload := lastEvent(t, l); name != domain.EventMembershipApproved || payload["active"] != true {
		t.Errorf("event %s %v", name, payload)
	}
	_, err := approveMembership(t, l, "HefeiMSP", testMembers["anhui"])
	wantCode(t, err, record.CodeAlreadyExists)
}

// TestAFirstMembershipNamesExactlyTheConfigurationsOrganisations: no
// admin can propose a membership that leaves out an organisation of the
// configuration or adds one, nor provinces and prefixes that do not hold
// together; before the first membership the ledger's rules refuse.
func TestAFirstMembershipNamesExactlyTheConfigurationsOrganisations(t *testing.T) {
	l := fakestub.New("anhui")
	l.Configure(chaincodeName, memberIDs("anhui")...)
	anhui := testMembers["anhui"]
	with := func(orgs ...record.Organisation) []record.Organisation { return orgs }
	tests := []struct {
		name string
		orgs []record.Organisation
		want record.Code
	}{
		{"leaving Wuhu out", anhui[:2], record.CodeInvalidArgument},
		{"adding Shanghai", append(slices.Clone(anhui), province("ShanghaiMSP", "31")), record.CodeInvalidArgument},
		{"two provinces of one prefix", with(province("AnhuiMSP", "34"), province("HefeiMSP", "34"), city("WuhuMSP", "AnhuiMSP")), record.CodeAlreadyExists},
		{"a province without a prefix", with(province("AnhuiMSP", ""), city("HefeiMSP", "AnhuiMSP"), city("WuhuMSP", "AnhuiMSP")), record.CodeInvalidArgument},
		{"a city of no province", with(province("AnhuiMSP", "34"), city("HefeiMSP", "WuhuMSP"), city("WuhuMSP", "AnhuiMSP")), record.CodeInvalidArgument},
		{"a city with a prefix", with(province("AnhuiMSP", "34"), record.Organisation{MSPID: "HefeiMSP", Province: "AnhuiMSP", Prefix: "34"}, city("WuhuMSP", "AnhuiMSP")), record.CodeInvalidArgument},
		{"an organisation named twice", with(province("AnhuiMSP", "34"), city("HefeiMSP", "AnhuiMSP"), city("HefeiMSP", "AnhuiMSP")), record.CodeInvalidArgument},
		{"nobody", nil, record.CodeInvalidArgument},
	}
	for _, tc := range tests {
		_, err := approveMembership(t, l, "AnhuiMSP", tc.orgs)
		if record.CodeOf(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	// Shanghai's admin is no organisation of anhui's configuration.
	_, err := approveMembership(t, l, "ShanghaiMSP", anhui)
	wantCode(t, err, record.CodeForbidden)

	w := newWorld(t)
	w.l = l
	_, err = w.run("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, businessType()) })
	wantCode(t, err, record.CodeNotFound)
	_, err = w.run("hefei-clerk", func(s domain.State) (any, error) { return domain.ApproveMembership(s, anhui) })
	wantCode(t, err, record.CodeForbidden) // not an admin
}

// TestApprovalsOfDifferentMembershipsDoNotAddUp: Anhui's admin approves
// one membership and Hefei's another; neither takes effect until a
// majority approved the same.
func TestApprovalsOfDifferentMembershipsDoNotAddUp(t *testing.T) {
	l := fakestub.New("anhui")
	l.Configure(chaincodeName, memberIDs("anhui")...)
	hefeiAsProvince := []record.Organisation{province("AnhuiMSP", "34"), province("HefeiMSP", "35"), city("WuhuMSP", "AnhuiMSP")}
	for _, step := range []struct {
		msp    string
		orgs   []record.Organisation
		active bool
	}{{"AnhuiMSP", testMembers["anhui"], false}, {"HefeiMSP", hefeiAsProvince, false}, {"HefeiMSP", testMembers["anhui"], true}} {
		a, err := approveMembership(t, l, step.msp, step.orgs)
		if err != nil || a.Active != step.active {
			t.Fatalf("%s: %+v, %v", step.msp, a, err)
		}
	}
}

// bengbuWorld is the anhui world whose configuration admits a fourth
// organisation, Bengbu, that is no member yet and whose admin asked to
// join as Anhui's.
func bengbuWorld(t *testing.T) *world {
	w := newWorld(t)
	for _, spec := range []struct {
		name, msp string
		admin     bool
	}{{"bengbu-admin", "BengbuMSP", true}, {"anhui-clerk", "AnhuiMSP", false}, {"fujian-admin", "FujianMSP", true}} {
		id, err := fakestub.NewIdentity(spec.msp, spec.name, spec.admin)
		if err != nil {
			t.Fatal(err)
		}
		w.ids[spec.name] = id
	}
	w.l.Configure(chaincodeName, "AnhuiMSP", "BengbuMSP", "HefeiMSP", "WuhuMSP")
	w.requestMembership("bengbu-admin", city("BengbuMSP", "AnhuiMSP"))
	return w
}

// approveProvince has the admins approve o as a province of w's channel.
func (w *world) approveProvince(o record.Organisation, admins ...string) {
	w.t.Helper()
	for _, a := range admins {
		w.must(a, func(s domain.State) (any, error) { return domain.ApproveProvince(s, o) })
	}
}

// requestMembership has who ask for o to join w's channel.
func (w *world) requestMembership(who string, o record.Organisation) {
	w.t.Helper()
	w.must(who, func(s domain.State) (any, error) { return domain.RequestMembership(s, o) })
}

func (w *world) membership() *record.Membership {
	w.t.Helper()
	return w.must("anhui-admin", func(s domain.State) (any, error) { return domain.GetMembership(s) }).(*record.Membership)
}

// TestAProvinceAddsAndRemovesItsOrganisations: once Anhui's admin adds
// Bengbu, the chaincode counts Bengbu a member of Anhui (a grant to it
// is allowed) and every key-level policy counts four members; removed
// after the configuration's update, it is none again. The history keeps every version.
func TestAProvinceAddsAndRemovesItsOrganisations(t *testing.T) {
	w := bengbuWorld(t).setUp()
	grant := func() error {
		_, err := w.run("anhui-admin", func(s domain.State) (any, error) {
			return domain.GrantAccreditation(s, record.Accreditation{AgencyID: "bengbu-amr", MSPID: "BengbuMSP", Types: []string{typeBiz},
				Region: "340300", ValidFrom: t0, ValidTo: t0.AddDate(1, 0, 0)})
		})
		return err
	}
	wantCode(t, grant(), record.CodeForbidden)

	m := w.must("anhui-admin", func(s domain.State) (any, error) { return domain.AddMember(s, city("BengbuMSP", "AnhuiMSP")) }).(*record.Membership)
	if m.Revision != 2 || m.Change != (record.MembershipChange{Op: record.MembershipAdd, MSPID: "BengbuMSP"}) || len(m.Orgs) != 4 {
		t.Errorf("after the addition: %+v", m)
	}
	if name, _ := lastEvent(t, w.l); name != domain.EventMemberAdded {
		t.Errorf("event %s", name)
	}
	if p, _ := w.l.PolicyOf(membershipKey); p != "OutOf(3, AnhuiMSP.peer, BengbuMSP.peer, HefeiMSP.peer, WuhuMSP.peer)" {
		t.Errorf("the membership's policy %q", p)
	}
	if err := grant(); err != nil {
		t.Fatalf("a grant to Bengbu, a member: %v", err)
	}
	if p, _ := w.l.PolicyOf("\x00grant\x00bengbu-amr\x00000001\x00"); p != "AND(AnhuiMSP.peer, OutOf(2, BengbuMSP.peer, HefeiMSP.peer, WuhuMSP.peer))" {
		t.Errorf("a grant's policy counts four members: %q", p)
	}

	w.evict("BengbuMSP")
	m = w.must("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "BengbuMSP") }).(*record.Membership)
	if m.Revision != 3 || !slices.Equal(m.MSPIDs(), memberIDs("anhui")) {
		t.Errorf("after the removal: %+v", m)
	}
	if name, _ := lastEvent(t, w.l); name != domain.EventMemberRemoved {
		t.Errorf("event %s", name)
	}
	h := w.must("wuhu-verifier", func(s domain.State) (any, error) { return domain.MembershipHistory(s) }).([]record.Membership)
	if len(h) != 3 || h[0].Revision != 1 || h[1].Change.Op != record.MembershipAdd || h[2].Change.Op != record.MembershipRemove {
		t.Errorf("history %+v", h)
	}
}

// TestAProvinceJoinsByItsOwnAdminWithAPrefixOfItsOwn: a new province of
// the configuration adds itself once a majority of the members approved
// it with its prefix; a prefix another province holds is refused.
func TestAProvinceJoinsByItsOwnAdminWithAPrefixOfItsOwn(t *testing.T) {
	w := bengbuWorld(t)
	w.l.Configure(chaincodeName, "AnhuiMSP", "FujianMSP", "HefeiMSP", "WuhuMSP")
	add := func(who string, o record.Organisation) error {
		_, err := w.run(who, func(s domain.State) (any, error) { return domain.AddMember(s, o) })
		return err
	}
	wantCode(t, add("anhui-admin", province("FujianMSP", "35")), record.CodeForbidden)
	wantCode(t, add("fujian-admin", province("FujianMSP", "34")), record.CodeAlreadyExists)
	wantCode(t, add("fujian-admin", province("FujianMSP", "3")), record.CodeInvalidArgument)
	w.approveProvince(province("FujianMSP", "35"), "anhui-admin")
	wantCode(t, add("fujian-admin", province("FujianMSP", "35")), record.CodeForbidden) // 1 of 3 approved
	w.approveProvince(province("FujianMSP", "35"), "hefei-admin")
	if err := add("fujian-admin", province("FujianMSP", "35")); err != nil {
		t.Fatal(err)
	}
	if o, ok := w.membership().Org("FujianMSP"); !ok || !o.IsProvince() || o.Prefix != "35" {
		t.Errorf("Fujian: %+v %v", o, ok)
	}
}

// TestOnlyTheProvincesAdminChangesItsOrganisations: every other caller and
// every change that would break the membership is refused, and nothing
// changes.
func TestOnlyTheProvincesAdminChangesItsOrganisations(t *testing.T) {
	w := bengbuWorld(t)
	add := func(o record.Organisation) func(domain.State) (any, error) {
		return func(s domain.State) (any, error) { return domain.AddMember(s, o) }
	}
	remove := func(msp string) func(domain.State) (any, error) {
		return func(s domain.State) (any, error) { return domain.RemoveMember(s, msp) }
	}
	tests := []struct {
		name, who string
		f         func(domain.State) (any, error)
		want      record.Code
	}{
		{"a city's admin adds an organisation of its province", "hefei-admin", add(city("BengbuMSP", "AnhuiMSP")), record.CodeForbidden},
		{"the organisation adds itself", "bengbu-admin", add(city("BengbuMSP", "AnhuiMSP")), record.CodeForbidden},
		{"the province's client", "anhui-clerk", add(city("BengbuMSP", "AnhuiMSP")), record.CodeForbidden},
		{"the province makes it a province", "anhui-admin", add(province("BengbuMSP", "35")), record.CodeForbidden},
		{"an organisation the configuration does not admit", "anhui-admin", add(city("ChuzhouMSP", "AnhuiMSP")), record.CodeForbidden},
		{"a member again", "anhui-admin", add(city("WuhuMSP", "AnhuiMSP")), record.CodeAlreadyExists},
		{"a city of a city", "anhui-admin", add(city("BengbuMSP", "HefeiMSP")), record.CodeInvalidArgument},
		{"a city with a prefix", "anhui-admin", add(record.Organisation{MSPID: "BengbuMSP", Province: "AnhuiMSP", Prefix: "34"}), record.CodeInvalidArgument},
		{"a malformed MSP ID", "anhui-admin", add(city("Bengbu MSP", "AnhuiMSP")), record.CodeInvalidArgument},
		{"another city removes Hefei", "wuhu-admin", remove("HefeiMSP"), record.CodeForbidden},
		{"Hefei removes itself", "hefei-admin", remove("HefeiMSP"), record.CodeForbidden},
		{"a removal of no member", "anhui-admin", remove("BengbuMSP"), record.CodeNotFound},
		{"the province leaves before its cities", "anhui-admin", remove("AnhuiMSP"), record.CodeInvalidTransition},
	}
	before := w.membership()
	for _, tc := range tests {
		_, err := w.run(tc.who, tc.f)
		if record.CodeOf(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	if after := w.membership(); after.Revision != before.Revision {
		t.Errorf("the membership changed: %+v", after)
	}
}

// TestOneOrganisationAloneCannotChangeTheMembership: a change the province's
// admin may make commits only with the endorsements of a majority of the
// members; and an organisation running modified chaincode that writes the
// membership itself (adding itself, or another) is refused at validation
// unless a majority endorse it.
func TestOneOrganisationAloneCannotChangeTheMembership(t *testing.T) {
	w := bengbuWorld(t)
	add := func(s domain.State) (any, error) { return domain.AddMember(s, city("BengbuMSP", "AnhuiMSP")) }
	for _, orgs := range [][]string{{"AnhuiMSP"}, {"HefeiMSP"}, {"BengbuMSP", "AnhuiMSP"}} {
		if _, err := w.runEndorsed("anhui-admin", orgs, add); !errors.Is(err, fakestub.ErrEndorsementPolicy) {
			t.Errorf("an addition endorsed by %v: %v", orgs, err)
		}
	}
	forged := func(endorser string, orgs []record.Organisation) error {
		m := record.Membership{Channel: "anhui", Orgs: orgs, Revision: 2, Change: record.MembershipChange{Op: record.MembershipAdd, MSPID: "BengbuMSP"}}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		tx := w.l.Begin(w.ids["bengbu-admin"].Serialize(), w.now)
		if err := tx.PutState(membershipKey, b); err != nil {
			t.Fatal(err)
		}
		return tx.Commit(endorser)
	}
	withBengbu := append(slices.Clone(testMembers["anhui"]), city("BengbuMSP", "AnhuiMSP"))
	if err := forged("BengbuMSP", withBengbu); !errors.Is(err, fakestub.ErrEndorsementPolicy) {
		t.Errorf("Bengbu wrote itself into the membership alone: %v", err)
	}
	if err := forged("HefeiMSP", withBengbu); !errors.Is(err, fakestub.ErrEndorsementPolicy) {
		t.Errorf("Hefei wrote Bengbu into the membership alone: %v", err)
	}
	if m := w.membership(); m.Revision != 1 {
		t.Errorf("the membership changed: %+v", m)
	}
	if _, err := w.runEndorsed("anhui-admin", []string{"AnhuiMSP", "WuhuMSP"}, add); err != nil {
		t.Errorf("an addition endorsed by a majority: %v", err)
	}
}

// countingState counts the reads of each key that reach the ledger.
type countingState struct {
	domain.State
	reads map[string]int
}

func (c *countingState) Get(k string) ([]byte, error) {
	if c.reads == nil {
		c.reads = make(map[string]int)
	}
	c.reads[k]++
	return c.State.Get(k)
}

// TestABatchReadsEachKeyOnce: a batch of three licences of one agency reads
// the ledger's governance (role, type, agency, grant, membership, seal key)
// once, though it sets three key-level policies over the membership, and
// each licence's own two keys (its ID, and its ID among relayed licences)
// once: 6 + 2 × 3 reads, none twice.
func TestABatchReadsEachKeyOnce(t *testing.T) {
	w := newWorld(t).setUp()
	var reqs []record.IssueRequest
	for _, id := range []string{"BL-1", "BL-2", "BL-3"} {
		reqs = append(reqs, w.request(w.content(id)))
	}
	tx := w.l.Begin(w.ids["hefei-issuer"].Serialize(), w.now.Add(time.Second))
	ci, err := cid.New(tx)
	if err != nil {
		t.Fatal(err)
	}
	c := &countingState{State: stubstate.New(tx, ci)}
	if _, err := domain.IssueBatch(domain.Memo(c), reqs); err != nil {
		t.Fatal(err)
	}
	total := 0
	for k, n := range c.reads {
		total += n
		if n != 1 {
			t.Errorf("%q was read %d times", k, n)
		}
	}
	if total != 6+2*len(reqs) {
		t.Errorf("%d reads reached the ledger, want %d: %v", total, 6+2*len(reqs), c.reads)
	}
	if err := tx.Commit(memberIDs("anhui")...); err != nil {
		t.Fatal(err)
	}
}

// TestAnOrganisationRemovedSealsNoMoreLicences: once the configuration no
// longer holds Hefei, Anhui removes it; Hefei's
// issuer keeps its binding and its agency's grant, but neither issues nor
// renews; the province withdraws the grant as before.
func TestAnOrganisationRemovedSealsNoMoreLicences(t *testing.T) {
	w := newWorld(t).setUp()
	c := w.issue("BL-1").Content
	w.evict("HefeiMSP")
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "HefeiMSP") })
	_, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(w.content("BL-2"))) })
	wantCode(t, err, record.CodeForbidden)
	c.ValidTo = c.ValidTo.AddDate(1, 0, 0)
	_, err = w.run("hefei-issuer", func(s domain.State) (any, error) {
		return domain.Renew(s, record.RenewRequest{ID: "BL-1", ValidTo: c.ValidTo, SealKeyID: sealID, Signature: w.request(c).Signature})
	})
	wantCode(t, err, record.CodeForbidden)
	w.withdraw("anhui-admin", grant1)
}
