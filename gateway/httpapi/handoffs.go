package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/service"
)

func (a *API) handoffs() {
	s := a.svc
	huma.Register(a.h, a.op("open-handoff", http.MethodPost, "/v1/handoffs", "Open a handoff",
		"Opens a handoff of a service request from the caller's organisation to another, with a deadline. Role clerk.", "handoffs", clerk),
		func(ctx context.Context, in *struct{ Body api.HandoffRequest }) (*txOut[*record.Handoff], error) {
			return tx(s.OpenHandoff(ctx, who(ctx), in.Body))
		})
	for _, fn := range []string{service.Accept, service.Reject, service.Start, service.Complete, service.Cancel} {
		action := strings.ToLower(fn)
		huma.Register(a.h, a.op(action+"-handoff", http.MethodPost, "/v1/handoffs/{id}/"+action, fn+" a handoff",
			fn+" a handoff: reject and cancel take a reason, complete the result's digest, the others an empty body {}. Role clerk.", "handoffs", clerk),
			func(ctx context.Context, in *struct {
				IDPath
				Body api.HandoffMove
			}) (*txOut[*record.Handoff], error) {
				return tx(s.MoveHandoff(ctx, who(ctx), in.ID, fn, in.Body))
			})
	}
	huma.Register(a.h, a.op("get-handoff", http.MethodGet, "/v1/handoffs/{id}", "Read a handoff",
		"A handoff, marked overdue if still live past its deadline, from the ledger.", "handoffs", readerRoles...),
		func(ctx context.Context, in *IDPath) (*readOut[*record.HandoffView], error) {
			return read(s.Handoff(ctx, who(ctx), in.ID))
		})
	huma.Register(a.h, a.op("list-handoffs", http.MethodGet, "/v1/handoffs", "List handoffs",
		"An organisation's handoffs in one status, a page at a time, from the ledger.", "handoffs", readerRoles...),
		func(ctx context.Context, in *struct {
			Org    string `query:"org" required:"true" maxLength:"64" doc:"MSP ID of the origin or target organisation"`
			Status string `query:"status" required:"true" enum:"open,accepted,rejected,in-progress,completed,cancelled" doc:"the handoffs' status"`
			PageQuery
		}) (*readOut[record.Page[record.HandoffView]], error) {
			return read(s.Handoffs(ctx, who(ctx), in.Org, in.Status, in.paging()))
		})
}
