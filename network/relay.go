package network

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/relayconfig"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/nodeops"
)

// RelayUser is the client identity a relay acts as: its organisation's
// plain client, with no role (the proofs carry the trust).
const RelayUser = "User1"

// relayConfig renders a relay's configuration file (its path and
// content): it relays between every channel of its organisation, through
// its organisation's peer.
func (nw *Network) relayConfig(n Node) (string, []byte, error) {
	org, _ := nw.Topo.Org(n.Org)
	msp, _ := nw.Home.User(org, RelayUser)
	cfg := relayconfig.Config{Org: org.Name, MSPID: org.MSPID, MSPDir: msp, Chaincode: ChaincodeName,
		Peer:    config.PeerConfig{Address: nw.Topo.Peer(org.Name).ListenAddr(), TLSCA: nw.Home.OrgTLSCA(org)},
		DataDir: filepath.Join(nw.Home.NodeDir(n.Name), "checkpoints"), Listen: n.ListenAddr()}
	for _, c := range nw.Topo.ChannelsOf(org.Name) {
		cfg.Channels = append(cfg.Channels, relayconfig.Channel{Name: c.Name, Members: nw.memberMSPIDs(c)})
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return "", nil, err
	}
	return filepath.Join(nw.Home.NodeDir(n.Name), "relay.json"), append(b, '\n'), nil
}

func (nw *Network) memberMSPIDs(c Channel) []string {
	var out []string
	for _, m := range c.Members {
		o, _ := nw.Topo.Org(m)
		out = append(out, o.MSPID)
	}
	return out
}

// relayed reports whether some organisation relays between two channels.
func (nw *Network) relayed(a, b Channel) bool {
	return slices.ContainsFunc(a.Members, func(m string) bool { return slices.Contains(b.Members, m) })
}

// RelaySource is the definition of channel c as a relay source: its
// chaincode and each member organisation's MSP CA certificates, from the
// run directory's crypto material, sorted by MSP ID.
func (nw *Network) RelaySource(c Channel) (record.RelaySource, error) {
	src := record.RelaySource{Channel: c.Name, Chaincode: ChaincodeName}
	for _, m := range c.Members {
		o, _ := nw.Topo.Org(m)
		dir := filepath.Join(nw.Home.OrgMSP(o), "cacerts")
		entries, err := os.ReadDir(dir)
		if err != nil {
			return src, err
		}
		ro := record.RelayOrg{MSPID: o.MSPID}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return src, err
			}
			ro.RootCerts = append(ro.RootCerts, string(b))
		}
		src.Orgs = append(src.Orgs, ro)
	}
	slices.SortFunc(src.Orgs, func(a, b record.RelayOrg) int { return strings.Compare(a.MSPID, b.MSPID) })
	return src, nil
}

// ensureRelaySources has the admin of every member of each channel approve
// (relay:ApproveSource) the definition of each other channel it is relayed
// from, unless that admin's approval of the same definition is recorded.
func (nw *Network) ensureRelaySources(ctx context.Context) (bool, error) {
	changed := false
	for _, c := range nw.Topo.Channels {
		for _, s := range nw.Topo.Channels {
			if s.Name == c.Name || !nw.relayed(c, s) {
				continue
			}
			src, err := nw.RelaySource(s)
			if err != nil {
				return changed, err
			}
			for _, m := range c.Members {
				did, err := nw.approveSource(ctx, m, c.Name, src)
				if err != nil {
					return changed, fmt.Errorf("%s approving source %s on %s: %w", m, s.Name, c.Name, err)
				}
				if did {
					nw.detail("%s approved %s as a relay source on %s", m, s.Name, c.Name)
					changed = true
				}
			}
		}
	}
	return changed, nil
}

// approveSource approves src on channel as org's admin, through org's peer,
// unless the approval is recorded already.
func (nw *Network) approveSource(ctx context.Context, org, channel string, src record.RelaySource) (bool, error) {
	o, _ := nw.Topo.Org(org)
	arg, err := json.Marshal(src)
	if err != nil {
		return false, err
	}
	did := false
	err = nw.withContract(org, "Admin", channel, "relay", func(c *client.Contract) error {
		approved, err := sourceApproved(ctx, c, src.Channel, gm.SM3Hex(arg), o.MSPID)
		if err != nil || approved {
			return err
		}
		if _, _, err := fabricid.Submit(ctx, c, "ApproveSource", 5, string(arg)); err != nil {
			return fmt.Errorf("ApproveSource: %s", fabricid.ErrorMessage(err))
		}
		did = true
		return nil
	})
	return did, err
}

// sourceApproved tells whether mspID approved the definition of digest
// (relay:ListSourceApprovals, page by page).
func sourceApproved(ctx context.Context, c *client.Contract, channel, digest, mspID string) (bool, error) {
	bookmark := ""
	for {
		out, err := c.EvaluateWithContext(ctx, "ListSourceApprovals", client.WithArguments(channel, "50", bookmark))
		if err != nil {
			return false, fmt.Errorf("ListSourceApprovals: %s", fabricid.ErrorMessage(err))
		}
		var page record.Page[record.SourceApproval]
		if err := json.Unmarshal(out, &page); err != nil {
			return false, err
		}
		for _, a := range page.Items {
			if a.Digest == digest && slices.Contains(a.Approvers, mspID) {
				return true, nil
			}
		}
		if page.Bookmark == "" || page.Bookmark == bookmark || len(page.Items) == 0 {
			return false, nil
		}
		bookmark = page.Bookmark
	}
}

// RelayLag is the source blocks the network's relays have yet to carry,
// over every relay and direction.
func (t Topology) RelayLag(ctx context.Context) (uint64, error) {
	var lag uint64
	for _, n := range t.NodesOf(KindRelay) {
		dirs, err := nodeops.RelayStatus(ctx, n.ListenAddr())
		if err != nil {
			return 0, fmt.Errorf("%s: %w", n.Name, err)
		}
		for _, d := range dirs {
			lag += d.LagBlocks
		}
	}
	return lag, nil
}
