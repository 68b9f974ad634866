package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/internal/gm"
)

// opFunc describes an operation with the roles that may call it.
type opFunc func(id, method, path, summary, tag string, roles ...string) huma.Operation

// ReasonBody is a reason code and, optionally, its free text. The ledger
// gets the code and the text's SM3 digest ("CODE:DIGEST"), never the text,
// which the caller keeps.
type ReasonBody struct {
	Reason     string `json:"reason" minLength:"1" maxLength:"64" pattern:"^[A-Z0-9_]+$" doc:"a code of the reason list of this change (docs/chaincode.md)"`
	ReasonText string `json:"reasonText,omitempty" maxLength:"4096" doc:"free text; only its SM3 digest goes on the ledger"`
}

func (r ReasonBody) arg() string { return codeAndDigest(r.Reason, r.ReasonText) }

// codeAndDigest is a code, with ":" and the SM3 digest of text if any.
func codeAndDigest(code, text string) string {
	if text == "" {
		return code
	}
	return record.Reason{Code: code, Digest: gm.SM3Hex([]byte(text))}.String()
}

func (g *Gateway) registerRegistryChanges(h huma.API, op opFunc) {
	huma.Register(h, op("withdraw-grant", http.MethodPost, "/v1/registry/grants/{grant}/withdraw", "Withdraw one accreditation grant (province admin)", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			Grant string `path:"grant" maxLength:"80"`
			Body  ReasonBody
		}) (*txResult[*record.Accreditation], error) {
			return submitArgs[*record.Accreditation](g, ctx, "registry", "WithdrawAccreditation", in.Grant, in.Body.arg())
		})
	huma.Register(h, op("rotate-seal", http.MethodPost, "/v1/registry/seals/{keyId}/rotate", "Replace a seal key from now (its organisation's admin)", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			KeyID string `path:"keyId" maxLength:"64"`
			Body  record.SealKey
		}) (*txResult[*record.Rotation], error) {
			b, err := json.Marshal(in.Body)
			if err != nil {
				return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "the body cannot be encoded")
			}
			return submitArgs[*record.Rotation](g, ctx, "registry", "RotateSealKey", in.KeyID, string(b))
		})
	huma.Register(h, op("revoke-seal", http.MethodPost, "/v1/registry/seals/{keyId}/revoke", "Revoke a seal key, possibly from a past time (its organisation's admin)", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			KeyID string `path:"keyId" maxLength:"64"`
			Body  struct {
				ReasonBody
				EffectiveAt time.Time `json:"effectiveAt,omitempty" doc:"now or in the past, never in the future"`
			}
		}) (*txResult[*record.SealKey], error) {
			return submitArgs[*record.SealKey](g, ctx, "registry", "RevokeSealKey", in.KeyID, in.Body.arg(), timeArg(in.Body.EffectiveAt))
		})
}

// deniedAsError answers an access the ledger refused, and recorded as a
// denial, with 403 and the denial's reason code, ID and block.
func deniedAsError(res *txResult[*record.AccessRecord], err error) (*txResult[*record.AccessRecord], error) {
	if err != nil || res.Body.Data == nil || res.Body.Data.Kind != record.KindDenial {
		return res, err
	}
	d := res.Body.Data
	return nil, &api.Error{Status: http.StatusForbidden, Code: d.Reason, DenialID: d.ID, BlockNumber: res.Body.BlockNumber,
		Message: "the access was refused; the refusal is on the trail as denial " + d.ID}
}

func timeArg(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (g *Gateway) registerSharing(h huma.API, op opFunc) {
	owner, requester := string(record.RoleDataOwner), string(record.RoleRequester)
	huma.Register(h, op("register-dataset", http.MethodPost, "/v1/datasets", "Register a dataset of the caller's organisation (data-owner, admin)", "sharing", owner, keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			Body struct {
				ID          string             `json:"id" minLength:"1" maxLength:"64"`
				Fields      []record.FieldSpec `json:"fields" minItems:"1" maxItems:"64"`
				Description string             `json:"description" minLength:"1" maxLength:"1024"`
			}
		}) (*txResult[*record.Dataset], error) {
			return submit[*record.Dataset](g, ctx, "share", "RegisterDataset", record.Dataset{ID: in.Body.ID, Fields: in.Body.Fields, Description: in.Body.Description})
		})
	huma.Register(h, op("get-dataset", http.MethodGet, "/v1/datasets/{id}", "A dataset: its owner, schema and description", "sharing", readerRoles...),
		func(ctx context.Context, in *struct {
			ID string `path:"id" maxLength:"64"`
		}) (*withHeight[*record.Dataset], error) {
			return evaluate[*record.Dataset](g, ctx, "share", "GetDataset", []string{in.ID})
		})
	huma.Register(h, op("list-datasets", http.MethodGet, "/v1/datasets", "Registered datasets", "sharing", readerRoles...),
		func(ctx context.Context, in *struct {
			Limit  int    `query:"limit" minimum:"0" maximum:"200"`
			Cursor string `query:"cursor" maxLength:"1024"`
		}) (*withHeight[record.Page[record.Dataset]], error) {
			return evaluate[record.Page[record.Dataset]](g, ctx, "share", "ListDatasets", []string{limitArg(in.Limit), in.Cursor})
		})
	huma.Register(h, op("grant-authorization", http.MethodPost, "/v1/authorizations", "Grant a data-sharing authorization (data-owner)", "sharing", owner),
		func(ctx context.Context, in *struct {
			Body struct {
				record.Authorization
				LegalBasisText string `json:"legalBasisText,omitempty" maxLength:"4096" doc:"free text of the legal basis; only its SM3 digest goes on the ledger"`
			}
		}) (*txResult[*record.Authorization], error) {
			a := in.Body.Authorization
			a.LegalBasis = codeAndDigest(a.LegalBasis, in.Body.LegalBasisText)
			return submit[*record.Authorization](g, ctx, "share", "Grant", a)
		})
	huma.Register(h, op("revoke-authorization", http.MethodPost, "/v1/authorizations/{id}/revoke", "Revoke an authorization (data-owner)", "sharing", owner),
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body ReasonBody
		}) (*txResult[*record.Authorization], error) {
			return submitArgs[*record.Authorization](g, ctx, "share", "Revoke", in.ID, in.Body.arg())
		})
	huma.Register(h, op("get-authorization", http.MethodGet, "/v1/authorizations/{id}", "An authorization (its parties, auditors)", "sharing", readerRoles...),
		func(ctx context.Context, in *struct {
			ID string `path:"id" maxLength:"64"`
		}) (*withHeight[*record.Authorization], error) {
			return evaluate[*record.Authorization](g, ctx, "share", "Get", []string{in.ID})
		})
	huma.Register(h, op("list-authorizations", http.MethodGet, "/v1/authorizations", "Authorizations an organisation granted (owner=) or was granted (requester=)", "sharing", readerRoles...),
		func(ctx context.Context, in *struct {
			Owner     string `query:"owner" maxLength:"64"`
			Requester string `query:"requester" maxLength:"64"`
			Limit     int    `query:"limit" minimum:"0" maximum:"200"`
			Cursor    string `query:"cursor" maxLength:"1024"`
		}) (*withHeight[record.Page[*record.Authorization]], error) {
			if (in.Owner == "") == (in.Requester == "") {
				return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "give exactly one of owner and requester")
			}
			fn, msp := "ListByOwner", in.Owner
			if in.Requester != "" {
				fn, msp = "ListByRequester", in.Requester
			}
			return evaluate[record.Page[*record.Authorization]](g, ctx, "share", fn, []string{msp, limitArg(in.Limit), in.Cursor})
		})
	huma.Register(h, op("record-access", http.MethodPost, "/v1/accesses", "Record an access under an authorization (requester)", "sharing", requester),
		func(ctx context.Context, in *struct{ Body record.AccessRequest }) (*txResult[*record.AccessRecord], error) {
			return deniedAsError(submit[*record.AccessRecord](g, ctx, "share", "RecordAccess", in.Body))
		})
	huma.Register(h, op("record-denial", http.MethodPost, "/v1/denials", "Record a refused access (the provider's data-owner)", "sharing", owner),
		func(ctx context.Context, in *struct {
			Body struct {
				record.DenialRequest
				DetailText string `json:"detailText,omitempty" maxLength:"4096" doc:"free text; only its SM3 digest goes on the ledger"`
			}
		}) (*txResult[*record.AccessRecord], error) {
			d := in.Body.DenialRequest
			if in.Body.DetailText != "" {
				d.DetailDigest = gm.SM3Hex([]byte(in.Body.DetailText))
			}
			return submit[*record.AccessRecord](g, ctx, "share", "RecordDenial", d)
		})
	huma.Register(h, op("trace", http.MethodGet, "/v1/audit/trace", "Accesses and denials by one dimension in a time window", "audit", readerRoles...),
		func(ctx context.Context, in *struct {
			By     string    `query:"by" enum:"dataset,requester,owner,subject,authorization,time"`
			Key    string    `query:"key" maxLength:"64"`
			From   time.Time `query:"from"`
			To     time.Time `query:"to"`
			Limit  int       `query:"limit" minimum:"0" maximum:"200"`
			Cursor string    `query:"cursor" maxLength:"1024"`
		}) (*withHeight[record.Page[*record.AccessRecord]], error) {
			q, err := json.Marshal(record.TraceQuery{By: in.By, Key: in.Key, From: in.From, To: in.To, PageSize: int32(in.Limit), Bookmark: in.Cursor})
			if err != nil {
				return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "the query cannot be encoded")
			}
			return evaluate[record.Page[*record.AccessRecord]](g, ctx, "audit", "Trace", []string{string(q)})
		})
	verify := op("verify-access", http.MethodPost, "/v1/audit/verify", "Whether request and response bodies match an access record", "audit", readerRoles...)
	verify.MaxBodyBytes = maxBatchBody
	huma.Register(h, verify, func(ctx context.Context, in *struct {
		Body struct {
			AccessID string `json:"accessId" minLength:"1" maxLength:"128"`
			Request  string `json:"request"`
			Response string `json:"response"`
		}
	}) (*withHeight[*record.Verification], error) {
		return evaluate[*record.Verification](g, ctx, "audit", "Verify", []string{in.Body.AccessID, in.Body.Request, in.Body.Response})
	})
}

func (g *Gateway) registerHandoffs(h huma.API, op opFunc) {
	clerk := string(record.RoleClerk)
	huma.Register(h, op("open-handoff", http.MethodPost, "/v1/handoffs", "Open a handoff to another region (clerk)", "handoffs", clerk),
		func(ctx context.Context, in *struct{ Body record.Handoff }) (*txResult[*record.Handoff], error) {
			return submit[*record.Handoff](g, ctx, "handoff", "Open", in.Body)
		})
	type moveBody struct {
		Reason       string `json:"reason,omitempty" maxLength:"64" doc:"reject and cancel only: a code of their reason lists"`
		ReasonText   string `json:"reasonText,omitempty" maxLength:"4096" doc:"free text; only its SM3 digest goes on the ledger"`
		ResultDigest string `json:"resultDigest,omitempty" maxLength:"64" doc:"complete only: SM3 of the result, hex"`
	}
	for _, m := range []struct{ action, fn string }{{"accept", "Accept"}, {"reject", "Reject"}, {"start", "Start"}, {"complete", "Complete"}, {"cancel", "Cancel"}} {
		huma.Register(h, op(m.action+"-handoff", http.MethodPost, "/v1/handoffs/{id}/"+m.action, m.fn+" a handoff (clerk)", "handoffs", clerk),
			func(ctx context.Context, in *struct {
				ID   string `path:"id" maxLength:"64"`
				Body moveBody
			}) (*txResult[*record.Handoff], error) {
				args := []string{in.ID}
				switch m.fn {
				case "Reject", "Cancel":
					args = append(args, codeAndDigest(in.Body.Reason, in.Body.ReasonText))
				case "Complete":
					args = append(args, in.Body.ResultDigest)
				}
				return submitArgs[*record.Handoff](g, ctx, "handoff", m.fn, args...)
			})
	}
	huma.Register(h, op("get-handoff", http.MethodGet, "/v1/handoffs/{id}", "A handoff, marked overdue past its deadline", "handoffs", readerRoles...),
		func(ctx context.Context, in *struct {
			ID string `path:"id" maxLength:"64"`
		}) (*withHeight[*record.HandoffView], error) {
			return evaluate[*record.HandoffView](g, ctx, "handoff", "Get", []string{in.ID})
		})
	huma.Register(h, op("list-handoffs", http.MethodGet, "/v1/handoffs", "An organisation's handoffs in one status", "handoffs", readerRoles...),
		func(ctx context.Context, in *struct {
			Org    string `query:"org" required:"true" maxLength:"64"`
			Status string `query:"status" required:"true" enum:"open,accepted,rejected,in-progress,completed,cancelled"`
			Limit  int    `query:"limit" minimum:"0" maximum:"200"`
			Cursor string `query:"cursor" maxLength:"1024"`
		}) (*withHeight[record.Page[record.HandoffView]], error) {
			return evaluate[record.Page[record.HandoffView]](g, ctx, "handoff", "List", []string{in.Org, in.Status, limitArg(in.Limit), in.Cursor})
		})
}
