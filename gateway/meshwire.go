package gateway

import (
	"context"
	"log/slog"

	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/datasets"
	"github.com/wanledger/wanledger/gateway/mesh"
)

// openDataPlane opens the rows store and starts the mesh host, gated by the
// endpoints the cache holds; close stops both.
func openDataPlane(ctx context.Context, cfg *config.Config, store *cache.Store, log *slog.Logger) (*datasets.Store, *mesh.Host, func(), error) {
	rows, err := datasets.Open(datasets.Options{Dir: cfg.Datasets.Dir, Log: log.With("component", "datasets")})
	if err != nil {
		return nil, nil, nil, err
	}
	host, err := mesh.New(ctx, mesh.Config{Listen: cfg.Mesh.Listen, KeyFile: cfg.Mesh.KeyFile, Log: log.With("component", "mesh")},
		mesh.FromLedger(store, cache.ErrNotCached))
	if err != nil {
		rows.Close()
		return nil, nil, nil, err
	}
	return rows, host, func() {
		if err := host.Close(); err != nil {
			log.Warn("mesh host close", "err", err)
		}
		rows.Close()
	}, nil
}

// meshView is the host as the service and /healthz see it.
type meshView struct{ h *mesh.Host }

func (m meshView) ID() string      { return m.h.ID().String() }
func (m meshView) Addrs() []string { return m.h.Addrs() }
