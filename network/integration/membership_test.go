package integration

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network/nettest"
)

// membershipOf reads anhui's membership through Anhui's peer, whose commit
// of Anhui's submissions the test waits for.
func membershipOf(t *testing.T, env *nettest.Env) record.Membership {
	t.Helper()
	out, err := contract(t, env, "anhui", "User1", "registry").EvaluateWithContext(t.Context(), "GetMembership")
	if err != nil {
		t.Fatalf("GetMembership: %s", fabricid.ErrorMessage(err))
	}
	var m record.Membership
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// statusSays runs `wanledger status` and checks its line on anhui's
// membership.
func statusSays(t *testing.T, env *nettest.Env, want string) {
	t.Helper()
	out, errOut, err := cli(t, env, "status", "--home", string(env.Net.Home))
	if err != nil || !strings.Contains(out, want) {
		t.Errorf("status: %v %s; want %q in\n%s", err, errOut, want, out)
	}
}

// TestTheMembershipIsOnTheLedgerAndNoOrganisationAloneChangesIt: up put
// each channel's membership from the topology on the ledger (approved by a
// majority of its admins, the chaincode checking it against the channel's
// configuration through _lifecycle) and status finds them equal. A city's
// admin may not change anhui's membership; a change by Anhui's admin
// endorsed by Anhui's peer alone, as an organisation running modified
// chaincode would have it, fails the membership's key-level policy and
// leaves it as it was; endorsed by a majority it commits, and status shows
// the difference until the member is added back.
func TestTheMembershipIsOnTheLedgerAndNoOrganisationAloneChangesIt(t *testing.T) {
	env := nettest.Get(t)
	for _, s := range env.Net.MembershipStatus(t.Context()) {
		if s.Err != "" || s.Diff != nil || s.Revision != 1 {
			t.Fatalf("after up, the membership of %s: %+v", s.Channel, s)
		}
	}
	statusSays(t, env, "membership of anhui: revision 1 on the ledger, as the topology has it")

	hefei := contract(t, env, "hefei", "Admin", "registry")
	_, _, err := fabricid.Submit(t.Context(), hefei, "RemoveMember", 1, "WuhuMSP")
	if got := failureCode(err); got != string(record.CodeForbidden) {
		t.Errorf("Hefei's admin removed Wuhu: %v (code %q), want FORBIDDEN", err, got)
	}

	anhui := contract(t, env, "anhui", "Admin", "registry")
	wuhu := toJSON(t, record.Organisation{MSPID: "WuhuMSP", Province: "AnhuiMSP"})
	refused := func(orgs []string, fn string, args ...string) {
		t.Helper()
		before := membershipOf(t, env).Revision
		if st := submitEndorsedBy(t, anhui, orgs, fn, args...); st.Code != peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE {
			t.Errorf("%s endorsed by %v: %s, want ENDORSEMENT_POLICY_FAILURE", fn, orgs, st.Code)
		}
		if after := membershipOf(t, env).Revision; after != before {
			t.Errorf("%s endorsed by %v changed the membership: revision %d, was %d", fn, orgs, after, before)
		}
	}
	refused([]string{"AnhuiMSP"}, "RemoveMember", "WuhuMSP")
	if st := submitEndorsedBy(t, anhui, []string{"AnhuiMSP", "HefeiMSP"}, "RemoveMember", "WuhuMSP"); st.Code != peer.TxValidationCode_VALID {
		t.Fatalf("a removal endorsed by a majority: %s", st.Code)
	}
	statusSays(t, env, "WuhuMSP: in the topology, not on the ledger")

	// Anhui and Hefei are the members now: both must endorse.
	refused([]string{"AnhuiMSP"}, "AddMember", wuhu)
	refused([]string{"HefeiMSP"}, "AddMember", wuhu)
	mustSubmit(t, anhui, "AddMember", wuhu) // the gateway plans the endorsements itself
	if m := membershipOf(t, env); m.Revision != 3 || len(m.Orgs) != 3 {
		t.Errorf("after Wuhu came back: %+v", m)
	}
	statusSays(t, env, "membership of anhui: revision 3 on the ledger, as the topology has it")
}
