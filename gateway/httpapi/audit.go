package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/service"
)

// AuditReportType is the media type of a signed audit report.
const AuditReportType = "application/vnd.wanledger.audit-report+json"

// AuditQueryIn is an audit query in the request's query string, checked
// as the ledger would before it is sent (api.AuditQuery.Check).
type AuditQueryIn struct {
	By   string    `query:"by" required:"true" enum:"dataset,requester,owner,subject,authorization,time" doc:"the dimension"`
	Key  string    `query:"key" maxLength:"64" doc:"the dimension's key: a dataset ID, an MSP ID, a subject pseudonym (64 lower-case hex digits) or an authorization ID; none for time"`
	From time.Time `query:"from" doc:"RFC 3339: the window's start (included); open if absent"`
	To   time.Time `query:"to" doc:"RFC 3339: the window's end (excluded); open if absent"`
}

func (in *AuditQueryIn) query() api.AuditQuery {
	return api.AuditQuery{By: in.By, Key: in.Key, From: in.From.UTC(), To: in.To.UTC()}
}

// Resolve refuses a query the ledger would refuse: 400 BAD_REQUEST.
func (in *AuditQueryIn) Resolve(huma.Context) []error {
	if err := in.query().Check(); err != nil {
		return []error{&huma.ErrorDetail{Location: "query", Message: err.Error()}}
	}
	return nil
}

// audit: tracing the access trail, its timeline, its entries and signed
// reports of it.
func (a *API) audit() {
	s := a.svc
	huma.Register(a.h, a.op("trace", http.MethodGet, "/v1/audit/trace", "Trace the access trail",
		"Accesses and denials by one dimension (dataset, requester, owner, subject, authorization, or time alone) in a time window, oldest first, a page at a time. An auditor traces anything; others their own organisation's records, datasets and authorizations.", "audit", readerRoles...),
		func(ctx context.Context, in *struct {
			AuditQueryIn
			PageQuery
		}) (*readOut[record.Page[*record.AccessRecord]], error) {
			q := in.query()
			return read(s.Trace(ctx, who(ctx), service.TraceQuery{By: q.By, Key: q.Key, From: q.From, To: q.To, Paging: in.paging()}))
		})
	huma.Register(a.h, a.op("audit-timeline", http.MethodGet, "/v1/audit/timeline", "Count the trail over time",
		"The accesses and denials of a trace, counted in equal buckets over its window (at most 100; the step is the shortest of 1 or 5 minutes, a quarter or 1, 3, 6 or 12 hours, 1 or 7 days, 30 or 365 days that fits). An open end is the first or last record's time (or now). The whole trace is read: one of more than 10,000 records is refused (TOO_LARGE). Who may trace what is as for the trace.", "audit", readerRoles...),
		func(ctx context.Context, in *AuditQueryIn) (*readOut[api.Timeline], error) {
			return read(s.Timeline(ctx, who(ctx), in.query()))
		})
	huma.Register(a.h, a.op("audit-entry", http.MethodGet, "/v1/audit/entries/{id}", "Read an access record as an audit report lists it",
		"An access record or denial (to its parties and auditors, from the ledger) with the valid transaction and block that wrote it on this channel and the SM3 of the bytes written (from the gateway's audit index, which waits up to 15 s for a record just committed). What `wanledger audit check-report` compares a report's entries with.", "audit", readerRoles...),
		func(ctx context.Context, in *IDPath) (*readOut[api.AuditEntry], error) {
			return read(s.AuditEntry(ctx, who(ctx), in.ID))
		})
	op := a.op("audit-report", http.MethodGet, "/v1/audit/report", "Download a signed audit report",
		"The whole trace of a query (at most 10,000 records: TOO_LARGE beyond), each record with the transaction and block that wrote it and the SM3 of its bytes, with the ledger height the trace reflects (every record of the query in a block below it is listed), signed by the organisation's identity that signs its snapshots (docs/gateway.md, \"Audit reports\"). `wanledger audit check-report` checks it against the ledger. Refused while the cache is stale. Role auditor.",
		"audit", auditor)
	op.Responses = map[string]*huma.Response{"200": {Description: "the signed report (JSON)", Content: map[string]*huma.MediaType{AuditReportType: {}}}}
	huma.Register(a.h, op, func(ctx context.Context, in *AuditQueryIn) (*struct {
		ContentType string `header:"Content-Type"`
		Body        []byte
	}, error) {
		data, err := s.AuditReport(ctx, who(ctx), in.query(), a.snapshotSource)
		if err != nil {
			return nil, err
		}
		return &struct {
			ContentType string `header:"Content-Type"`
			Body        []byte
		}{AuditReportType, data}, nil
	})
}
