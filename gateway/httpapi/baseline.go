package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
)

func (a *API) baseline() {
	huma.Register(a.h, a.op("baseline-write", http.MethodPost, "/v1/baseline/writes", "Write a key of the baseline chaincode",
		"Writes one key of the baseline chaincode, blind, as the key's identity, through the same submit as every transaction, and answers once it committed: the measuring stick of `wanledger bench` (ADR 31), which deploys that chaincode. 404 if this gateway's configuration names no baseline chaincode. Any key of the organisation.",
		"baseline", readerRoles...),
		func(ctx context.Context, in *struct{ Body api.BaselineWriteRequest }) (*txOut[api.BaselineWrite], error) {
			return tx(a.svc.BaselineWrite(ctx, who(ctx), in.Body))
		})
}
