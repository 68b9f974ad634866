package service

import (
	"context"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// OpenHandoff opens a handoff from the caller's organisation; the ledger
// sets its origin, status and history.
func (s *Service) OpenHandoff(ctx context.Context, who string, r api.HandoffRequest) (api.Tx[*record.Handoff], error) {
	return submitJSON[*record.Handoff](ctx, s, who, "handoff", "Open", record.Handoff{ID: r.ID, Target: r.Target, ServiceItem: r.ServiceItem,
		ApplicantPseudonym: r.ApplicantPseudonym, Documents: r.Documents, Deadline: r.Deadline})
}

// Handoff moves, by the chaincode's function.
const (
	Accept   = "Accept"
	Reject   = "Reject"
	Start    = "Start"
	Complete = "Complete"
	Cancel   = "Cancel"
)

// MoveHandoff moves a handoff on (fn one of Accept … Cancel): reject and
// cancel take a reason, complete the result's digest, the others nothing.
func (s *Service) MoveHandoff(ctx context.Context, who, id, fn string, r api.HandoffMove) (api.Tx[*record.Handoff], error) {
	args := []string{id}
	reason := r.Reason != "" || r.ReasonText != ""
	switch {
	case fn == Reject || fn == Cancel:
		args = append(args, codeAndDigest(r.Reason, r.ReasonText))
	case reason:
		return api.Tx[*record.Handoff]{}, badRequest("only reject and cancel take a reason")
	}
	switch {
	case fn == Complete:
		args = append(args, r.ResultDigest)
	case r.ResultDigest != "":
		return api.Tx[*record.Handoff]{}, badRequest("only complete takes a result digest")
	}
	return submit[*record.Handoff](ctx, s, who, "handoff", fn, args...)
}

// Handoff reads a handoff, marked overdue past its deadline.
func (s *Service) Handoff(ctx context.Context, who, id string) (api.Read[*record.HandoffView], error) {
	return evaluate[*record.HandoffView](ctx, s, who, "handoff", "Get", id)
}

// Handoffs lists an organisation's handoffs in one status.
func (s *Service) Handoffs(ctx context.Context, who, org, status string, p Paging) (api.Read[record.Page[record.HandoffView]], error) {
	return list[record.HandoffView](ctx, s, who, p, "handoff", "List", org, status)
}
