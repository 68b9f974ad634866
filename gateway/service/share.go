package service

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// RegisterDataset registers a dataset of the caller's organisation.
func (s *Service) RegisterDataset(ctx context.Context, who string, r api.DatasetRequest) (api.Tx[*record.Dataset], error) {
	return submitJSON[*record.Dataset](ctx, s, who, "share", "RegisterDataset", record.Dataset{ID: r.ID, Fields: r.Fields, Description: r.Description})
}

// Dataset reads a dataset.
func (s *Service) Dataset(ctx context.Context, who, id string) (api.Read[*record.Dataset], error) {
	return evaluate[*record.Dataset](ctx, s, who, "share", "GetDataset", id)
}

// Datasets lists registered datasets.
func (s *Service) Datasets(ctx context.Context, who string, p Paging) (api.Read[record.Page[record.Dataset]], error) {
	return list[record.Dataset](ctx, s, who, p, "share", "ListDatasets")
}

// GrantAuthorization grants a data-sharing authorization; the ledger sets
// its owner, uses and grantor.
func (s *Service) GrantAuthorization(ctx context.Context, who string, r api.AuthorizationRequest) (api.Tx[*record.Authorization], error) {
	return submitJSON[*record.Authorization](ctx, s, who, "share", "Grant", record.Authorization{
		ID: r.ID, Requester: r.Requester, DatasetID: r.DatasetID, Fields: r.Fields, Purpose: r.Purpose,
		LegalBasis: codeAndDigest(r.LegalBasis, r.LegalBasisText), ConsentDigest: r.ConsentDigest, Subjects: r.Subjects,
		ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, MaxUses: r.MaxUses})
}

// RevokeAuthorization ends an authorization now.
func (s *Service) RevokeAuthorization(ctx context.Context, who, id string, r api.ReasonRequest) (api.Tx[*record.Authorization], error) {
	return submit[*record.Authorization](ctx, s, who, "share", "Revoke", id, reasonArg(r))
}

// Authorization reads an authorization.
func (s *Service) Authorization(ctx context.Context, who, id string) (api.Read[*record.Authorization], error) {
	return evaluate[*record.Authorization](ctx, s, who, "share", "Get", id)
}

// Authorizations lists those an organisation granted (owner) or was granted
// (requester): exactly one of the two.
func (s *Service) Authorizations(ctx context.Context, who, owner, requester string, p Paging) (api.Read[record.Page[*record.Authorization]], error) {
	if (owner == "") == (requester == "") {
		return api.Read[record.Page[*record.Authorization]]{}, badRequest("give exactly one of owner and requester")
	}
	if requester != "" {
		return list[*record.Authorization](ctx, s, who, p, "share", "ListByRequester", requester)
	}
	return list[*record.Authorization](ctx, s, who, p, "share", "ListByOwner", owner)
}

// RecordAccess records, as the provider's data-owner who, an access of a
// requester's signed request, and waits for its commit. The ledger's
// refusal by the authorization's checks is committed too: a record of kind
// denial, with its reason code. Other refusals are errors, nothing
// committed.
func (s *Service) RecordAccess(ctx context.Context, who string, r record.AccessRequest) (api.Tx[*record.AccessRecord], error) {
	return submitJSON[*record.AccessRecord](ctx, s, who, "share", "RecordAccess", r)
}

// Access reads an access record or denial by its ID (a transaction ID).
func (s *Service) Access(ctx context.Context, who, id string) (api.Read[*record.AccessRecord], error) {
	return evaluate[*record.AccessRecord](ctx, s, who, "share", "GetAccess", id)
}

// RecordDenial records an access the data owner refused.
func (s *Service) RecordDenial(ctx context.Context, who string, r api.DenialRequest) (api.Tx[*record.AccessRecord], error) {
	d := record.DenialRequest{AuthorizationID: r.AuthorizationID, Requester: r.Requester, RequesterID: r.RequesterID, DatasetID: r.DatasetID,
		Fields: r.Fields, Purpose: r.Purpose, RequestDigest: r.RequestDigest, Reason: record.Code(r.Reason)}
	if r.DetailText != "" {
		d.DetailDigest = gm.SM3Hex([]byte(r.DetailText))
	}
	return submitJSON[*record.AccessRecord](ctx, s, who, "share", "RecordDenial", d)
}

// TraceQuery selects access records by one dimension in a time window.
type TraceQuery struct {
	By, Key  string
	From, To time.Time
	Paging
}

// Trace lists access records.
func (s *Service) Trace(ctx context.Context, who string, q TraceQuery) (api.Read[record.Page[*record.AccessRecord]], error) {
	bookmark, err := decodeCursor(q.Cursor)
	if err != nil {
		return api.Read[record.Page[*record.AccessRecord]]{}, err
	}
	b, err := json.Marshal(record.TraceQuery{By: q.By, Key: q.Key, From: q.From, To: q.To, PageSize: int32(q.Limit), Bookmark: bookmark})
	if err != nil {
		return api.Read[record.Page[*record.AccessRecord]]{}, badRequest("the query cannot be encoded")
	}
	return page(evaluate[record.Page[*record.AccessRecord]](ctx, s, who, "audit", "Trace", string(b)))
}

// VerifyAccess says whether bodies match an access record's digests. Each
// body comes as text or as base64 (any bytes, e.g. GBK), never both; the
// ledger hashes exactly its bytes.
func (s *Service) VerifyAccess(ctx context.Context, who string, r api.AccessCheckRequest) (api.Read[*record.Verification], error) {
	req, err := body("request", r.Request, r.RequestBase64)
	if err != nil {
		return api.Read[*record.Verification]{}, err
	}
	resp, err := body("response", r.Response, r.ResponseBase64)
	if err != nil {
		return api.Read[*record.Verification]{}, err
	}
	return evaluate[*record.Verification](ctx, s, who, "audit", "Verify", r.AccessID, req, resp)
}

func body(name, text, b64 string) (string, error) {
	if text != "" && b64 != "" {
		return "", badRequest("give %s or %sBase64, not both", name, name)
	}
	if b64 == "" {
		return text, nil
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", badRequest("%sBase64 is not standard base64", name)
	}
	return string(b), nil
}
