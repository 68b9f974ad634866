package network

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/internal/nodeops"
)

// A peer whose organisation left a channel still has that channel's
// ledger, which no longer grows: read as status reads it (nodeops, with
// the topology's Target), the channel is listed as left, not its height.
// An orderer's channels are every channel.
func TestStatusShowsNoHeightOfAChannelAPeersOrganisationLeft(t *testing.T) {
	_, topo := withBengbu(t)
	ops := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" { // as Fabric's operations service writes it
			w.Write([]byte("# HELP ledger_blockchain_height Height of the chain in blocks.\n# TYPE ledger_blockchain_height gauge\n" +
				"ledger_blockchain_height{channel=\"anhui\"} 34\nledger_blockchain_height{channel=\"delta\"} 35\n"))
		}
	}))
	defer ops.Close()
	read := func(n Node) NodeStatus {
		tg := topo.Target(n)
		tg.Address = strings.TrimPrefix(ops.URL, "http://")
		var s NodeStatus
		topo.applyReading(n, nodeops.Read(t.Context(), tg, time.Now), &s)
		return s
	}
	if got := topo.Target(topo.Peer("bengbu")).Channels; !slices.Equal(got, []string{"anhui"}) {
		t.Errorf("peer.bengbu is read with channels %v, want its organisation's", got)
	}
	peer, orderer := read(topo.Peer("bengbu")), read(topo.NodesOf(KindOrderer)[0])
	if _, in := peer.Heights["delta"]; in || peer.Heights["anhui"] != 34 || !slices.Equal(peer.Left, []string{"delta"}) || peer.Health != "ok" {
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
