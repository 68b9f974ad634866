package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// Paging selects one page of a listing: Limit items at most (0: the
// gateway's default) after Cursor ("" for the first page; the previous
// page's Bookmark otherwise).
type Paging struct {
	Limit  int
	Cursor string
}

// Identity is the answer of WhoAmI: the Fabric identity the key acts as.
type Identity struct {
	MSPID    string `json:"mspId"`
	ClientID string `json:"clientId"` // the name role bindings use
	Admin    bool   `json:"admin"`
}

// TraceQuery selects accesses and denials by one dimension in a window.
type TraceQuery struct {
	By    string    // dataset, requester, owner, subject, authorization or time
	Value string    // the dataset ID, MSP ID, pseudonym or authorization ID
	From  time.Time // zero: unbounded
	To    time.Time // exclusive; zero: unbounded
}

func call[T any](c *Client, ctx context.Context, method, path string, body any) (*T, error) {
	out := new(T)
	if err := c.Do(ctx, method, path, body, out); err != nil {
		return nil, err
	}
	return out, nil
}

func esc(s string) string { return url.PathEscape(s) }

// query encodes the non-empty values of pairs, then the paging.
func query(p Paging, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Cursor != "" {
		q.Set("cursor", p.Cursor)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func freshQ(fresh bool) string {
	if fresh {
		return "?fresh=true"
	}
	return ""
}

func timeQ(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Licence reads a licence from the cache, or the ledger if fresh; for a
// licence relayed from another channel, RelayedFrom says where from.
func (c *Client) Licence(ctx context.Context, id string, fresh bool) (*api.LicenceRead[*record.Licence], error) {
	return call[api.LicenceRead[*record.Licence]](c, ctx, http.MethodGet, "/v1/licences/"+esc(id)+freshQ(fresh), nil)
}

// LicenceHistory reads every committed version of a licence.
func (c *Client) LicenceHistory(ctx context.Context, id string) (*api.Read[[]record.Version], error) {
	return call[api.Read[[]record.Version]](c, ctx, http.MethodGet, "/v1/licences/"+esc(id)+"/history", nil)
}

// LicenceStatus reads a licence's status at a time (zero: now).
func (c *Client) LicenceStatus(ctx context.Context, id string, at time.Time) (*api.LicenceRead[*record.StatusAnswer], error) {
	return call[api.LicenceRead[*record.StatusAnswer]](c, ctx, http.MethodGet, "/v1/licences/"+esc(id)+"/status"+query(Paging{}, "at", timeQ(at)), nil)
}

// Licences lists one page of the licences of a holder pseudonym or of an
// issuing agency (give exactly one).
func (c *Client) Licences(ctx context.Context, holder, issuer string, p Paging) (*api.Read[record.Page[*record.Licence]], error) {
	return call[api.Read[record.Page[*record.Licence]]](c, ctx, http.MethodGet, "/v1/licences"+query(p, "holder", holder, "issuer", issuer), nil)
}

// Issue issues one sealed licence.
func (c *Client) Issue(ctx context.Context, req api.IssueRequest) (*api.Tx[*record.Licence], error) {
	return call[api.Tx[*record.Licence]](c, ctx, http.MethodPost, "/v1/licences", req)
}

// IssueBatch issues up to 50 sealed licences, all or none.
func (c *Client) IssueBatch(ctx context.Context, reqs []api.IssueRequest) (*api.Tx[*record.BatchResult], error) {
	return call[api.Tx[*record.BatchResult]](c, ctx, http.MethodPost, "/v1/licences/batch", reqs)
}

// ChangeStatus suspends, reinstates or revokes a licence (action is
// "suspend", "reinstate" or "revoke").
func (c *Client) ChangeStatus(ctx context.Context, id, action string, req api.StatusChangeRequest) (*api.Tx[*record.Licence], error) {
	return call[api.Tx[*record.Licence]](c, ctx, http.MethodPost, "/v1/licences/"+esc(id)+"/"+esc(action), req)
}

// Renew renews a licence with its re-sealed content.
func (c *Client) Renew(ctx context.Context, id string, req api.RenewRequest) (*api.Tx[*record.Licence], error) {
	return call[api.Tx[*record.Licence]](c, ctx, http.MethodPost, "/v1/licences/"+esc(id)+"/renew", req)
}

// BaselineWrite writes one key of the baseline chaincode (ADR 31).
func (c *Client) BaselineWrite(ctx context.Context, req api.BaselineWriteRequest) (*api.Tx[api.BaselineWrite], error) {
	return call[api.Tx[api.BaselineWrite]](c, ctx, http.MethodPost, "/v1/baseline/writes", req)
}

// Verify asks for a verdict on a presented licence, from the cache or (fresh)
// the ledger. A NOT VALID verdict is an answer, not an error.
func (c *Client) Verify(ctx context.Context, req api.VerifyRequest, fresh bool) (*api.Verdict, error) {
	return call[api.Verdict](c, ctx, http.MethodPost, "/v1/verify"+freshQ(fresh), req)
}
