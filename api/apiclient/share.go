package apiclient

import (
	"context"
	"net/http"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// RegisterDataset registers a dataset of the caller's organisation.
func (c *Client) RegisterDataset(ctx context.Context, req api.DatasetRequest) (*api.Tx[*record.Dataset], error) {
	return call[api.Tx[*record.Dataset]](c, ctx, http.MethodPost, "/v1/datasets", req)
}

// Dataset reads a dataset.
func (c *Client) Dataset(ctx context.Context, id string) (*api.Read[*record.Dataset], error) {
	return call[api.Read[*record.Dataset]](c, ctx, http.MethodGet, "/v1/datasets/"+esc(id), nil)
}

// Datasets lists one page of registered datasets.
func (c *Client) Datasets(ctx context.Context, p Paging) (*api.Read[record.Page[record.Dataset]], error) {
	return call[api.Read[record.Page[record.Dataset]]](c, ctx, http.MethodGet, "/v1/datasets"+query(p), nil)
}

// GrantAuthorization grants a data-sharing authorization (data-owner).
func (c *Client) GrantAuthorization(ctx context.Context, req api.AuthorizationRequest) (*api.Tx[*record.Authorization], error) {
	return call[api.Tx[*record.Authorization]](c, ctx, http.MethodPost, "/v1/authorizations", req)
}

// Authorization reads an authorization.
func (c *Client) Authorization(ctx context.Context, id string) (*api.Read[*record.Authorization], error) {
	return call[api.Read[*record.Authorization]](c, ctx, http.MethodGet, "/v1/authorizations/"+esc(id), nil)
}

// Authorizations lists one page of the authorizations an organisation
// granted (owner) or was granted (requester); give exactly one.
func (c *Client) Authorizations(ctx context.Context, owner, requester string, p Paging) (*api.Read[record.Page[*record.Authorization]], error) {
	return call[api.Read[record.Page[*record.Authorization]]](c, ctx, http.MethodGet, "/v1/authorizations"+query(p, "owner", owner, "requester", requester), nil)
}

// RevokeAuthorization revokes an authorization (data-owner).
func (c *Client) RevokeAuthorization(ctx context.Context, id string, req api.ReasonRequest) (*api.Tx[*record.Authorization], error) {
	return call[api.Tx[*record.Authorization]](c, ctx, http.MethodPost, "/v1/authorizations/"+esc(id)+"/revoke", req)
}

// RecordDenial records an access the data owner refused.
func (c *Client) RecordDenial(ctx context.Context, req api.DenialRequest) (*api.Tx[*record.AccessRecord], error) {
	return call[api.Tx[*record.AccessRecord]](c, ctx, http.MethodPost, "/v1/denials", req)
}

// Access reads an access record or denial by its ID.
func (c *Client) Access(ctx context.Context, id string) (*api.Read[*record.AccessRecord], error) {
	return call[api.Read[*record.AccessRecord]](c, ctx, http.MethodGet, "/v1/accesses/"+esc(id), nil)
}

// Trace lists one page of accesses and denials by one dimension.
func (c *Client) Trace(ctx context.Context, q TraceQuery, p Paging) (*api.Read[record.Page[*record.AccessRecord]], error) {
	return call[api.Read[record.Page[*record.AccessRecord]]](c, ctx, http.MethodGet,
		"/v1/audit/trace"+query(p, "by", q.By, "key", q.Value, "from", timeQ(q.From), "to", timeQ(q.To)), nil)
}

// VerifyAccess checks request and response bodies against an access record.
func (c *Client) VerifyAccess(ctx context.Context, req api.AccessCheckRequest) (*api.Read[*record.Verification], error) {
	return call[api.Read[*record.Verification]](c, ctx, http.MethodPost, "/v1/audit/verify", req)
}

// OpenHandoff opens a handoff to another organisation (clerk).
func (c *Client) OpenHandoff(ctx context.Context, req api.HandoffRequest) (*api.Tx[*record.Handoff], error) {
	return call[api.Tx[*record.Handoff]](c, ctx, http.MethodPost, "/v1/handoffs", req)
}

// MoveHandoff moves a handoff on: action is accept, reject, start,
// complete or cancel.
func (c *Client) MoveHandoff(ctx context.Context, id, action string, req api.HandoffMove) (*api.Tx[*record.Handoff], error) {
	return call[api.Tx[*record.Handoff]](c, ctx, http.MethodPost, "/v1/handoffs/"+esc(id)+"/"+esc(action), req)
}

// Handoff reads a handoff, marked overdue past its deadline.
func (c *Client) Handoff(ctx context.Context, id string) (*api.Read[*record.HandoffView], error) {
	return call[api.Read[*record.HandoffView]](c, ctx, http.MethodGet, "/v1/handoffs/"+esc(id), nil)
}

// Handoffs lists one page of an organisation's handoffs in a status.
func (c *Client) Handoffs(ctx context.Context, org, status string, p Paging) (*api.Read[record.Page[record.HandoffView]], error) {
	return call[api.Read[record.Page[record.HandoffView]]](c, ctx, http.MethodGet, "/v1/handoffs"+query(p, "org", org, "status", status), nil)
}
