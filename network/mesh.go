package network

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/wanledger/wanledger/gateway/keys"
)

// ensureMeshEndpoints has each gateway publish its mesh peer ID and
// addresses on the channel it serves, through its API with the
// organisation's admin key, unless the ledger (as its cache has it)
// already names them.
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

func (nw *Network) registerMesh(ctx context.Context, o Org) (bool, error) {
	c, err := nw.Home.client(o.Name, keys.RoleAdmin)
	if err != nil {
		return false, err
	}
	st, err := c.Mesh(ctx)
	if err != nil {
		return false, err
	}
	for _, ep := range st.Data.Endpoints {
		if ep.MSPID == o.MSPID && ep.PeerID == st.Data.PeerID && slices.Equal(ep.Addrs, st.Data.Addrs) {
			return false, nil
		}
	}
	_, err = c.RegisterMesh(ctx)
	return err == nil, err
}
