package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/fetch"
)

// Media types of POST /v1/fetch's answer: rows as JSON lines (the
// default), or the response bytes the access record's digest covers.
const (
	RowsType          = "application/x-ndjson"
	FetchResponseType = "application/vnd.wanledger.fetch-response"
)

// fetchTransfer bounds the fetch and the answer's writing, in place of
// the server's write timeout.
const fetchTransfer = 30 * time.Minute

// fetchInput is a fetch's request, and the response writer, for its
// write deadline.
type fetchInput struct {
	Accept string `header:"Accept" doc:"application/x-ndjson (the default) or application/vnd.wanledger.fetch-response"`
	Body   api.FetchRequest
	w      http.ResponseWriter
}

// Resolve takes the response writer.
func (in *fetchInput) Resolve(ctx huma.Context) []error {
	_, in.w = humago.Unwrap(ctx)
	return nil
}

func (a *API) fetch() {
	op := a.op("fetch", http.MethodPost, "/v1/fetch", "Fetch rows of another organisation's dataset",
		"Signs the request as the caller's identity, fetches the rows from the authorization owner's gateway over the mesh (the fetch protocol: the owner records the access on the ledger before it sends any row), checks them against the committed access record, and answers them as JSON lines of field→value, or, with Accept: "+FetchResponseType+", as the response bytes the record's digest covers. The access record's ID and digests are in the Wanledger-* headers. A refusal carries its code and, when the owner recorded it, the denial's ID. Role requester.",
		"sharing", string(record.RoleRequester))
	op.Responses = map[string]*huma.Response{"200": {Description: "the rows", Content: map[string]*huma.MediaType{RowsType: {}, FetchResponseType: {}}}}
	huma.Register(a.h, op, func(ctx context.Context, in *fetchInput) (*huma.StreamResponse, error) {
		if err := http.NewResponseController(in.w).SetWriteDeadline(time.Now().Add(fetchTransfer)); err != nil {
			a.log.Warn("fetch: write deadline not set", "err", err)
		}
		res, err := a.svc.Fetch(ctx, who(ctx), in.Body)
		if err != nil {
			return nil, err
		}
		raw := strings.Contains(in.Accept, FetchResponseType)
		return &huma.StreamResponse{Body: func(hc huma.Context) {
			defer res.Close()
			rec := res.Record
			hc.SetHeader(api.HeaderAccessID, res.AccessID)
			hc.SetHeader(api.HeaderRequestDigest, rec.RequestDigest)
			hc.SetHeader(api.HeaderResponseDigest, rec.ResponseDigest)
			hc.SetHeader(api.HeaderRowCount, strconv.FormatUint(res.RowCount, 10))
			typ := RowsType
			if raw {
				typ = FetchResponseType
			}
			hc.SetHeader("Content-Type", typ)
			hc.SetStatus(http.StatusOK)
			bw := bufio.NewWriterSize(hc.BodyWriter(), 64<<10)
			if raw {
				err = res.WriteResponse(bw)
			} else {
				err = writeRows(bw, res)
			}
			if err == nil {
				err = bw.Flush()
			}
			if err != nil {
				a.log.Warn("fetch: answer cut short", "access", res.AccessID, "err", err)
			}
		}}, nil
	})
}

// writeRows writes each row as a JSON object of its fields, in order, a
// line each.
func writeRows(w *bufio.Writer, res *fetch.Result) error {
	it, err := res.Rows()
	if err != nil {
		return err
	}
	defer it.Close()
	names := make([][]byte, len(res.Fields))
	for i, f := range res.Fields {
		if names[i], err = json.Marshal(f); err != nil {
			return err
		}
	}
	var line []byte
	for it.Next() {
		line = append(line[:0], '{')
		for i, v := range it.Row() {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(line, names[i]...)
			line = append(line, ':')
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			line = append(line, b...)
		}
		line = append(line, '}', '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return it.Err()
}
