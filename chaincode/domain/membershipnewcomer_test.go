package domain_test

import (
	"slices"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// TestANewcomerDoesNotTakeAFormerProvincesPrefix: Shanghai, evicted from
// delta's configuration and removed, left prefix 31. Fujian, admitted by
// a configuration update and never a member, cannot join as a province
// with 31: the division codes 31 stay Shanghai's, which the former
// member's record holds it to should it come back.
func TestANewcomerDoesNotTakeAFormerProvincesPrefix(t *testing.T) {
	w := bengbuWorld(t) // has fujian-admin
	w.l = governedLedger(t, "delta")
	delta := w.l.Orgs()
	w.evict("ShanghaiMSP")
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "ShanghaiMSP") })
	w.l.Configure(chaincodeName, append(slices.Clone(delta), "FujianMSP")...) // Shanghai readmitted, Fujian admitted

	wantCode(t, addMember(w, "fujian-admin", province("FujianMSP", "31")), record.CodeForbidden)
	if slices.Contains(w.membership().MSPIDs(), "FujianMSP") {
		t.Fatalf("Fujian took Shanghai's prefix 31: %+v", w.membership())
	}
	w.approveProvince(province("ShanghaiMSP", "31"), "anhui-admin", "jiangsu-admin")
	if err := addMember(w, "shanghai-admin", province("ShanghaiMSP", "31")); err != nil {
		t.Errorf("Shanghai rejoins as it left: %v", err)
	}
}

// TestAProvinceDoesNotClaimANewcomerAlone: Fujian, admitted to anhui's
// configuration to join as a province, is no member yet. Anhui's admin
// alone cannot make it Anhui's city first: Fujian could neither join as
// it was admitted nor leave the membership without a configuration
// update evicting it.
func TestAProvinceDoesNotClaimANewcomerAlone(t *testing.T) {
	w := bengbuWorld(t)
	w.l.Configure(chaincodeName, "AnhuiMSP", "BengbuMSP", "FujianMSP", "HefeiMSP", "WuhuMSP")
	wantCode(t, addMember(w, "anhui-admin", city("FujianMSP", "AnhuiMSP")), record.CodeForbidden)
	w.approveProvince(province("FujianMSP", "35"), "anhui-admin", "hefei-admin")
	if err := addMember(w, "fujian-admin", province("FujianMSP", "35")); err != nil {
		t.Errorf("Fujian joins as a province: %v", err)
	}
}

// TestOnlyANewcomersOwnAdminAsksToJoin: Fujian's request is its own
// admin's, names a member province, and is no province's nor a member's;
// Anhui adds Fujian only as the province Fujian named, and the addition
// consumes the request.
func TestOnlyANewcomersOwnAdminAsksToJoin(t *testing.T) {
	w := bengbuWorld(t)
	w.l.Configure(chaincodeName, "AnhuiMSP", "BengbuMSP", "FujianMSP", "HefeiMSP", "WuhuMSP")
	request := func(who string, o record.Organisation) error {
		_, err := w.run(who, func(s domain.State) (any, error) { return domain.RequestMembership(s, o) })
		return err
	}
	for _, c := range []struct {
		what, who string
		o         record.Organisation
		want      record.Code
	}{
		{"by another organisation's admin", "anhui-admin", city("FujianMSP", "AnhuiMSP"), record.CodeForbidden},
		{"by a member that is no admin", "anhui-clerk", city("AnhuiMSP", "AnhuiMSP"), record.CodeForbidden},
		{"as a province", "fujian-admin", province("FujianMSP", "35"), record.CodeInvalidArgument},
		{"with a prefix", "fujian-admin", record.Organisation{MSPID: "FujianMSP", Province: "AnhuiMSP", Prefix: "35"}, record.CodeInvalidArgument},
		{"of no member province", "fujian-admin", city("FujianMSP", "JiangsuMSP"), record.CodeInvalidArgument},
		{"of a city", "fujian-admin", city("FujianMSP", "HefeiMSP"), record.CodeInvalidArgument},
		{"by a member", "hefei-admin", city("HefeiMSP", "AnhuiMSP"), record.CodeAlreadyExists},
		{"with a bad MSP ID", "fujian-admin", city("Fujian MSP\n", "AnhuiMSP"), record.CodeInvalidArgument},
	} {
		wantCode(t, request(c.who, c.o), c.want)
	}
	w.evict("FujianMSP")
	wantCode(t, request("fujian-admin", city("FujianMSP", "AnhuiMSP")), record.CodeForbidden)
	w.l.Configure(chaincodeName, "AnhuiMSP", "BengbuMSP", "FujianMSP", "HefeiMSP", "WuhuMSP")

	w.requestMembership("fujian-admin", city("FujianMSP", "AnhuiMSP"))
	if err := addMember(w, "anhui-admin", city("FujianMSP", "AnhuiMSP")); err != nil {
		t.Fatalf("Anhui adds Fujian as Fujian asked: %v", err)
	}
	w.evict("FujianMSP")
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "FujianMSP") })
	w.l.Configure(chaincodeName, "AnhuiMSP", "BengbuMSP", "FujianMSP", "HefeiMSP", "WuhuMSP")
	wantCode(t, addMember(w, "anhui-admin", city("FujianMSP", "AnhuiMSP")), record.CodeForbidden) // the request was consumed
}

// TestALaterRequestReplacesAnEarlier: on delta, Fujian asks to join as
// Shanghai's, then as Anhui's: Shanghai no longer adds it, Anhui does.
func TestALaterRequestReplacesAnEarlier(t *testing.T) {
	w := bengbuWorld(t)
	w.l = governedLedger(t, "delta")
	w.l.Configure(chaincodeName, append(w.l.Orgs(), "FujianMSP")...)
	w.requestMembership("fujian-admin", city("FujianMSP", "ShanghaiMSP"))
	w.requestMembership("fujian-admin", city("FujianMSP", "AnhuiMSP"))
	wantCode(t, addMember(w, "shanghai-admin", city("FujianMSP", "ShanghaiMSP")), record.CodeForbidden)
	if err := addMember(w, "anhui-admin", city("FujianMSP", "AnhuiMSP")); err != nil {
		t.Fatalf("Anhui adds Fujian as it asked last: %v", err)
	}
}

// TestANewcomerDoesNotMakeItselfAProvinceAlone: Bengbu, admitted to
// anhui's configuration and asking to join as Anhui's city, cannot add
// itself as a province with 35, Fujian's division codes: a configuration
// update admits an MSP without saying what it is, and a prefix once held
// stays held, so a newcomer alone would take 35 from Fujian for good. The
// members' approvals decide, and approvals of another prefix, or of an
// organisation that is no member, do not count.
func TestANewcomerDoesNotMakeItselfAProvinceAlone(t *testing.T) {
	w := bengbuWorld(t)
	wantCode(t, addMember(w, "bengbu-admin", province("BengbuMSP", "35")), record.CodeForbidden)
	w.approveProvince(province("BengbuMSP", "36"), "anhui-admin", "hefei-admin")
	w.approveProvince(province("BengbuMSP", "35"), "wuhu-admin")
	wantCode(t, addMember(w, "bengbu-admin", province("BengbuMSP", "35")), record.CodeForbidden)
	if slices.Contains(w.membership().MSPIDs(), "BengbuMSP") {
		t.Fatalf("Bengbu made itself a province: %+v", w.membership())
	}
	w.l.Configure(chaincodeName, "AnhuiMSP", "BengbuMSP", "FujianMSP", "HefeiMSP", "WuhuMSP")
	w.approveProvince(province("FujianMSP", "35"), "anhui-admin", "hefei-admin")
	if err := addMember(w, "fujian-admin", province("FujianMSP", "35")); err != nil {
		t.Errorf("Fujian joins with its own prefix 35: %v", err)
	}
}

// TestOnlyAMembersAdminApprovesAProvince: the approval is a member's
// admin's, of an organisation of the configuration that is no member, as
// a province with a free prefix.
func TestOnlyAMembersAdminApprovesAProvince(t *testing.T) {
	w := bengbuWorld(t)
	w.l = governedLedger(t, "delta")
	w.evict("ShanghaiMSP")
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "ShanghaiMSP") })
	w.l.Configure(chaincodeName, "AnhuiMSP", "FujianMSP", "JiangsuMSP", "ShanghaiMSP", "ZhejiangMSP")
	approve := func(who string, o record.Organisation) error {
		_, err := w.run(who, func(s domain.State) (any, error) { return domain.ApproveProvince(s, o) })
		return err
	}
	for _, c := range []struct {
		what, who string
		o         record.Organisation
		want      record.Code
	}{
		{"by itself", "fujian-admin", province("FujianMSP", "35"), record.CodeForbidden},
		{"by a former member", "shanghai-admin", province("FujianMSP", "35"), record.CodeForbidden},
		{"by a member that is no admin", "anhui-clerk", province("FujianMSP", "35"), record.CodeForbidden},
		{"as a city", "anhui-admin", city("FujianMSP", "AnhuiMSP"), record.CodeInvalidArgument},
		{"with a bad prefix", "anhui-admin", province("FujianMSP", "3a"), record.CodeInvalidArgument},
		{"with a member's prefix", "anhui-admin", province("FujianMSP", "34"), record.CodeAlreadyExists},
		{"with a former province's prefix", "anhui-admin", province("FujianMSP", "31"), record.CodeForbidden},
		{"of a member", "anhui-admin", province("JiangsuMSP", "32"), record.CodeAlreadyExists},
		{"of no organisation of the configuration", "anhui-admin", province("BengbuMSP", "36"), record.CodeForbidden},
		{"of a former member otherwise than it left", "anhui-admin", province("ShanghaiMSP", "36"), record.CodeForbidden},
	} {
		if err := approve(c.who, c.o); record.CodeOf(err) != c.want {
			t.Errorf("approval %s: %v, want %s", c.what, err, c.want)
		}
	}
	a := w.must("anhui-admin", func(s domain.State) (any, error) { return domain.ApproveProvince(s, province("FujianMSP", "35")) }).(*record.ProvinceApproval)
	if a.Needed != 2 || !slices.Equal(a.Approvers, []string{"AnhuiMSP"}) {
		t.Errorf("approval %+v", a)
	}
}
