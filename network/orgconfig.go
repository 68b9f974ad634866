package network

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// orgGroup is the organisation's group of a channel configuration, as
// configtxgen -printOrg renders it from the topology's configtx.yaml: its
// MSP (root and TLS root certificates, NodeOUs) and its policies (Readers,
// Writers, Admins, Endorsement), without anchor peers.
func (nw *Network) orgGroup(ctx context.Context, o Org) (map[string]any, error) {
	dir := nw.Home.Path("config", "print")
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg, err := nw.Topo.RenderConfigtx(nw.Home)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "configtx.yaml"), cfg, 0o600); err != nil {
		return nil, err
	}
	out, err := nw.fabric(ctx, nil, "configtxgen", "-configPath", dir, "-printOrg", o.MSPID)
	if err != nil {
		return nil, err
	}
	var g map[string]any
	if err := decodeJSON([]byte(out), &g); err != nil {
		return nil, fmt.Errorf("configtxgen -printOrg %s: %w", o.MSPID, err)
	}
	return g, nil
}

// admitOrg adds the organisation's group to the channel's application
// organisations, signed by a majority of the channel's admins.
func (nw *Network) admitOrg(ctx context.Context, o Org, channel string) (bool, error) {
	c, _ := nw.Topo.Channel(channel)
	return nw.changeConfig(ctx, configChange{
		channel: channel, reader: nw.actor(o, c),
		done: func(cfg map[string]any) bool { _, in := applicationOrgs(cfg)[o.MSPID]; return in },
		apply: func(cfg map[string]any) error {
			orgs := applicationOrgs(cfg)
			if orgs == nil {
				return fmt.Errorf("channel %s has no application organisations in its configuration", channel)
			}
			g, err := nw.orgGroup(ctx, o)
			orgs[o.MSPID] = g
			return err
		},
		signers: func(cfg map[string]any) ([]string, error) { return nw.adminMajority(cfg, channel, o.Name) },
	})
}

// evictOrg removes the organisation's group from the channel's
// application organisations, signed by a majority of the channel's admins
// other than its own.
func (nw *Network) evictOrg(ctx context.Context, o Org, channel string) (bool, error) {
	c, _ := nw.Topo.Channel(channel)
	return nw.changeConfig(ctx, configChange{
		channel: channel, reader: nw.actor(o, c),
		done: func(cfg map[string]any) bool { _, in := applicationOrgs(cfg)[o.MSPID]; return !in },
		apply: func(cfg map[string]any) error {
			delete(applicationOrgs(cfg), o.MSPID)
			return nil
		},
		signers: func(cfg map[string]any) ([]string, error) { return nw.adminMajority(cfg, channel, o.Name) },
	})
}

// ensureAnchorPeer sets the organisation's peer as its anchor peer on the
// channel, the update signed by its own admin (the value's modification
// policy is the organisation's Admins): through it the other
// organisations' peers learn of its peer (gossip).
func (nw *Network) ensureAnchorPeer(ctx context.Context, o Org, channel string) (bool, error) {
	p := nw.Topo.Peer(o.Name)
	host, port := splitAddr(p.ListenAddr())
	anchor := map[string]any{"host": host, "port": json.Number(port)}
	return nw.changeConfig(ctx, configChange{
		channel: channel, reader: o.Name,
		done: func(cfg map[string]any) bool {
			v := object(applicationOrgs(cfg), o.MSPID, "values", "AnchorPeers", "value")
			peers, _ := v["anchor_peers"].([]any)
			for _, a := range peers {
				if a, ok := a.(map[string]any); ok && a["host"] == host && fmt.Sprint(a["port"]) == port {
					return true
				}
			}
			return false
		},
		apply: func(cfg map[string]any) error {
			values := object(applicationOrgs(cfg), o.MSPID, "values")
			if values == nil {
				return fmt.Errorf("channel %s does not admit %s yet", channel, o.MSPID)
			}
			values["AnchorPeers"] = map[string]any{"mod_policy": "Admins", "version": "0",
				"value": map[string]any{"anchor_peers": []any{anchor}}}
			return nil
		},
		signers: func(map[string]any) ([]string, error) { return []string{o.Name}, nil },
	})
}

// province is the organisation's province in the topology: its admin
// reads and changes the channel's records of the organisation.
func (nw *Network) province(o Org) string {
	if p, ok := nw.Topo.Org(o.Province); ok {
		return p.Name
	}
	return o.Name
}
