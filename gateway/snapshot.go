package gateway

import (
	"fmt"
	"sync"

	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/snapshot"
)

// snapshotSource signs snapshots with the configured identity's MSP key,
// loaded on first use (a gateway that serves none never reads it).
func (g *Gateway) snapshotSource() service.SnapshotSource {
	load := sync.OnceValues(func() (snapshot.Signer, error) {
		id := g.cfg.SnapshotIdentity()
		x, sign, err := fabricid.Load(g.cfg.MSPID, id.MSPDir)
		if err != nil {
			return snapshot.Signer{}, fmt.Errorf("snapshot identity %s: %w", id.Name, err)
		}
		return snapshot.Signer{CertPEM: x.Credentials(), Sign: sign}, nil
	})
	return service.SnapshotSource{MSPID: g.cfg.MSPID, Channel: g.cfg.Channel, Signer: load, Freshness: g.cfg.SnapshotFreshness}
}
