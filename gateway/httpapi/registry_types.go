package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
)

// CodePath is a licence type code in the path.
type CodePath struct {
	Code string `path:"code" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the licence type's code"`
}

func (a *API) registryTypes() {
	s := a.svc
	huma.Register(a.h, a.op("put-licence-type", http.MethodPut, "/v1/registry/types/{code}", "Define or change a licence type",
		"Defines a licence type, or changes one the caller's province owns: its name, field schema and longest validity. A province's admin key.", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			CodePath
			Body api.LicenceTypeRequest
		}) (*txOut[*record.LicenceType], error) {
			return tx(s.PutLicenceType(ctx, who(ctx), in.Code, in.Body))
		})
	huma.Register(a.h, a.op("get-licence-type", http.MethodGet, "/v1/registry/types/{code}", "Read a licence type",
		"A licence type from the cache; with fresh=true from the ledger.", "registry", readerRoles...),
		func(ctx context.Context, in *struct {
			CodePath
			FreshQuery
		}) (*readOut[*record.LicenceType], error) {
			return read(s.LicenceType(ctx, who(ctx), in.Code, in.Fresh))
		})
}
