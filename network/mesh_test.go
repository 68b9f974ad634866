package network

import (
	"testing"

	"github.com/wanledger/wanledger/api/record"
)

// The mesh step registers a gateway's endpoint unless the channel holds
// it as the organisation's own: not when it holds none, another peer ID or
// addresses, or the endpoint relayed from another channel the
// organisation was on.
func TestTheMeshEndpointIsRegisteredUnlessTheChannelHoldsItsOwn(t *testing.T) {
	addrs := []string{"/ip4/127.0.0.1/tcp/17243"}
	own := &record.GatewayEndpoint{MSPID: "BengbuMSP", PeerID: "12D3KooW", Addrs: addrs}
	relayed := *own
	relayed.Source = &record.Source{Channel: "delta"}
	for _, tt := range []struct {
		name string
		held *record.GatewayEndpoint
		want bool
	}{
		{"its own", own, true},
		{"none", nil, false},
		{"relayed from delta", &relayed, false},
		{"of another peer ID", &record.GatewayEndpoint{MSPID: "BengbuMSP", PeerID: "12D3KooX", Addrs: addrs}, false},
		{"at other addresses", &record.GatewayEndpoint{MSPID: "BengbuMSP", PeerID: "12D3KooW", Addrs: []string{"/ip4/127.0.0.1/tcp/17283"}}, false},
	} {
		if got := meshRegistered(tt.held, "12D3KooW", addrs); got != tt.want {
			t.Errorf("%s: registered %v, want %v", tt.name, got, tt.want)
		}
	}
}
