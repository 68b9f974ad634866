package domain_test

import (
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// setEndpoint has who publish its organisation's gateway endpoint.
func setEndpoint(w *world, who, peerID string) error {
	_, err := w.run(who, func(s domain.State) (any, error) {
		return domain.SetGatewayEndpoint(s, peerID, []string{"/ip4/127.0.0.1/tcp/27283"})
	})
	return err
}

// TestANewcomerRegistersNoGatewayEndpointBeforeItIsAMember: Bengbu,
// admitted to anhui's configuration, is no member: the members have not
// consented to it (ADR 43). Its admin cannot yet publish a gateway
// endpoint, which every gateway of the channel (and, relayed, of the
// other channel) admits on the mesh: a newcomer the members never added
// would otherwise be a peer of theirs.
func TestANewcomerRegistersNoGatewayEndpointBeforeItIsAMember(t *testing.T) {
	w := bengbuWorld(t)
	wantCode(t, setEndpoint(w, "bengbu-admin", "12D3KooWbengbu"), record.CodeForbidden)
}

// TestARemovedMembersGatewayEndpointLeavesWithIt: Bengbu joins, publishes
// its gateway endpoint, then leaves (evicted, removed). Its endpoint, by
// which the gateways admit its gateway on the mesh, no longer stands.
func TestARemovedMembersGatewayEndpointLeavesWithIt(t *testing.T) {
	w := bengbuWorld(t)
	w.requestMembership("bengbu-admin", city("BengbuMSP", "AnhuiMSP"))
	if err := addMember(w, "anhui-admin", city("BengbuMSP", "AnhuiMSP")); err != nil {
		t.Fatal(err)
	}
	if err := setEndpoint(w, "bengbu-admin", "12D3KooWbengbu"); err != nil {
		t.Fatal(err)
	}
	w.evict("BengbuMSP")
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.RemoveMember(s, "BengbuMSP") })
	_, err := w.run("anhui-admin", func(s domain.State) (any, error) { return domain.GetGatewayEndpoint(s, "BengbuMSP") })
	wantCode(t, err, record.CodeNotFound)
}
