package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wanledger/wanledger/api"
)

// VerifyPresentations verifies a batch of presentations, each exactly as
// VerifyPresentation does (its own nonce, log entry and answer), on as many
// goroutines as there are processors, and answers one outcome per item in
// order; an item the batch could not read (api.PresentationBatch.ItemError)
// is 400 BAD_REQUEST on its own. Only an empty or oversized batch is an
// error.
func (s *Service) VerifyPresentations(ctx context.Context, who string, batch api.PresentationBatch) (api.PresentationBatchVerdicts, error) {
	items := batch.Items
	if len(items) == 0 || len(items) > api.MaxPresentationBatch {
		return api.PresentationBatchVerdicts{}, badRequest("a batch holds 1 to %d presentations, not %d", api.MaxPresentationBatch, len(items))
	}
	out := make([]api.PresentationOutcome, len(items))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(items)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(items); i = int(next.Add(1) - 1) {
				if err := batch.ItemError(i); err != nil {
					out[i] = api.PresentationOutcome{Status: http.StatusBadRequest, Error: badRequest("item %d: %s", i, itemProblem(err))}
					continue
				}
				out[i] = s.outcome(ctx, who, items[i])
			}
		})
	}
	wg.Wait()
	return api.PresentationBatchVerdicts{Outcomes: out}, nil
}

// checkPresentationRequest holds a request to the bounds its schema
// publishes (api.PresentationRequest), which a batch's items are not
// validated against before they reach the service: so that one malformed
// item refuses only itself. The purpose is checked against the codes the
// gateway knows (Service.purpose).
func checkPresentationRequest(r api.PresentationRequest) error {
	switch {
	case r.Presentation == "" || len(r.Presentation) > api.MaxPresentationLen:
		return badRequest("a presentation is 1 to %d characters", api.MaxPresentationLen)
	case len(r.Nonce) < api.MinNonceLen || len(r.Nonce) > api.MaxNonceLen:
		return badRequest("a nonce is %d to %d characters", api.MinNonceLen, api.MaxNonceLen)
	case len(r.Audience) > api.MaxAudienceLen:
		return badRequest("an audience is at most %d characters", api.MaxAudienceLen)
	}
	return nil
}

// outcome is one item's answer as POST /v1/presentations/verify would give
// it.
func (s *Service) outcome(ctx context.Context, who string, req api.PresentationRequest) api.PresentationOutcome {
	if err := ctx.Err(); err != nil {
		return api.PresentationOutcome{Status: http.StatusServiceUnavailable,
			Error: api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "the batch was abandoned: %v", err)}
	}
	v, err := s.VerifyPresentation(ctx, who, req)
	if err == nil {
		return api.PresentationOutcome{Status: http.StatusOK, Verdict: &v}
	}
	ae, ok := errors.AsType[*api.Error](err)
	if !ok {
		ae = s.fail("verify-presentations", err)
	}
	return api.PresentationOutcome{Status: ae.Status, Error: ae}
}

// itemProblem says why an item could not be read, in the API's terms
// rather than Go's.
func itemProblem(err error) string {
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return fmt.Sprintf("property %q is a %s, not a string", te.Field, te.Value)
	case errors.As(err, &te):
		return fmt.Sprintf("a %s, not an object of presentation, nonce, audience and purpose", te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
