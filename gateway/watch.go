package gateway

import (
	"context"
	"fmt"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/internal/nodeops"
)

// watch is the network as the gateway reads it for GET /v1/network: itself,
// from its own state, and the nodes of its configuration's watch, through
// a nodeops.Watcher.
type watch struct {
	g     *Gateway
	self  string
	nodes *nodeops.Watcher
}

func newWatch(g *Gateway) *watch {
	w := g.cfg.Watch
	w.Defaults(g.cfg.Org) // a configuration not loaded from a file
	targets := make([]nodeops.Target, len(w.Nodes))
	for i, n := range w.Nodes {
		targets[i] = nodeops.Target{Name: n.Name, Kind: n.Kind, MSPID: n.MSPID, Address: n.Address, Channels: n.Channels}
	}
	return &watch{g: g, self: w.Self, nodes: nodeops.NewWatcher(nodeops.WatchOptions{Targets: targets, Timeout: w.Timeout.Duration,
		Parallel: w.Parallel, MaxAge: w.MaxAge.Duration, Clock: g.clock})}
}

// Nodes reads the watched nodes (or answers their reading of the last
// watch.maxAge again).
func (w *watch) Nodes(ctx context.Context) []api.NodeReading { return w.nodes.Read(ctx) }

// Self is the gateway now: ok while its cache is current, failing once it
// is stale (as /readyz says), with the cache's height on the channel it
// serves, the peer's last height and the lag.
func (w *watch) Self() api.NodeReading {
	g := w.g
	r := api.NodeReading{Name: w.self, Kind: api.NodeGateway, MSPID: g.cfg.MSPID, Address: g.cfg.Listen, Self: true,
		Health: api.HealthOK, ReadAt: g.clock().UTC()}
	h, err := g.store.Height()
	if err != nil {
		g.log.Error("network: cache height", "err", err)
		r.Health, r.Problem = api.HealthFailing, "the cache's height cannot be read"
		return r
	}
	lag, stale := g.lag()
	c := &api.CacheReading{Height: h, PeerHeight: g.peerHeight.Load(), LagBlocks: lag, Stale: stale}
	if ns := g.lastSync.Load(); ns > 0 {
		at := time.Unix(0, ns).UTC()
		c.SyncedAt = &at
	}
	r.Channels, r.Cache = []api.ChannelHeight{{Channel: g.cfg.Channel, Height: h}}, c
	if stale {
		r.Health = api.HealthFailing
		r.Problem = fmt.Sprintf("the cache is stale: it has not had every block for more than %s", g.cfg.MaxStaleness.Duration)
	}
	return r
}

var _ service.Watch = (*watch)(nil)
