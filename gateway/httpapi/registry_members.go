package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api/record"
)

func (a *API) registryMembers() {
	s := a.svc
	huma.Register(a.h, a.op("get-members", http.MethodGet, "/v1/registry/members", "Read the channel's membership",
		"The gateway's channel's membership on the ledger: each member organisation with its province and, for a province, its prefix of the administrative division codes (GB/T 2260); its revision and last change.", "registry", readerRoles...),
		func(ctx context.Context, _ *struct{}) (*readOut[*record.Membership], error) {
			return read(s.Membership(ctx, who(ctx)))
		})
}
