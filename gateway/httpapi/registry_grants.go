package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
)

// GrantPath is a grant ID in the path.
type GrantPath struct {
	Grant string `path:"grant" minLength:"8" maxLength:"80" doc:"the grant's ID, <agency ID>:<six-digit sequence>"`
}

func (a *API) registryGrants() {
	s := a.svc
	huma.Register(a.h, a.op("grant-accreditation", http.MethodPost, "/v1/registry/accreditations", "Accredit an agency",
		"Grants an agency a new accreditation: the types it may issue, in a region, for a period. The ledger numbers the grant. A province's admin key.", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct{ Body api.AccreditationRequest }) (*txOut[*record.Accreditation], error) {
			return tx(s.GrantAccreditation(ctx, who(ctx), in.Body))
		})
	huma.Register(a.h, a.op("get-agency", http.MethodGet, "/v1/registry/accreditations/{agency}", "Read an agency's grants",
		"An agency's owner and every grant it has had, newest first, from the ledger.", "registry", readerRoles...),
		func(ctx context.Context, in *struct {
			Agency string `path:"agency" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the agency's ID"`
		}) (*readOut[*record.AgencyGrants], error) {
			return read(s.Agency(ctx, who(ctx), in.Agency))
		})
	huma.Register(a.h, a.op("get-grant", http.MethodGet, "/v1/registry/grants/{grant}", "Read a grant",
		"One accreditation grant from the cache; with fresh=true from the ledger.", "registry", readerRoles...),
		func(ctx context.Context, in *struct {
			GrantPath
			FreshQuery
		}) (*readOut[*record.Accreditation], error) {
			return read(s.Grant(ctx, who(ctx), in.Grant, in.Fresh))
		})
	huma.Register(a.h, a.op("withdraw-grant", http.MethodPost, "/v1/registry/grants/{grant}/withdraw", "Withdraw a grant",
		"Ends one grant now, for a reason code; licences it allowed when sealed stay valid. The granting province's admin key.", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			GrantPath
			Body api.ReasonRequest
		}) (*txOut[*record.Accreditation], error) {
			return tx(s.WithdrawGrant(ctx, who(ctx), in.Grant, in.Body))
		})
}
