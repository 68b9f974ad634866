package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
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
	verify := a.op("verify-access", http.MethodPost, "/v1/audit/verify", "Check bodies against an access",
		"Whether request and response bodies match an access record's SM3 digests. Give each body as text or as base64 (any bytes, e.g. GBK), not both.", "audit", readerRoles...)
	verify.MaxBodyBytes = 3 * MaxBatchBody
	huma.Register(a.h, verify, func(ctx context.Context, in *struct{ Body api.AccessCheckRequest }) (*readOut[*record.Verification], error) {
		return read(s.VerifyAccess(ctx, who(ctx), in.Body))
	})
}
