package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network/nettest"
)

// wantOwnerAndMajority submits one change of an owned record endorsed by
// each refused set of organisations, then by enough. Every refused set
// passes endorsement (the chaincode checks the caller, not the endorsers)
// and fails validation with ENDORSEMENT_POLICY_FAILURE, leaving the record
// unchanged; enough commits it.
func wantOwnerAndMajority(t *testing.T, c *client.Contract, refused [][]string, enough []string, fn string, args ...string) {
	t.Helper()
	for _, orgs := range refused {
		if st := submitEndorsedBy(t, c, orgs, fn, args...); st.Code != peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE {
			t.Errorf("%s endorsed by %s only: %s, want ENDORSEMENT_POLICY_FAILURE", fn, strings.Join(orgs, "+"), st.Code)
		}
	}
	if st := submitEndorsedBy(t, c, enough, fn, args...); st.Code != peer.TxValidationCode_VALID {
		t.Errorf("%s endorsed by %s: %s, want VALID", fn, strings.Join(enough, "+"), st.Code)
	}
}

// On anhui (Anhui, Hefei, Wuhu) the majority is 2 of 3. For a record that
// Hefei owns: Hefei alone, and Anhui and Wuhu without Hefei, are refused;
// Hefei and one other member are enough.
var (
	hefeiRefused = [][]string{{"HefeiMSP"}, {"AnhuiMSP", "WuhuMSP"}}
	hefeiEnough  = []string{"HefeiMSP", "AnhuiMSP"}
)

// TestKeyLevelPoliciesNeedTheOwnerAndAMajority: every record one
// organisation owns changes only with its owner's endorsement and a majority
// of the channel's members: licences, seal keys, licence types,
// authorizations, and handoffs after acceptance.
func TestKeyLevelPoliciesNeedTheOwnerAndAMajority(t *testing.T) {
	env := nettest.Get(t)
	now := time.Now().UTC().Truncate(time.Second)
	seal := hefeiAgency(t, env, "hefei-sbe", "hefei-sbe-seal-1", now)

	t.Run("licence", func(t *testing.T) {
		issuer := contract(t, env, "hefei", "User1", "licence")
		c, sig := businessLicence(t, "BL-SBE-0001", "hefei-sbe", "hefei-sbe-seal-1", seal, now)
		issue(t, issuer, c, sig)
		wantOwnerAndMajority(t, issuer, hefeiRefused, hefeiEnough, "Suspend", c.ID, "INVESTIGATION")
		// The gateway plans the endorsements of the nested policy itself.
		mustSubmit(t, issuer, "Reinstate", c.ID, "INVESTIGATION_CLOSED")
	})

	t.Run("seal key", func(t *testing.T) {
		other, err := gm.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		admin := contract(t, env, "hefei", "Admin", "registry")
		mustSubmit(t, admin, "RegisterSealKey", toJSON(t, record.SealKey{KeyID: "hefei-sbe-seal-2", AgencyID: "hefei-sbe",
			PublicKey: other.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}))
		wantOwnerAndMajority(t, admin, hefeiRefused, hefeiEnough, "RevokeSealKey", "hefei-sbe-seal-2", "KEY_COMPROMISED", "")
	})

	t.Run("licence type", func(t *testing.T) {
		admin := contract(t, env, "anhui", "Admin", "registry")
		lt := record.LicenceType{Code: "sbe-permit", Name: "许可证", MaxValidityDays: 365,
			Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}
		mustSubmit(t, admin, "PutLicenceType", toJSON(t, lt))
		lt.MaxValidityDays = 730
		wantOwnerAndMajority(t, admin, [][]string{{"AnhuiMSP"}, {"HefeiMSP", "WuhuMSP"}}, []string{"AnhuiMSP", "WuhuMSP"},
			"PutLicenceType", toJSON(t, lt))
	})

	t.Run("authorization", func(t *testing.T) {
		bindRoles(t, env, "hefei", record.RoleDataOwner)
		owner := contract(t, env, "hefei", "User1", "share")
		registerDataset(t, env, "hefei", owner, "hefei.sbe", "address")
		mustSubmit(t, owner, "Grant", toJSON(t, record.Authorization{ID: "AUTH-SBE-1", Requester: "WuhuMSP", DatasetID: "hefei.sbe",
			Fields: []string{"address"}, Purpose: "social-assistance", LegalBasis: "SOCIAL_ASSISTANCE_MEASURES",
			ValidFrom: now.Add(-time.Minute), ValidTo: now.Add(time.Hour), MaxUses: 10}))
		wantOwnerAndMajority(t, owner, hefeiRefused, []string{"HefeiMSP", "WuhuMSP"}, "Revoke", "AUTH-SBE-1", "PURPOSE_ACHIEVED")
	})

	// On delta (Anhui, Shanghai, Jiangsu, Zhejiang) the majority is 3 of 4:
	// after acceptance a handoff from Shanghai to Jiangsu needs both of them
	// and one more member.
	t.Run("handoff", func(t *testing.T) {
		bindRolesOn(t, env, "delta", "shanghai", record.RoleClerk)
		bindRolesOn(t, env, "delta", "jiangsu", record.RoleClerk)
		origin := contractOn(t, env, "delta", "shanghai", "User1", "handoff")
		target := contractOn(t, env, "delta", "jiangsu", "User1", "handoff")
		mustSubmit(t, origin, "Open", toJSON(t, record.Handoff{ID: "HO-SBE-1", Target: "JiangsuMSP", ServiceItem: "household-transfer",
			ApplicantPseudonym: gm.SM3Hex([]byte("applicant")), Deadline: now.Add(24 * time.Hour)}))
		mustSubmit(t, target, "Accept", "HO-SBE-1")
		wantOwnerAndMajority(t, target, [][]string{{"JiangsuMSP"}, {"ShanghaiMSP", "JiangsuMSP"}, {"JiangsuMSP", "AnhuiMSP", "ZhejiangMSP"}},
			[]string{"ShanghaiMSP", "JiangsuMSP", "ZhejiangMSP"}, "Start", "HO-SBE-1")
		settled(t, env, "delta", "jiangsu")
		mustSubmit(t, target, "Complete", "HO-SBE-1", gm.SM3Hex([]byte("result")))
	})
}
