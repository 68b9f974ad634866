package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/datasets"
	"github.com/wanledger/wanledger/gateway/keys"
)

// Uploads bounds the imports of dataset rows.
type Uploads struct {
	MaxBytes int64         // a body's size
	Timeout  time.Duration // the whole request, in place of the server's read timeout
}

// rowsUpload is an import's path and media type, and its body as a stream:
// huma does not read it (the operation has no Body), so neither memory nor
// the body budget grows with it.
type rowsUpload struct {
	IDPath
	ContentType string `header:"Content-Type" required:"true" doc:"text/csv (a header row of field names, then rows) or application/x-ndjson (one JSON object a line)"`
	r           *http.Request
	w           http.ResponseWriter
}

// Resolve takes the raw request, for its body.
func (u *rowsUpload) Resolve(ctx huma.Context) []error {
	u.r, u.w = humago.Unwrap(ctx)
	return nil
}

func formatOf(contentType string) (datasets.Format, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
	case mt == "text/csv":
		return datasets.CSV, nil
	case mt == "application/x-ndjson" || mt == "application/jsonl" || mt == "application/x-jsonlines":
		return datasets.JSONL, nil
	}
	return "", api.Errorf(http.StatusUnsupportedMediaType, api.CodeUnsupportedMediaType, "rows are text/csv or application/x-ndjson, not %.60q", contentType)
}

func (a *API) rows() {
	s := a.svc
	up := a.uploads
	op := a.op("import-rows", http.MethodPut, "/v1/datasets/{id}/rows", "Import a dataset's rows",
		"Replaces the rows this gateway holds of one of the organisation's datasets, at once: a streamed body of text/csv (a header row of the registered fields' names) or application/x-ndjson (one object a line), with an optional _subject column of subject pseudonyms. Columns must be exactly the registered fields; values must be of their field's type; on any error nothing is stored (DATASET_* codes). Rows are kept SM4-GCM encrypted. Role data-owner.", "sharing", dataOwner)
	op.DefaultStatus = http.StatusOK
	huma.Register(a.h, op, func(ctx context.Context, in *rowsUpload) (*struct{ Body api.DatasetRows }, error) {
		f, err := formatOf(in.ContentType)
		if err != nil {
			return nil, err
		}
		rc := http.NewResponseController(in.w)
		deadline := time.Now().Add(up.Timeout)
		if err := errors.Join(rc.SetReadDeadline(deadline), rc.SetWriteDeadline(deadline.Add(time.Minute))); err != nil {
			a.log.Warn("import deadline not set", "err", err)
		}
		body := http.MaxBytesReader(in.w, in.r.Body, up.MaxBytes)
		defer body.Close()
		info, err := s.ImportRows(ctx, who(ctx), in.ID, f, body)
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return nil, api.Errorf(http.StatusRequestEntityTooLarge, api.CodeDatasetLimit, "the body passes this gateway's limit of %d bytes", up.MaxBytes)
		}
		if err != nil && !errors.As(err, new(*api.Error)) && !errors.Is(err, context.Canceled) {
			return nil, &api.Error{Status: http.StatusBadRequest, Code: api.CodeDatasetFormat, Message: "the body could not be read", Err: err}
		}
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, io.LimitReader(body, 1<<20)) //nolint:errcheck // drain what the reader left, if little
		return &struct{ Body api.DatasetRows }{info}, nil
	})
	huma.Register(a.h, a.op("get-rows", http.MethodGet, "/v1/datasets/{id}/rows/info", "Describe a dataset's rows",
		"The rows this gateway holds of one of the organisation's datasets: fields, count, size, when imported, generation. Role data-owner.", "sharing", dataOwner, keys.RoleAdmin),
		func(ctx context.Context, in *IDPath) (*struct{ Body api.DatasetRows }, error) {
			info, err := s.Rows(in.ID)
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.DatasetRows }{info}, nil
		})
	huma.Register(a.h, a.op("list-rows", http.MethodGet, "/v1/rows", "List the datasets this gateway holds rows of",
		"Every dataset of the organisation whose rows this gateway holds, described as by get-rows. Role data-owner.", "sharing", dataOwner, keys.RoleAdmin),
		func(ctx context.Context, _ *struct{}) (*struct{ Body []api.DatasetRows }, error) {
			list, err := s.RowsList()
			if err != nil {
				return nil, err
			}
			return &struct{ Body []api.DatasetRows }{list}, nil
		})
	del := a.op("delete-rows", http.MethodDelete, "/v1/datasets/{id}/rows", "Delete a dataset's rows",
		"Deletes the rows this gateway holds of a dataset; its registration stays on the ledger. Fetches under way finish with the rows they started with. Role data-owner.", "sharing", dataOwner)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(a.h, del, func(ctx context.Context, in *IDPath) (*struct{}, error) {
		return nil, s.DeleteRows(in.ID)
	})
}

func (a *API) mesh() {
	s := a.svc
	huma.Register(a.h, a.op("mesh-status", http.MethodGet, "/v1/mesh", "The gateway's mesh host",
		"This gateway's libp2p peer ID and addresses, whether the ledger names them as the organisation's, and every organisation's registered endpoint (from the cache).", "mesh", watcherRoles...),
		func(ctx context.Context, _ *struct{}) (*readOut[api.MeshStatus], error) {
			return read(s.MeshStatus())
		})
	huma.Register(a.h, a.op("mesh-register", http.MethodPost, "/v1/mesh/register", "Register the gateway's mesh endpoint",
		"Publishes this gateway's libp2p peer ID and addresses on the ledger as the organisation's gateway endpoint, so that other gateways may connect to it and it to them. The organisation's admin key.", "mesh", keys.RoleAdmin),
		func(ctx context.Context, _ *struct{}) (*txOut[*record.GatewayEndpoint], error) {
			return tx(s.RegisterMesh(ctx, who(ctx)))
		})
}
