package domain_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// evict takes an organisation out of the fake channel's configuration, as
// a configuration update signed by a majority of its admins does.
func (w *world) evict(msp string) {
	w.t.Helper()
	w.l.Configure(chaincodeName, slices.DeleteFunc(w.l.Orgs(), func(o string) bool { return o == msp })...)
}

// TestNoOrganisationAloneRemovesAMemberOfTheConfiguration: Anhui's admin,
// endorsed by every peer, cannot remove Hefei, Wuhu nor itself while the
// configuration holds them, and the refusal says what comes first; once a
// configuration update took Hefei out, the same call removes it.
func TestNoOrganisationAloneRemovesAMemberOfTheConfiguration(t *testing.T) {
	w := newWorld(t)
	remove := func(who, msp string) (any, error) {
		return w.run(who, func(s domain.State) (any, error) { return domain.RemoveMember(s, msp) })
	}
	for _, msp := range []string{"HefeiMSP", "WuhuMSP"} {
		_, err := remove("anhui-admin", msp)
		wantCode(t, err, record.CodeForbidden)
		if want := "remove " + msp + " from channel anhui's configuration first: a configuration update signed by a majority of its admins"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal says %v, want %q", err, want)
		}
	}
	_, err := remove("hefei-admin", "HefeiMSP")
	wantCode(t, err, record.CodeForbidden)
	if m := w.membership(); m.Revision != 1 {
		t.Fatalf("the membership changed: %+v", m)
	}

	w.evict("HefeiMSP")
	for _, who := range []string{"hefei-admin", "wuhu-admin"} { // a city is still its province's to remove
		_, err = remove(who, "HefeiMSP")
		wantCode(t, err, record.CodeForbidden)
	}
	if _, err := remove("anhui-admin", "HefeiMSP"); err != nil {
		t.Fatalf("the removal after the configuration's: %v", err)
	}
	_, err = remove("anhui-admin", "WuhuMSP")
	wantCode(t, err, record.CodeForbidden)
	if m := w.membership(); m.Revision != 2 || !slices.Equal(m.MSPIDs(), []string{"AnhuiMSP", "WuhuMSP"}) {
		t.Errorf("membership %+v", m)
	}
}

// TestAFormerMemberComesBackOnlyAsItLeft: Shanghai, evicted from delta's
// configuration and removed by Anhui's admin, readmitted by a configuration update, cannot
// rejoin with Guangdong's prefix 44 nor any prefix but its own; with its
// own it rejoins. A city that left rejoins only under its province.
func TestAFormerMemberComesBackOnlyAsItLeft(t *testing.T) {
	w := newWorld(t)
	w.l = governedLedger(t, "delta")
	add := func(who string, o record.Organisation) error { return addMember(w, who, o) }
	_, err := w.run("shanghai-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "ShanghaiMSP") })
	wantCode(t, err, record.CodeForbidden)

	delta := w.l.Orgs()
	w.evict("ShanghaiMSP")
	// The channel no longer admits Shanghai's admin: another province's removes it.
	if _, err := w.run("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "ShanghaiMSP") }); err != nil {
		t.Fatalf("Shanghai's removal after its eviction: %v", err)
	}
	w.l.Configure(chaincodeName, delta...) // readmitted
	wantCode(t, add("shanghai-admin", record.Organisation{MSPID: "ShanghaiMSP", Province: "ShanghaiMSP", Prefix: "44"}), record.CodeForbidden)
	wantCode(t, add("shanghai-admin", province("ShanghaiMSP", "45")), record.CodeForbidden)
	if m := w.membership(); m.Revision != 2 || slices.Contains(m.MSPIDs(), "ShanghaiMSP") {
		t.Fatalf("membership %+v", m)
	}
	w.approveProvince(province("ShanghaiMSP", "31"), "anhui-admin", "jiangsu-admin")
	if err := add("shanghai-admin", province("ShanghaiMSP", "31")); err != nil {
		t.Fatalf("Shanghai rejoins as it left: %v", err)
	}
	if o, ok := w.membership().Org("ShanghaiMSP"); !ok || o.Prefix != "31" {
		t.Errorf("Shanghai %+v, %v", o, ok)
	}

	b := bengbuWorld(t)
	if err := addMember(b, "anhui-admin", city("BengbuMSP", "AnhuiMSP")); err != nil {
		t.Fatal(err)
	}
	b.evict("BengbuMSP")
	b.must("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "BengbuMSP") })
	b.l.Configure(chaincodeName, "AnhuiMSP", "BengbuMSP", "HefeiMSP", "WuhuMSP")
	wantCode(t, addMember(b, "bengbu-admin", province("BengbuMSP", "44")), record.CodeForbidden)
	b.requestMembership("bengbu-admin", city("BengbuMSP", "AnhuiMSP"))
	if err := addMember(b, "anhui-admin", city("BengbuMSP", "AnhuiMSP")); err != nil {
		t.Errorf("Bengbu rejoins as Anhui's: %v", err)
	}
}

// addMember has who add o to w's channel.
func addMember(w *world, who string, o record.Organisation) error {
	_, err := w.run(who, func(s domain.State) (any, error) { return domain.AddMember(s, o) })
	return err
}

// TestAProvinceEvictedBeforeItsCitiesLeavesWithThem: on delta, a
// configuration update evicts Fujian before its city Bengbu. Fujian's
// admin, no longer admitted, cannot remove Bengbu: another member
// province's does, once the configuration drops Bengbu too, and then
// Fujian.
func TestAProvinceEvictedBeforeItsCitiesLeavesWithThem(t *testing.T) {
	w := bengbuWorld(t)
	w.l = governedLedger(t, "delta")
	delta := w.l.Orgs()
	w.l.Configure(chaincodeName, append(slices.Clone(delta), "BengbuMSP", "FujianMSP")...)
	w.approveProvince(province("FujianMSP", "35"), "anhui-admin", "shanghai-admin", "jiangsu-admin")
	if err := addMember(w, "fujian-admin", province("FujianMSP", "35")); err != nil {
		t.Fatal(err)
	}
	w.requestMembership("bengbu-admin", city("BengbuMSP", "FujianMSP"))
	if err := addMember(w, "fujian-admin", city("BengbuMSP", "FujianMSP")); err != nil {
		t.Fatal(err)
	}
	remove := func(msp string) error {
		_, err := w.run("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, msp) })
		return err
	}
	w.evict("FujianMSP")
	wantCode(t, remove("BengbuMSP"), record.CodeForbidden) // still in the configuration
	wantCode(t, remove("FujianMSP"), record.CodeInvalidTransition)
	w.evict("BengbuMSP")
	for _, msp := range []string{"BengbuMSP", "FujianMSP"} {
		if err := remove(msp); err != nil {
			t.Fatalf("Anhui removes %s: %v", msp, err)
		}
	}
	if m := w.membership(); !slices.Equal(m.MSPIDs(), delta) {
		t.Errorf("membership %v, want %v", m.MSPIDs(), delta)
	}
}
