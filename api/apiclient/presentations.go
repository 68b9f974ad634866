package apiclient

import (
	"context"
	"net/http"

	"github.com/wanledger/wanledger/api"
)

// Nonce asks the gateway for a single-use nonce to present to; audience,
// if not "", must be the gateway's verifier name.
func (c *Client) Nonce(ctx context.Context, audience string) (*api.Nonce, error) {
	return call[api.Nonce](c, ctx, http.MethodGet, "/v1/verify/nonce"+query(Paging{}, "audience", audience), nil)
}

// VerifyPresentation asks for a holder-bound verdict on a presentation. A
// NOT VALID verdict is an answer; a refused presentation is an *api.Error
// with its code (a replay: NONCE_USED).
func (c *Client) VerifyPresentation(ctx context.Context, req api.PresentationRequest) (*api.PresentationVerdict, error) {
	return call[api.PresentationVerdict](c, ctx, http.MethodPost, "/v1/presentations/verify", req)
}

// VerifyPresentations asks for verdicts on up to api.MaxPresentationBatch
// presentations in one request: one outcome per item, in order, each the
// status and verdict or error VerifyPresentation would have had.
func (c *Client) VerifyPresentations(ctx context.Context, items []api.PresentationRequest) (*api.PresentationBatchVerdicts, error) {
	return call[api.PresentationBatchVerdicts](c, ctx, http.MethodPost, "/v1/presentations/verify/batch", api.PresentationBatch{Items: items})
}

// HolderChallenge asks for a challenge for a holder to sign (no API key
// needed).
func (c *Client) HolderChallenge(ctx context.Context) (*api.HolderChallenge, error) {
	return call[api.HolderChallenge](c, ctx, http.MethodGet, "/v1/holder/challenge", nil)
}

// HolderActivity lists who verified the holder's licences and who
// accessed data about them, for a challenge signed by the holder's key.
func (c *Client) HolderActivity(ctx context.Context, req api.HolderActivityRequest) (*api.HolderActivity, error) {
	return call[api.HolderActivity](c, ctx, http.MethodPost, "/v1/holder/activity", req)
}
