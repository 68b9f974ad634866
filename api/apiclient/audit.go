package apiclient

import (
	"context"
	"net/http"

	"github.com/wanledger/wanledger/api"
)

// MaxAuditReport is the most bytes of an audit report the client reads
// (as internal/auditreport.MaxFile).
const MaxAuditReport = 32 << 20

func auditQ(q api.AuditQuery) string {
	return query(Paging{}, "by", q.By, "key", q.Key, "from", timeQ(q.From), "to", timeQ(q.To))
}

// Timeline counts a trace's accesses and denials over its window (GET
// /v1/audit/timeline).
func (c *Client) Timeline(ctx context.Context, q api.AuditQuery) (*api.Read[api.Timeline], error) {
	return call[api.Read[api.Timeline]](c, ctx, http.MethodGet, "/v1/audit/timeline"+auditQ(q), nil)
}

// AuditEntry reads an access record with where the channel holds it (GET
// /v1/audit/entries/{id}).
func (c *Client) AuditEntry(ctx context.Context, id string) (*api.Read[api.AuditEntry], error) {
	return call[api.Read[api.AuditEntry]](c, ctx, http.MethodGet, "/v1/audit/entries/"+esc(id), nil)
}

// AuditReport downloads the signed report of a whole trace (GET
// /v1/audit/report): the file's bytes, unchecked (auditreport.Parse checks
// them).
func (c *Client) AuditReport(ctx context.Context, q api.AuditQuery) ([]byte, error) {
	return c.send(ctx, http.MethodGet, "/v1/audit/report"+auditQ(q), nil, MaxAuditReport)
}
