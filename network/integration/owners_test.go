package integration

import (
	"testing"

	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestOnlyAnAdminSetsItsOrganisationsGatewayEndpoint: an ordinary Wuhu
// client cannot move Wuhu's gateway endpoint on the mesh; Wuhu's admin can.
func TestOnlyAnAdminSetsItsOrganisationsGatewayEndpoint(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	_, err := setEndpoint(ctx, contract(t, env, "wuhu", "User1", "registry"), "hijacked")
	if got := failureCode(err); got != string(domain.CodeForbidden) {
		t.Fatalf("a Wuhu client set Wuhu's endpoint: %v (code %q), want FORBIDDEN", err, got)
	}
	if _, err := setEndpoint(ctx, contract(t, env, "wuhu", "Admin", "registry"), "wuhu-admin-set"); err != nil {
		t.Fatalf("Wuhu's admin: %v", fabricid.ErrorMessage(err))
	}
}
