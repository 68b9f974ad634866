package gateway

import (
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/nonce"
	"github.com/wanledger/wanledger/gateway/service"
)

// presentations are a gateway's nonce and challenge stores and its purpose
// codes, per its configuration (defaults filled if it was not validated).
// Run opens the verification log.
func presentations(cfg *config.Config) service.Presentations {
	p := cfg.Presentations
	name := p.VerifierName
	if name == "" {
		name = cfg.MSPID
	}
	purposes := map[string]api.Purpose{}
	for _, ps := range [][]api.Purpose{api.Purposes, p.Purposes} {
		for _, c := range ps {
			purposes[c.Code] = c
		}
	}
	return service.Presentations{Audience: name, MSPID: cfg.MSPID, HolderIdentity: p.HolderIdentity, Purposes: purposes,
		Nonces:     nonce.New(nonce.Presentation, p.NonceLifetime.Duration, p.MaxNonces),
		Challenges: nonce.New(nonce.Challenge, p.NonceLifetime.Duration, p.MaxNonces)}
}
