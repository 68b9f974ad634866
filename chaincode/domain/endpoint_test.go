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
