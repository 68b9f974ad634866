package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
)

func (a *API) verify() {
	huma.Register(a.h, a.op("verify", http.MethodPost, "/v1/verify", "Verify a presented licence",
		"A verdict on a licence and its disclosed fields at a time, with each check's result: from the cache (no ledger round trip), or with fresh=true from the ledger. A licence relayed from another channel is judged by the latest grant and seal key relayed from its source and the type its proof carried, and relayedFrom names its source and the relay lag.",
		"verify", verifier, issuer, auditor),
		func(ctx context.Context, in *struct {
			FreshQuery
			Body api.VerifyRequest
		}) (*struct{ Body api.Verdict }, error) {
			v, err := a.svc.Verify(ctx, who(ctx), in.Body, in.Fresh)
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.Verdict }{v}, nil
		})
}
