package integration

import (
	"encoding/json"
	"strings"
	"testing"

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
// admin may not change anhui's membership; nor may Anhui's admin remove
// Wuhu, though every member's peer endorses, while anhui's configuration
// holds Wuhu: its removal there, which needs a majority of the channel's
// admins, comes first. The membership stays as it was.
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
	all := []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}
	_, _, err = fabricid.SubmitWith(t.Context(), anhui, "RemoveMember", fabricid.SubmitOptions{Attempts: 1, Endorsers: all}, "WuhuMSP")
	if got := failureCode(err); got != string(record.CodeForbidden) {
		t.Errorf("Anhui's admin removed Wuhu, a member of anhui's configuration, endorsed by %v: %v (code %q), want FORBIDDEN", all, err, got)
	} else if want := "remove WuhuMSP from channel anhui's configuration first"; !strings.Contains(fabricid.ErrorMessage(err), want) {
		t.Errorf("the refusal says %q, want %q", fabricid.ErrorMessage(err), want)
	}
	if m := membershipOf(t, env); m.Revision != 1 || len(m.Orgs) != 3 {
		t.Errorf("the membership changed: %+v", m)
	}
	statusSays(t, env, "membership of anhui: revision 1 on the ledger, as the topology has it")
}
