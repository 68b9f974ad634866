package network

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/internal/fabricid"
)

// ensureMeshEndpoints has each gateway publish its mesh peer ID and
// addresses on the channel it serves, through its API with the
// organisation's admin key, unless the ledger already names them.
func (nw *Network) ensureMeshEndpoints(ctx context.Context) (bool, error) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		changed bool
		errs    []error
	)
	for _, o := range nw.Topo.Orgs {
		wg.Go(func() {
			done, err := nw.registerMesh(ctx, o)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", o.Name, err))
			}
			if done {
				changed = true
				nw.detail("%s: gateway mesh endpoint registered on %s", o.MSPID, nw.Topo.GatewayChannel(o.Name))
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return changed, errs[0]
	}
	return changed, nil
}

// registerMesh has the organisation's gateway publish its mesh endpoint,
// unless the ledger of the channel it serves holds that endpoint as the
// organisation's own. It reads the ledger through the organisation's peer,
// not the gateway's cache, and an endpoint relayed from another channel
// the organisation was on is not its own there: either may name it while
// the channel has never recorded it.
func (nw *Network) registerMesh(ctx context.Context, o Org) (bool, error) {
	c, err := nw.Home.client(o.Name, keys.RoleAdmin)
	if err != nil {
		return false, err
	}
	st, err := c.Mesh(ctx)
	if err != nil {
		return false, err
	}
	held, err := nw.meshEndpoint(ctx, o)
	if err != nil {
		return false, err
	}
	if meshRegistered(held, st.Data.PeerID, st.Data.Addrs) {
		return false, nil
	}
	_, err = c.RegisterMesh(ctx)
	return err == nil, err
}

// meshRegistered tells whether held, the endpoint a channel holds for an
// organisation (nil: none), is the organisation's own registration of
// peerID at addrs.
func meshRegistered(held *record.GatewayEndpoint, peerID string, addrs []string) bool {
	return held != nil && held.Source == nil && held.PeerID == peerID && slices.Equal(held.Addrs, addrs)
}

// meshEndpoint reads the organisation's gateway endpoint on the channel
// its gateway serves (registry:GetGatewayEndpoint) through its peer, as
// its plain client; nil if the channel holds none.
func (nw *Network) meshEndpoint(ctx context.Context, o Org) (*record.GatewayEndpoint, error) {
	var held *record.GatewayEndpoint
	err := nw.withContract(o.Name, "User1", nw.Topo.GatewayChannel(o.Name), "registry", func(r *client.Contract) error {
		out, err := r.EvaluateWithContext(ctx, "GetGatewayEndpoint", client.WithArguments(o.MSPID))
		switch {
		case notFound(err):
			return nil
		case err != nil:
			return fmt.Errorf("GetGatewayEndpoint: %s", fabricid.ErrorMessage(err))
		}
		held = &record.GatewayEndpoint{}
		return json.Unmarshal(out, held)
	})
	return held, err
}
