package integration

import (
	"fmt"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestMeshEndpointsReachTheOtherChannel: the relay carries each gateway
// endpoint to the channel its organisation is no member of, so that a
// Shanghai gateway on delta and a Hefei gateway on anhui admit each other
// on the mesh: each one's cache lists the other's endpoint as its own
// channel's ledger holds it, marked as relayed, with its proof's
// endorsers.
func TestMeshEndpointsReachTheOtherChannel(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	for _, pair := range []struct{ at, of, channel string }{{"hefei", "shanghai", "delta"}, {"shanghai", "hefei", "anhui"}} {
		t.Run(pair.of+" at "+pair.at, func(t *testing.T) {
			of, _ := env.Net.Topo.Org(pair.of)
			nettest.Eventually(t, 60*time.Second, func() error {
				own, err := adminClient(t, env, pair.of).Mesh(ctx)
				if err != nil {
					return err
				}
				if !own.Data.Registered {
					return fmt.Errorf("%s's endpoint is not registered on %s", of.MSPID, pair.channel)
				}
				seen, err := adminClient(t, env, pair.at).Mesh(ctx)
				if err != nil {
					return err
				}
				for _, ep := range seen.Data.Endpoints {
					if ep.MSPID == of.MSPID {
						return relayedEndpoint(ep, own.Data.PeerID, pair.channel)
					}
				}
				return fmt.Errorf("gateway.%s lists no endpoint of %s", pair.at, of.MSPID)
			})
		})
	}
}

func relayedEndpoint(ep record.GatewayEndpoint, peerID, channel string) error {
	switch {
	case ep.PeerID != peerID:
		return fmt.Errorf("%s's relayed endpoint names peer %s; its gateway is %s", ep.MSPID, ep.PeerID, peerID)
	case ep.Source == nil || ep.Source.Channel != channel:
		return fmt.Errorf("%s's endpoint is not marked as relayed from %s: %+v", ep.MSPID, channel, ep.Source)
	case len(ep.Source.Endorsers) < 2:
		return fmt.Errorf("%s's relayed endpoint was endorsed by %v only", ep.MSPID, ep.Source.Endorsers)
	}
	return nil
}
