package apiclient

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// ImportRows streams rows of one of the organisation's datasets to its
// gateway (data-owner): contentType is "text/csv" or "application/x-ndjson".
// The upload is bounded by ctx, not by the client's timeout.
func (c *Client) ImportRows(ctx context.Context, dataset, contentType string, rows io.Reader) (*api.DatasetRows, error) {
	hc := *c.HTTP
	hc.Timeout = 0
	b, err := c.sendRaw(ctx, &hc, http.MethodPut, "/v1/datasets/"+esc(dataset)+"/rows", rows, contentType, MaxAnswer)
	if err != nil {
		return nil, err
	}
	out := new(api.DatasetRows)
	return out, json.Unmarshal(b, out)
}

// Rows describes the rows the gateway holds of a dataset.
func (c *Client) Rows(ctx context.Context, dataset string) (*api.DatasetRows, error) {
	return call[api.DatasetRows](c, ctx, http.MethodGet, "/v1/datasets/"+esc(dataset)+"/rows/info", nil)
}

// RowsList describes every dataset the gateway holds rows of.
func (c *Client) RowsList(ctx context.Context) ([]api.DatasetRows, error) {
	out, err := call[[]api.DatasetRows](c, ctx, http.MethodGet, "/v1/rows", nil)
	if err != nil {
		return nil, err
	}
	return *out, nil
}

// DeleteRows deletes the rows the gateway holds of a dataset.
func (c *Client) DeleteRows(ctx context.Context, dataset string) error {
	return c.Do(ctx, http.MethodDelete, "/v1/datasets/"+esc(dataset)+"/rows", nil, nil)
}

// Mesh is the gateway's mesh host and the endpoints the ledger holds.
func (c *Client) Mesh(ctx context.Context) (*api.Read[api.MeshStatus], error) {
	return call[api.Read[api.MeshStatus]](c, ctx, http.MethodGet, "/v1/mesh", nil)
}

// RegisterMesh publishes the gateway's mesh endpoint on the ledger (admin key).
func (c *Client) RegisterMesh(ctx context.Context) (*api.Tx[*record.GatewayEndpoint], error) {
	return call[api.Tx[*record.GatewayEndpoint]](c, ctx, http.MethodPost, "/v1/mesh/register", nil)
}
