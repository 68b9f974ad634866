package gateway

import (
	"context"
	"errors"
	"time"

	"github.com/wanledger/wanledger/gateway/cache"
)

// lag is how many blocks the cache is behind the peer, and whether it is
// stale.
func (g *Gateway) lag() (uint64, bool) {
	h, err := g.store.Height()
	if err != nil {
		return 0, true
	}
	var lag uint64
	if p := g.peerHeight.Load(); p > h {
		lag = p - h
	}
	return lag, g.stale()
}

// stale reports whether the cache has gone without confirming it has every
// block for longer than MaxStaleness.
func (g *Gateway) stale() bool {
	return g.clock().Sub(time.Unix(0, g.lastSync.Load())) > g.cfg.MaxStaleness.Duration
}

// follow applies every block's validated writes to the cache from its
// height on (chaincode events play no part), and keeps the peer's height to
// measure the lag. It reconnects after errors and returns when ctx ends.
func (g *Gateway) follow(ctx context.Context) {
	if g.chain == nil {
		return
	}
	polled := make(chan struct{})
	go func() { // ends with ctx, before follow returns
		defer close(polled)
		g.pollHeight(ctx)
	}()
	defer func() { <-polled }()
	for ctx.Err() == nil {
		if err := g.followOnce(ctx); err != nil && ctx.Err() == nil {
			g.log.Warn("block stream ended; reconnecting", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

func (g *Gateway) followOnce(ctx context.Context) error {
	start, err := g.store.Height()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := g.chain.Blocks(ctx, start)
	if err != nil {
		return err
	}
	for b := range blocks {
		writes, err := cache.BlockWrites(b, g.cfg.Chaincode)
		if err != nil {
			return err
		}
		if err := g.apply(ctx, b.GetHeader().GetNumber(), writes); err != nil {
			return err
		}
		g.noteHeight()
	}
	return errors.New("block stream closed")
}

// diskFullRetry is how often the follower tries a block again while the
// cache's disk is short of its reserve.
const diskFullRetry = 500 * time.Millisecond

// apply applies a block to the cache; while the cache's disk is full it
// holds the block (and the stream behind it) and tries again, until the
// disk has the reserve free or ctx ends.
func (g *Gateway) apply(ctx context.Context, number uint64, writes []cache.Write) error {
	for waited := false; ; waited = true {
		_, err := g.store.ApplyBlock(number, writes)
		if !errors.Is(err, cache.ErrDiskFull) {
			if waited && err == nil {
				g.log.Info("the cache's disk has its reserve again: applying blocks", "block", number)
			}
			return err
		}
		if !waited {
			g.log.Error("the cache applies no block until space is freed; the API takes no writes meanwhile", "block", number, "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(diskFullRetry):
		}
	}
}

// pollHeight asks the peer for its height every second.
func (g *Gateway) pollHeight(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		hctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		h, err := g.chain.Height(hctx)
		cancel()
		if err == nil {
			g.peerHeight.Store(h)
			g.noteHeight()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// noteHeight updates the lag metrics, and the sync time when caught up.
func (g *Gateway) noteHeight() {
	h, err := g.store.Height()
	if err != nil {
		return
	}
	g.m.height.Set(float64(h))
	p := g.peerHeight.Load()
	if p <= h {
		g.lastSync.Store(g.clock().UnixNano())
		g.m.lag.Set(0)
		return
	}
	g.m.lag.Set(float64(p - h))
}
