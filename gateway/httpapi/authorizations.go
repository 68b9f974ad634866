package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

func (a *API) authorizations() {
	s := a.svc
	huma.Register(a.h, a.op("grant-authorization", http.MethodPost, "/v1/authorizations", "Grant an authorization",
		"Lets a requester organisation use some fields of one of the caller's datasets, for a purpose, on a legal basis or a consent, for a time and a number of uses. Role data-owner.", "sharing", dataOwner),
		func(ctx context.Context, in *struct{ Body api.AuthorizationRequest }) (*txOut[*record.Authorization], error) {
			return tx(s.GrantAuthorization(ctx, who(ctx), in.Body))
		})
	huma.Register(a.h, a.op("revoke-authorization", http.MethodPost, "/v1/authorizations/{id}/revoke", "Revoke an authorization",
		"Ends an authorization now, for a reason code. Role data-owner.", "sharing", dataOwner),
		func(ctx context.Context, in *struct {
			IDPath
			Body api.ReasonRequest
		}) (*txOut[*record.Authorization], error) {
			return tx(s.RevokeAuthorization(ctx, who(ctx), in.ID, in.Body))
		})
	huma.Register(a.h, a.op("get-authorization", http.MethodGet, "/v1/authorizations/{id}", "Read an authorization",
		"An authorization, to its parties and auditors, from the ledger.", "sharing", readerRoles...),
		func(ctx context.Context, in *IDPath) (*readOut[*record.Authorization], error) {
			return read(s.Authorization(ctx, who(ctx), in.ID))
		})
	huma.Register(a.h, a.op("list-authorizations", http.MethodGet, "/v1/authorizations", "List authorizations",
		"Authorizations an organisation granted (owner=) or was granted (requester=), a page at a time: give exactly one.", "sharing", readerRoles...),
		func(ctx context.Context, in *struct {
			Owner     string `query:"owner" maxLength:"64" doc:"MSP ID of the granting organisation"`
			Requester string `query:"requester" maxLength:"64" doc:"MSP ID of the requester organisation"`
			PageQuery
		}) (*readOut[record.Page[*record.Authorization]], error) {
			return read(s.Authorizations(ctx, who(ctx), in.Owner, in.Requester, in.paging()))
		})
}
