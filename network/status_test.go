package network

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/api"
)

// A peer whose organisation left a channel still has that channel's
// ledger, which no longer grows: status lists the channel as left, not its
// height. An orderer's channels are every channel.
func TestStatusShowsNoHeightOfAChannelAPeersOrganisationLeft(t *testing.T) {
	_, topo := withBengbu(t)
	reading := api.NodeReading{Health: api.HealthOK, Channels: []api.ChannelHeight{{Channel: "anhui", Height: 34}, {Channel: "delta", Height: 35}}}
	var peer, orderer NodeStatus
	topo.applyReading(topo.Peer("bengbu"), reading, &peer)
	topo.applyReading(topo.NodesOf(KindOrderer)[0], reading, &orderer)
	if _, in := peer.Heights["delta"]; in || peer.Heights["anhui"] != 34 || !slices.Equal(peer.Left, []string{"delta"}) {
		t.Errorf("peer.bengbu: heights %v, left %v; want anhui=34 and delta left", peer.Heights, peer.Left)
	}
	if len(orderer.Heights) != 2 || orderer.Left != nil {
		t.Errorf("an orderer: heights %v, left %v; want both channels", orderer.Heights, orderer.Left)
	}
	var out strings.Builder
	if err := PrintStatus(&out, []NodeStatus{peer}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "anhui=34 left delta") || strings.Contains(out.String(), "delta=") {
		t.Errorf("status printed\n%s", out.String())
	}
	b, err := json.Marshal(peer)
	if err != nil || !strings.Contains(string(b), `"leftChannels":["delta"]`) {
		t.Errorf("status --json: %s, %v", b, err)
	}
}
