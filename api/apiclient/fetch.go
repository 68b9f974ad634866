package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/wanledger/wanledger/api"
)

// Media types of a fetch's answer: rows as JSON lines, one object of
// field→value a row, or the response bytes the access record's digest
// covers (for POST /v1/audit/verify).
const (
	FetchRows     = "application/x-ndjson"
	FetchResponse = "application/vnd.wanledger.fetch-response"
)

// Fetch asks the caller's gateway (requester) to fetch rows of another
// organisation's dataset, and copies the answer, of media type accept
// (FetchRows or FetchResponse), to w as it arrives. The transfer is bounded
// by ctx, not by the client's timeout. A refusal is an *api.Error with its
// code and, if the owner recorded it, the denial's ID; an error after the
// answer began means w holds part of it.
func (c *Client) Fetch(ctx context.Context, r api.FetchRequest, accept string, w io.Writer) (api.FetchInfo, error) {
	var info api.FetchInfo
	b, err := json.Marshal(r)
	if err != nil {
		return info, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+"/v1/fetch", bytes.NewReader(b))
	if err != nil {
		return info, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", accept)
	req.Header.Set("Authorization", "Bearer "+c.Key)
	hc := *c.HTTP
	hc.Timeout = 0
	resp, err := hc.Do(req)
	if err != nil {
		return info, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorMessage*4))
		if err != nil {
			return info, err
		}
		return info, answerError(resp.StatusCode, body)
	}
	h := resp.Header
	info = api.FetchInfo{AccessID: printable(h.Get(api.HeaderAccessID), 128), RequestDigest: printable(h.Get(api.HeaderRequestDigest), 64),
		ResponseDigest: printable(h.Get(api.HeaderResponseDigest), 64)}
	if info.Rows, err = strconv.ParseUint(h.Get(api.HeaderRowCount), 10, 64); err != nil {
		return info, fmt.Errorf("the answer's %s header: %w", api.HeaderRowCount, err)
	}
	if info.AccessID == "" {
		return info, fmt.Errorf("the answer names no access record (%s)", api.HeaderAccessID)
	}
	_, err = io.Copy(w, resp.Body)
	return info, err
}
