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
// from, unless that definition is the one in effect on the channel, or
// that admin's approval of it counts in the current generation.
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
// unless approvalCounts says there is nothing to approve.
func (nw *Network) approveSource(ctx context.Context, org, channel string, src record.RelaySource) (bool, error) {
	o, _ := nw.Topo.Org(org)
	arg, err := json.Marshal(src)
	if err != nil {
		return false, err
	}
	did := false
	err = nw.withContract(org, "Admin", channel, "relay", func(c *client.Contract) error {
		active, err := sourceInEffect(ctx, c, src.Channel)
		if err != nil {
			return err
		}
		proposals, err := sourceApprovals(ctx, c, src.Channel)
		if err != nil || approvalCounts(active, proposals, gm.SM3Hex(arg), o.MSPID) {
			return err
		}
		if _, err := nw.submit(ctx, org, c, nil, "ApproveSource", string(arg)); err != nil {
			return fmt.Errorf("ApproveSource: %s", fabricid.ErrorMessage(err))
		}
		did = true
		return nil
	})
	return did, err
}

// approvalCounts tells whether mspID has nothing to approve for the
// definition of digest: it is the definition in effect (active; nil when
// none is), or mspID's approval of it is recorded in the current
// generation. An approval recorded in an earlier generation (made before
// the definition in effect took effect) counts no more on the ledger
// (relay:ApproveSource), so it is made again: a definition that was in
// effect before, such as the one without an organisation that has left,
// needs a fresh majority.
func approvalCounts(active *record.SourceApproval, proposals []record.SourceApproval, digest, mspID string) bool {
	gen := 0
	if active != nil {
		if active.Digest == digest {
			return true
		}
		gen = active.Generation
	}
	return slices.ContainsFunc(proposals, func(a record.SourceApproval) bool {
		return a.Digest == digest && !a.Active && a.Generation == gen && slices.Contains(a.Approvers, mspID)
	})
}

// sourceInEffect is the channel's definition in effect of a source
// channel (relay:GetSource), nil if none is.
func sourceInEffect(ctx context.Context, c *client.Contract, channel string) (*record.SourceApproval, error) {
	out, err := c.EvaluateWithContext(ctx, "GetSource", client.WithArguments(channel))
	if err != nil {
		if notFound(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("GetSource: %s", fabricid.ErrorMessage(err))
	}
	var a record.SourceApproval
	return &a, json.Unmarshal(out, &a)
}

// sourceApprovals lists the definitions proposed for a source channel
// and their approvals (relay:ListSourceApprovals, page by page).
func sourceApprovals(ctx context.Context, c *client.Contract, channel string) ([]record.SourceApproval, error) {
	var all []record.SourceApproval
	bookmark := ""
	for {
		out, err := c.EvaluateWithContext(ctx, "ListSourceApprovals", client.WithArguments(channel, "50", bookmark))
		if err != nil {
			return nil, fmt.Errorf("ListSourceApprovals: %s", fabricid.ErrorMessage(err))
		}
		var page record.Page[record.SourceApproval]
		if err := json.Unmarshal(out, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.Bookmark == "" || page.Bookmark == bookmark || len(page.Items) == 0 {
			return all, nil
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
