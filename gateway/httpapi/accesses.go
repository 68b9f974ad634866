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

// accesses: the access trail (accesses and denials) and its audit.
func (a *API) accesses() {
	s := a.svc
	huma.Register(a.h, a.op("record-denial", http.MethodPost, "/v1/denials", "Record a refused access",
		"Records an access the data owner refused, with a refusal code; free text stays off the ledger (its SM3 digest goes on). Role data-owner.", "sharing", dataOwner),
		func(ctx context.Context, in *struct{ Body api.DenialRequest }) (*txOut[*record.AccessRecord], error) {
			return tx(s.RecordDenial(ctx, who(ctx), in.Body))
		})
	huma.Register(a.h, a.op("get-access", http.MethodGet, "/v1/accesses/{id}", "Read an access record",
		"An access record or denial by its ID (its transaction ID), to its parties and auditors, from the ledger: its request and response digests, and an access's signed request.", "audit", readerRoles...),
		func(ctx context.Context, in *IDPath) (*readOut[*record.AccessRecord], error) {
			return read(s.Access(ctx, who(ctx), in.ID))
		})
	huma.Register(a.h, a.op("trace", http.MethodGet, "/v1/audit/trace", "Trace the access trail",
		"Accesses and denials by one dimension (dataset, requester, owner, subject, authorization, or time alone) in a time window, a page at a time.", "audit", readerRoles...),
		func(ctx context.Context, in *struct {
			By   string    `query:"by" required:"true" enum:"dataset,requester,owner,subject,authorization,time" doc:"the dimension"`
			Key  string    `query:"key" maxLength:"64" doc:"the dimension's key: a dataset ID, an MSP ID, a pseudonym or an authorization ID; none for time"`
			From time.Time `query:"from" doc:"RFC 3339: the window's start; open if absent"`
			To   time.Time `query:"to" doc:"RFC 3339: the window's end; open if absent"`
			PageQuery
		}) (*readOut[record.Page[*record.AccessRecord]], error) {
			return read(s.Trace(ctx, who(ctx), service.TraceQuery{By: in.By, Key: in.Key, From: in.From, To: in.To, Paging: in.paging()}))
		})
	verify := a.op("verify-access", http.MethodPost, "/v1/audit/verify", "Check bodies against an access",
		"Whether request and response bodies match an access record's SM3 digests. Give each body as text or as base64 (any bytes, e.g. GBK), not both.", "audit", readerRoles...)
	verify.MaxBodyBytes = 3 * MaxBatchBody
	huma.Register(a.h, verify, func(ctx context.Context, in *struct{ Body api.AccessCheckRequest }) (*readOut[*record.Verification], error) {
		return read(s.VerifyAccess(ctx, who(ctx), in.Body))
	})
}
