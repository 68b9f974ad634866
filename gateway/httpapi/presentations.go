package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
)

// holderPrefix is the paths a holder calls with no API key: their key
// signs a challenge instead.
const holderPrefix = "/v1/holder/"

// presentations: nonces, the verification of presentations, and the
// holder's view of who verified their licences.
func (a *API) presentations() {
	s := a.svc
	huma.Register(a.h, a.op("verify-nonce", http.MethodGet, "/v1/verify/nonce", "Issue a nonce for a presentation",
		"A single-use nonce, with this gateway's verifier name (the audience) and its expiry, for a holder to make a presentation to; only this API key's identity can verify a presentation to it. Issuing keeps nothing; a restart makes all nonces unknown.",
		"verify", verifier, issuer, auditor),
		func(ctx context.Context, in *struct {
			Audience string `query:"audience" maxLength:"128" doc:"the audience the verifier expects; if given, this gateway's verifier name"`
		}) (*struct{ Body api.Nonce }, error) {
			n, err := s.Nonce(who(ctx), in.Audience)
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.Nonce }{n}, nil
		})
	huma.Register(a.h, a.op("purposes", http.MethodGet, "/v1/purposes", "List the purpose codes",
		"The purpose codes this gateway knows, with their Chinese and English labels: those a presentation's purpose may give (any other is 400 PURPOSE_UNKNOWN).",
		"verify", verifier, issuer, auditor),
		func(ctx context.Context, _ *struct{}) (*struct{ Body api.PurposeList }, error) {
			return &struct{ Body api.PurposeList }{s.Purposes()}, nil
		})
	huma.Register(a.h, a.op("verify-presentation", http.MethodPost, "/v1/presentations/verify", "Verify a holder's presentation",
		"Checks the key binding (signed by the licence's holder key over a nonce this gateway issued, unexpired and unused, and its verifier name, within the nonce's lifetime), the disclosed values against their digests, then the licence as /v1/verify does from the cache (relayed licences included). The verdict is holder-bound and carries only the disclosed fields. A malformed presentation is refused 400, one that does not verify 422, each with its code; a replay 409 NONCE_USED, a nonce issued to another API key's identity 403 NONCE_NOT_ISSUED_TO_CALLER, a purpose that is not a known code 400 PURPOSE_UNKNOWN. Each presentation of a known licence is logged for its holder.",
		"verify", verifier, issuer, auditor),
		func(ctx context.Context, in *struct{ Body api.PresentationRequest }) (*struct{ Body api.PresentationVerdict }, error) {
			v, err := s.VerifyPresentation(ctx, who(ctx), in.Body)
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.PresentationVerdict }{v}, nil
		})
	batch := a.op("verify-presentations", http.MethodPost, "/v1/presentations/verify/batch", "Verify a batch of presentations",
		"Up to 64 presentations, each checked, used up and logged exactly as POST /v1/presentations/verify does one, answered in order: the status that endpoint would give each item, with its verdict or its error. One bad item refuses only itself; 400 only for a malformed batch.",
		"verify", verifier, issuer, auditor)
	batch.MaxBodyBytes = MaxBatchBody
	batch.SkipValidateBody = true // each item is checked on its own (service.VerifyPresentations)
	huma.Register(a.h, batch, func(ctx context.Context, in *struct{ Body api.PresentationBatch }) (*struct{ Body api.PresentationBatchVerdicts }, error) {
		v, err := s.VerifyPresentations(ctx, who(ctx), in.Body)
		if err != nil {
			return nil, err
		}
		for _, o := range v.Outcomes {
			if o.Error != nil {
				o.Error.Message = truncate(o.Error.Message, maxMessage)
			}
		}
		return &struct{ Body api.PresentationBatchVerdicts }{v}, nil
	})
	huma.Register(a.h, a.holderOp("holder-challenge", http.MethodGet, "/v1/holder/challenge", "Issue a challenge for a holder",
		"A single-use challenge a holder signs with their licence key to list the activity about their licences. No API key."),
		func(ctx context.Context, _ *struct{}) (*struct{ Body api.HolderChallenge }, error) {
			c, err := s.HolderChallenge()
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.HolderChallenge }{c}, nil
		})
	huma.Register(a.h, a.holderOp("holder-activity", http.MethodPost, "/v1/holder/activity", "List a holder's licences' status and who verified them",
		"For a challenge signed by the holder's key, and licences all bound to that key: the status of each from this gateway's cache (with the height and staleness of the cache), the presentations of them this gateway verified, and the ledger's accesses and denials of data about their holder pseudonyms. No API key; 401 if the signature does not verify, 403 HOLDER_KEY_MISMATCH for a licence bound to another key."),
		func(ctx context.Context, in *struct{ Body api.HolderActivityRequest }) (*struct{ Body api.HolderActivity }, error) {
			r, err := s.HolderActivity(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.HolderActivity }{r}, nil
		})
}

// holderOp is an operation a holder calls without an API key (security
// [{}]: none required); its body is read as op says.
func (a *API) holderOp(id, method, path, summary, description string) huma.Operation {
	return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Description: description, Tags: []string{"holder"},
		MaxBodyBytes: MaxBody, BodyReadTimeout: -1, Security: []map[string][]string{{}}, Middlewares: huma.Middlewares{a.observed(id), a.budgeted, statusOverride}}
}

// keyless reports whether a path takes no API key.
func keyless(path string) bool {
	return strings.HasPrefix(path, "/v1/openapi") || strings.HasPrefix(path, holderPrefix)
}
