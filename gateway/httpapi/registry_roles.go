package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
)

func (a *API) registryRoles() {
	s := a.svc
	huma.Register(a.h, a.op("whoami", http.MethodGet, "/v1/whoami", "Who the key is",
		"The Fabric identity the API key acts as, as the ledger names it (MSP ID, client ID, admin or not).", "registry"),
		func(ctx context.Context, _ *struct{}) (*readOut[json.RawMessage], error) {
			return read(s.WhoAmI(ctx, who(ctx)))
		})
	huma.Register(a.h, a.op("bind-role", http.MethodPost, "/v1/registry/roles", "Bind a role",
		"Binds one of the organisation's identities to a role (an issuer to one agency). The organisation's admin key.", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct{ Body api.RoleRequest }) (*txOut[*record.RoleBinding], error) {
			return tx(s.BindRole(ctx, who(ctx), in.Body))
		})
	huma.Register(a.h, a.op("unbind-role", http.MethodPost, "/v1/registry/roles/unbind", "Unbind a role",
		"Takes a role back from one of the organisation's identities; the binding stays on the ledger, marked revoked. The organisation's admin key.", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct{ Body api.RoleUnbindRequest }) (*txOut[*record.RoleBinding], error) {
			return tx(s.UnbindRole(ctx, who(ctx), in.Body))
		})
}
