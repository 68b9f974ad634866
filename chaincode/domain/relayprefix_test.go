package domain_test

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"github.com/wanledger/wanledger/internal/relayproof/relaytest"
)

// TestARelayedLicenceDoesNotTakeAReceivingProvincesPrefix: prefix 31 is
// Shanghai's on delta. On anhui, where Shanghai is no member, Fujian
// joins as a province with 31 (approved by a majority of anhui's
// members), accredits its own agency for 310101, Shanghai's Huangpu
// district, and issues a mutually recognised licence there. delta should
// not take it in from the relay: its division codes are Shanghai's on
// delta, and the licence would pass there for one of Shanghai's regions
// issued by an organisation that is none of Shanghai's (ADR 43: a prefix
// passing to another organisation makes its regions' records look like
// that organisation's).
func TestARelayedLicenceDoesNotTakeAReceivingProvincesPrefix(t *testing.T) {
	r := newRelayWorlds(t)
	r.register()
	src := r.src
	for _, spec := range []struct {
		name  string
		admin bool
	}{{"fujian-admin", true}, {"fujian-issuer", false}} {
		id, err := fakestub.NewIdentity("FujianMSP", spec.name, spec.admin)
		if err != nil {
			t.Fatal(err)
		}
		src.ids[spec.name] = id
	}
	src.l.Configure(chaincodeName, append(src.l.Orgs(), "FujianMSP")...)
	src.approveProvince(province("FujianMSP", "31"), "anhui-admin", "hefei-admin")
	if err := addMember(src, "fujian-admin", province("FujianMSP", "31")); err != nil {
		t.Fatalf("Fujian joins anhui with 31: %v", err)
	}
	fj := businessType()
	fj.Code = "fj-biz"
	src.must("fujian-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, fj) })
	src.must("fujian-admin", func(s domain.State) (any, error) {
		return domain.GrantAccreditation(s, record.Accreditation{AgencyID: "fujian-amr", MSPID: "FujianMSP", Types: []string{"fj-biz"},
			Region: "310101", ValidFrom: t0.Add(-24 * time.Hour), ValidTo: t0.AddDate(2, 0, 0)})
	})
	src.must("fujian-admin", func(s domain.State) (any, error) {
		return domain.RegisterSealKey(s, record.SealKey{KeyID: "fujian-amr-1", AgencyID: "fujian-amr", PublicKey: src.seal.Public().Hex(),
			ValidFrom: t0.Add(-time.Hour), ValidTo: t0.AddDate(1, 0, 0)})
	})
	src.bind("fujian-admin", "fujian-issuer", record.RoleIssuer, "fujian-amr")
	c := src.content("FJ-1")
	c.Type, c.AgencyID, c.Region, c.SealKeyID = "fj-biz", "fujian-amr", "310101", "fujian-amr-1"
	src.must("fujian-issuer", func(s domain.State) (any, error) { return domain.Issue(s, src.request(c)) })

	// delta's members approve anhui's source again with Fujian's CA, as org add's step 17 does.
	r.orgs["FujianMSP"] = relaytest.NewOrg(t, "FujianMSP")
	source := r.source()
	source.Orgs = append(source.Orgs, r.orgs["FujianMSP"].RelayOrg())
	for _, admin := range []string{"anhui-admin", "shanghai-admin", "jiangsu-admin"} {
		r.dst.must(admin, func(s domain.State) (any, error) { return domain.ApproveSource(s, source) })
	}
	res, err := r.importAs("anhui-admin", r.proof(r.export("FJ-1"), "FujianMSP", "HefeiMSP", "AnhuiMSP"))
	if err == nil && res.Outcomes[0] == record.OutcomeApplied {
		t.Errorf("delta took in FJ-1, region 310101 under Fujian's grant, though 31 is Shanghai's on delta: %+v", res)
	}
}
