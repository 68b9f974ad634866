package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
)

func (a *API) datasets() {
	s := a.svc
	huma.Register(a.h, a.op("register-dataset", http.MethodPost, "/v1/datasets", "Register a dataset",
		"Registers a dataset of the caller's organisation: its ID, field schema and description; the ID is the organisation's for good. Role data-owner, or an admin key.", "sharing", dataOwner, keys.RoleAdmin),
		func(ctx context.Context, in *struct{ Body api.DatasetRequest }) (*txOut[*record.Dataset], error) {
			return tx(s.RegisterDataset(ctx, who(ctx), in.Body))
		})
	huma.Register(a.h, a.op("get-dataset", http.MethodGet, "/v1/datasets/{id}", "Read a dataset",
		"A dataset: its owner, schema and description, from the ledger.", "sharing", readerRoles...),
		func(ctx context.Context, in *IDPath) (*readOut[*record.Dataset], error) {
			return read(s.Dataset(ctx, who(ctx), in.ID))
		})
	huma.Register(a.h, a.op("list-datasets", http.MethodGet, "/v1/datasets", "List datasets",
		"Registered datasets, a page at a time, from the ledger.", "sharing", readerRoles...),
		func(ctx context.Context, in *PageQuery) (*readOut[record.Page[record.Dataset]], error) {
			return read(s.Datasets(ctx, who(ctx), in.paging()))
		})
}
