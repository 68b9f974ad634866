package orgs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/network"
)

// joinsAnotherChannel: Bengbu, which left anhui, joins delta with its
// files from anhui. Its gateway answers from delta's chain (its cache,
// built from anhui, rebuilt: none of anhui's own licence types, delta's
// height), its mesh endpoint is its own on delta's ledger (not one relayed
// from anhui, nor one its old cache named), its peer's anhui ledger is
// listed as left, and anhui trusts its CA as delta's member.
func (n *testNet) joinsAnotherChannel(t *testing.T, hefeiLicence credential.Credential) {
	start := time.Now()
	n.mustCLI(t, "bengbu added to delta", "org", "add", "bengbu", "--province", "anhui", "--channel", "delta")
	t.Logf("org add bengbu --channel delta, after it left anhui: %s", time.Since(start).Round(time.Second))
	ctx := context.Background()
	admin := n.client(t, "bengbu", keys.RoleAdmin)
	eventually(t, "gateway.bengbu at the height of delta", func() error {
		st := n.status(t)
		gw, anhui := st["gateway.bengbu"].Heights["delta"], st["peer.anhui"].Heights["delta"]
		if gw == 0 || gw < anhui {
			return fmt.Errorf("gateway.bengbu at %d of delta, peer.anhui at %d", gw, anhui)
		}
		return nil
	})
	_, err := admin.LicenceType(ctx, "ORG-A") // defined on anhui only, while Bengbu was there
	if ae := (*api.Error)(nil); !errors.As(err, &ae) || ae.Code != string(record.CodeNotFound) {
		t.Errorf("Bengbu's gateway on delta asked for anhui's licence type ORG-A: %v, want NOT_FOUND (its cache rebuilt from delta)", err)
	}
	n.verifies(t, "bengbu", hefeiLicence) // relayed to delta

	mesh, err := admin.Mesh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var held record.GatewayEndpoint
	n.query(t, "bengbu", "delta", &held, "registry:GetGatewayEndpoint", "BengbuMSP")
	if held.Source != nil || held.PeerID != mesh.Data.PeerID || !slices.Equal(held.Addrs, mesh.Data.Addrs) {
		t.Errorf("delta's endpoint of Bengbu %+v, want its own registration of %s at %v", held, mesh.Data.PeerID, mesh.Data.Addrs)
	}
	peer := n.status(t)["peer.bengbu"]
	if _, in := peer.Heights["anhui"]; in || !slices.Equal(peer.Left, []string{"anhui"}) {
		t.Errorf("status of peer.bengbu: heights %v, left %v; want anhui left", peer.Heights, peer.Left)
	}
	if got := n.sourceOrgs(t, "anhui", "delta"); !slices.Equal(got, []string{"AnhuiMSP", "BengbuMSP", "ShanghaiMSP"}) {
		t.Errorf("anhui's definition of delta as a relay source names %v", got)
	}
}

// status reads `wanledger status --json`, by node.
func (n *testNet) status(t *testing.T) map[string]network.NodeStatus {
	t.Helper()
	var st []network.NodeStatus
	if err := json.Unmarshal([]byte(n.mustCLI(t, "", "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	out := map[string]network.NodeStatus{}
	for _, s := range st {
		out[s.Name] = s
	}
	return out
}

// query evaluates a chaincode function on the channel through org's peer
// as its admin (peer chaincode query) and decodes its answer into v.
func (n *testNet) query(t *testing.T, org, channel string, v any, fn string, args ...string) {
	t.Helper()
	call, err := json.Marshal(map[string][]string{"Args": append([]string{fn}, args...)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := n.peerCLI(t, org, "chaincode", "query", "-C", channel, "-n", network.ChaincodeName, "-c", string(call))
	if err != nil {
		t.Fatalf("%s on %s as %s: %v\n%s", fn, channel, org, err, out)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%s on %s: %v\n%s", fn, channel, err, out)
	}
}

// sourceOrgs are the MSP IDs of the definition of source in effect on
// channel (relay:GetSource), as Anhui's peer reads it.
func (n *testNet) sourceOrgs(t *testing.T, channel, source string) []string {
	t.Helper()
	var a record.SourceApproval
	n.query(t, "anhui", channel, &a, "relay:GetSource", source)
	var ids []string
	for _, o := range a.Source.Orgs {
		ids = append(ids, o.MSPID)
	}
	return ids
}

// oneOutcomePerStep wants every step of a command's output to end in one
// outcome: "unchanged" alone, never after a line saying what it did.
func oneOutcomePerStep(t *testing.T, out string) {
	t.Helper()
	var lines []string
	check := func() {
		if len(lines) == 0 || len(lines) > 1 && slices.Contains(lines, "unchanged") {
			t.Errorf("a step printed %q", lines)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "==> ["):
			if lines != nil {
				check()
			}
			lines = []string{}
		case strings.HasPrefix(l, "==> "):
			if lines != nil {
				check()
			}
			lines = nil
		case lines != nil && strings.TrimSpace(l) != "":
			lines = append(lines, strings.TrimSpace(l))
		}
	}
}
