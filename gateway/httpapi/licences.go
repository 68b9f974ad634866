package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/service"
)

func (a *API) licences() {
	s := a.svc
	huma.Register(a.h, a.op("get-licence", http.MethodGet, "/v1/licences/{id}", "Read a licence",
		"A licence from the gateway's cache, with the cache's height; with fresh=true from the ledger. A licence relayed from another channel is read too, and the answer's relayedFrom says where from.", "licences", readerRoles...),
		func(ctx context.Context, in *struct {
			IDPath
			FreshQuery
		}) (*licenceOut[*record.Licence], error) {
			return licenceRead(s.Licence(ctx, who(ctx), in.ID, in.Fresh))
		})
	huma.Register(a.h, a.op("licence-history", http.MethodGet, "/v1/licences/{id}/history", "A licence's history",
		"Every committed version of a licence, oldest first, from the ledger.", "licences", readerRoles...),
		func(ctx context.Context, in *IDPath) (*readOut[[]record.Version], error) {
			return read(s.History(ctx, who(ctx), in.ID))
		})
	huma.Register(a.h, a.op("licence-status", http.MethodGet, "/v1/licences/{id}/status", "A licence's status at a time",
		"The status in force at a time (now if absent): active, suspended, revoked, expired or not-yet-valid, and the change behind it. For a licence relayed from another channel, relayedFrom says where from.", "licences", readerRoles...),
		func(ctx context.Context, in *struct {
			IDPath
			At time.Time `query:"at" doc:"RFC 3339; now if absent"`
		}) (*licenceOut[*record.StatusAnswer], error) {
			return licenceRead(s.StatusAt(ctx, who(ctx), in.ID, in.At))
		})
	huma.Register(a.h, a.op("list-licences", http.MethodGet, "/v1/licences", "List licences",
		"Licences of a holder (by pseudonym) or of an issuing agency, a page at a time: give exactly one of holder and issuer.", "licences", readerRoles...),
		func(ctx context.Context, in *struct {
			Holder string `query:"holder" maxLength:"64" doc:"holder pseudonym"`
			Issuer string `query:"issuer" maxLength:"64" doc:"issuing agency ID"`
			PageQuery
		}) (*readOut[record.Page[*record.Licence]], error) {
			return read(s.Licences(ctx, who(ctx), in.Holder, in.Issuer, in.paging()))
		})
	huma.Register(a.h, a.op("issue-licence", http.MethodPost, "/v1/licences", "Issue a licence",
		"Issues one sealed licence: its content (digests only) and the agency's SM2 seal signature. Role issuer.", "licences", issuer),
		func(ctx context.Context, in *struct{ Body api.IssueRequest }) (*txOut[*record.Licence], error) {
			return tx(s.Issue(ctx, who(ctx), in.Body))
		})
	batch := a.op("issue-licences", http.MethodPost, "/v1/licences/batch", "Issue licences in one transaction",
		"Issues up to 50 sealed licences in one transaction, all or none. Role issuer.", "licences", issuer)
	batch.MaxBodyBytes = MaxBatchBody
	huma.Register(a.h, batch, func(ctx context.Context, in *struct {
		Body []api.IssueRequest `maxItems:"50" minItems:"1" doc:"the licences to issue"`
	}) (*txOut[*record.BatchResult], error) {
		return tx(s.IssueBatch(ctx, who(ctx), in.Body))
	})
	for _, fn := range []string{service.Suspend, service.Reinstate, service.Revoke} {
		action := strings.ToLower(fn)
		huma.Register(a.h, a.op(action+"-licence", http.MethodPost, "/v1/licences/{id}/"+action, fn+" a licence",
			fn+" a licence of the issuer's agency, for a reason code (its free text stays off the ledger); a revocation may take effect in the past. Role issuer.", "licences", issuer),
			func(ctx context.Context, in *struct {
				IDPath
				Body api.StatusChangeRequest
			}) (*txOut[*record.Licence], error) {
				return tx(s.ChangeStatus(ctx, who(ctx), in.ID, fn, in.Body))
			})
	}
	huma.Register(a.h, a.op("renew-licence", http.MethodPost, "/v1/licences/{id}/renew", "Renew a licence",
		"Extends a licence to a new valid-to with a new seal signature over the renewed content. Role issuer.", "licences", issuer),
		func(ctx context.Context, in *struct {
			IDPath
			Body api.RenewRequest
		}) (*txOut[*record.Licence], error) {
			return tx(s.Renew(ctx, who(ctx), in.ID, in.Body))
		})
}
