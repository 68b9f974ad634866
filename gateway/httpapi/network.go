package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/keys"
)

// network serves the network at a glance to operators and admins.
func (a *API) network() {
	huma.Register(a.h, a.op("network-status", http.MethodGet, "/v1/network", "The network at a glance",
		"This gateway (its cache's height and lag) and every node its configuration names (watch.nodes: its organisation's peer, chaincode server and relay, the orderers), each read now from its operations endpoint, at most watch.parallel at once and each within watch.timeout, or answered again if read within watch.maxAge: its health (ok; failing: it answered, not healthy; down: no answer), its channel heights and Raft leadership, a gateway's cache, a relay's lag per direction, and when it was read. A node that does not answer is reported down; the call itself does not fail. Role operator, or an admin key.",
		"network", keys.RoleOperator, keys.RoleAdmin),
		func(ctx context.Context, _ *struct{}) (*struct{ Body api.NetworkStatus }, error) {
			st, err := a.svc.Network(ctx)
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.NetworkStatus }{st}, nil
		})
}
