package gateway

import (
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/nonce"
	"github.com/wanledger/wanledger/gateway/service"
)

// presentations are a gateway's nonce and challenge stores, per its
// configuration (defaults filled if it was not validated). Run opens the
// verification log.
func presentations(cfg *config.Config) service.Presentations {
	p := cfg.Presentations
	name := p.VerifierName
	if name == "" {
		name = cfg.MSPID
	}
	return service.Presentations{Audience: name, MSPID: cfg.MSPID, HolderIdentity: p.HolderIdentity,
		Nonces: nonce.New(p.NonceLifetime.Duration, p.MaxNonces), Challenges: nonce.New(p.NonceLifetime.Duration, p.MaxNonces)}
}
