package mesh

import (
	"errors"
	"net/http"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// Endpoints is what a gateway's cache of the ledger answers of gateway
// endpoints: one organisation's (an error wrapping notFound if it has none)
// and all of them.
type Endpoints interface {
	Endpoint(msp string) (*record.GatewayEndpoint, error)
	Endpoints() ([]record.GatewayEndpoint, error)
}

// FromLedger is the Registry of the endpoints the ledger holds, read through
// e on every call, so that it follows the ledger as the cache does; notFound
// is e's error for an organisation without an endpoint.
func FromLedger(e Endpoints, notFound error) Registry { return ledgerRegistry{e, notFound} }

type ledgerRegistry struct {
	e        Endpoints
	notFound error
}

func (r ledgerRegistry) Endpoint(msp string) (string, []string, error) {
	ep, err := r.e.Endpoint(msp)
	if errors.Is(err, r.notFound) {
		return "", nil, api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "%.64s has registered no gateway mesh endpoint", msp)
	}
	if err != nil {
		return "", nil, err
	}
	return ep.PeerID, ep.Addrs, nil
}

// Registered is false too when the endpoints cannot be read: fail closed.
func (r ledgerRegistry) Registered(p peer.ID) (string, bool) {
	eps, err := r.e.Endpoints()
	if err != nil {
		return "", false
	}
	id := p.String()
	for _, ep := range eps {
		if ep.PeerID == id {
			return ep.MSPID, true
		}
	}
	return "", false
}
