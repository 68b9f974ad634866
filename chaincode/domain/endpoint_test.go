package domain_test

import (
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Only an organisation's admin publishes its gateway endpoint; a client of
// the organisation, whatever its roles, is refused and writes nothing.
func TestGatewayEndpointNeedsTheOrganisationsAdmin(t *testing.T) {
	w := newWorld(t).setUp()
	w.bind("hefei-admin", "hefei-clerk", record.RoleClerk, "")
	for _, who := range []string{"hefei-clerk", "hefei-issuer", "hefei-verifier", "hefei-owner"} {
		_, err := w.run(who, func(s domain.State) (any, error) {
			return domain.SetGatewayEndpoint(s, "12D3KooWintruder", []string{"/ip4/127.0.0.1/tcp/1"})
		})
		wantCode(t, err, record.CodeForbidden)
	}
	_, err := w.run("hefei-verifier", func(s domain.State) (any, error) { return domain.GetGatewayEndpoint(s, "HefeiMSP") })
	wantCode(t, err, record.CodeNotFound)
	ep := w.must("wuhu-admin", func(s domain.State) (any, error) {
		return domain.SetGatewayEndpoint(s, "12D3KooWwuhu", []string{"/ip4/127.0.0.1/tcp/2"})
	}).(*record.GatewayEndpoint)
	if ep.MSPID != "WuhuMSP" {
		t.Errorf("an admin set %s's endpoint, want its own", ep.MSPID)
	}
}

// A peer ID is one organisation's: another admin cannot register it as
// theirs (and so pass for that gateway on the mesh) until its owner moved
// to another one.
func TestAPeerIDIsOneOrganisationsGateway(t *testing.T) {
	w := newWorld(t).setUp()
	set := func(admin, peerID string) error {
		_, err := w.run(admin, func(s domain.State) (any, error) {
			return domain.SetGatewayEndpoint(s, peerID, []string{"/ip4/127.0.0.1/tcp/1"})
		})
		return err
	}
	if err := set("wuhu-admin", "12D3KooWwuhu"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, set("anhui-admin", "12D3KooWwuhu"), record.CodeAlreadyExists)
	if err := set("wuhu-admin", "12D3KooWwuhu"); err != nil {
		t.Fatalf("Wuhu setting its own peer ID again: %v", err)
	}
	if err := set("wuhu-admin", "12D3KooWwuhu-2"); err != nil {
		t.Fatal(err)
	}
	if err := set("anhui-admin", "12D3KooWwuhu"); err != nil {
		t.Fatalf("a peer ID its owner left: %v", err)
	}
	ep := w.must("hefei-verifier", func(s domain.State) (any, error) { return domain.GetGatewayEndpoint(s, "WuhuMSP") }).(*record.GatewayEndpoint)
	if ep.PeerID != "12D3KooWwuhu-2" {
		t.Errorf("Wuhu's endpoint names %s", ep.PeerID)
	}
}
