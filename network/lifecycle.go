package network

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ordererChannels lists the channels an orderer has joined.
func (nw *Network) ordererChannels(ctx context.Context, n Node) ([]string, error) {
	out, err := nw.fabric(ctx, nil, "osnadmin", append([]string{"channel", "list"}, nw.osnadminFlags(n)...)...)
	if err != nil {
		return nil, err
	}
	// osnadmin prints "Status: 200" and then the JSON body.
	i := strings.IndexByte(out, '{')
	if i < 0 {
		return nil, fmt.Errorf("osnadmin channel list: unexpected output %q", out)
	}
	var list struct {
		Channels []struct {
			Name string `json:"name"`
		} `json:"channels"`
	}
	if err := json.Unmarshal([]byte(out[i:]), &list); err != nil {
		return nil, fmt.Errorf("osnadmin channel list: %w", err)
	}
	var names []string
	for _, c := range list.Channels {
		names = append(names, c.Name)
	}
	return names, nil
}

// osnadminFlags connects osnadmin to the orderer's admin endpoint as its
// organisation's admin.
func (nw *Network) osnadminFlags(n Node) []string {
	admin := nw.Home.OrdererAdminTLS(nw.Topo.ordererOrg(n))
	return []string{"-o", n.AdminAddr(), "--ca-file", nw.Home.NodeTLS(n).CA,
		"--client-cert", admin.Cert, "--client-key", admin.Key}
}

func (nw *Network) ensureOrdererChannels(ctx context.Context) (bool, error) {
	changed := false
	for _, n := range nw.Topo.NodesOf(KindOrderer) {
		have, err := nw.ordererChannels(ctx, n)
		if err != nil {
			return changed, err
		}
		for _, c := range nw.Topo.Channels {
			if slices.Contains(have, c.Name) {
				continue
			}
			args := append([]string{"channel", "join", "--channelID", c.Name, "--config-block", nw.Home.GenesisBlock(c.Name)}, nw.osnadminFlags(n)...)
			if _, err := nw.fabric(ctx, nil, "osnadmin", args...); err != nil {
				return changed, err
			}
			nw.detail("%s joined %s", n.Name, c.Name)
			changed = true
		}
	}
	return changed, nil
}

// waitLeaders waits until every channel's Raft cluster has a leader;
// until then, and for a few seconds after a restart, every submit fails.
func (nw *Network) waitLeaders(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		leaders, missing := nw.RaftLeaders(ctx)
		if len(missing) == 0 {
			for _, c := range nw.Topo.Channels {
				nw.detail("%s: leader %s", c.Name, leaders[c.Name])
			}
			return false, nil
		}
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("no Raft leader on %s", strings.Join(missing, ", "))
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// RaftLeaders returns the orderer leading each channel, and the channels
// that have none now.
func (nw *Network) RaftLeaders(ctx context.Context) (leaders map[string]string, missing []string) {
	leaders = map[string]string{}
	for _, o := range nw.Topo.NodesOf(KindOrderer) {
		m, err := scrape(ctx, o.OperationsAddr())
		if err != nil {
			continue
		}
		for _, c := range nw.Topo.Channels {
			if v, _ := m.Channel("consensus_etcdraft_is_leader", c.Name); v == 1 {
				leaders[c.Name] = o.Name
			}
		}
	}
	for _, c := range nw.Topo.Channels {
		if leaders[c.Name] == "" {
			missing = append(missing, c.Name)
		}
	}
	return leaders, missing
}

// peerCLI runs `peer` as the organisation's admin.
func (nw *Network) peerCLI(ctx context.Context, org string, args ...string) (string, error) {
	env, err := nw.AdminEnv(org)
	if err != nil {
		return "", err
	}
	return nw.fabric(ctx, env, "peer", args...)
}

// PeerChannels lists the channels the organisation's peer has joined.
func (nw *Network) PeerChannels(ctx context.Context, org string) ([]string, error) {
	out, err := nw.peerCLI(ctx, org, "channel", "list")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.Contains(l, " ") && !strings.HasSuffix(l, ":") {
			names = append(names, l)
		}
	}
	return names, nil
}

func (nw *Network) ensurePeerChannels(ctx context.Context) (bool, error) {
	changed := false
	for _, o := range nw.Topo.Orgs {
		have, err := nw.PeerChannels(ctx, o.Name)
		if err != nil {
			return changed, err
		}
		for _, c := range nw.Topo.ChannelsOf(o.Name) {
			if slices.Contains(have, c.Name) {
				continue
			}
			if _, err := nw.peerCLI(ctx, o.Name, "channel", "join", "-b", nw.Home.GenesisBlock(c.Name)); err != nil {
				return changed, err
			}
			nw.detail("peer.%s joined %s", o.Name, c.Name)
			changed = true
		}
	}
	return changed, nil
}

// waitGossip waits until every peer knows every other member peer of each of
// its channels; until then endorsement plans across organisations fail.
func (nw *Network) waitGossip(ctx context.Context) (bool, error) {
	d, err := nw.gossipWait(ctx)
	if err == nil && d > time.Second {
		nw.detail("all peers see each other after %s", d.Round(100*time.Millisecond))
	}
	return false, err
}

// gossipWait waits up to two minutes until every peer knows every other
// member peer of its channels, and returns how long it waited.
func (nw *Network) gossipWait(ctx context.Context) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	start := time.Now()
	for {
		missing := nw.gossipMissing(ctx)
		if len(missing) == 0 {
			return time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return time.Since(start), fmt.Errorf("peers do not see each other: %s", strings.Join(missing, "; "))
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (nw *Network) gossipMissing(ctx context.Context) []string {
	var missing []string
	for _, o := range nw.Topo.Orgs {
		p := nw.Topo.Peer(o.Name)
		m, err := scrape(ctx, p.OperationsAddr())
		if err != nil {
			missing = append(missing, fmt.Sprintf("%s: %v", p.Name, err))
			continue
		}
		for _, c := range nw.Topo.ChannelsOf(o.Name) {
			known, _ := m.Channel("gossip_membership_total_peers_known", c.Name)
			if want := len(c.Members) - 1; int(known) < want {
				missing = append(missing, fmt.Sprintf("%s knows %d of %d on %s", p.Name, int(known), want, c.Name))
			}
		}
	}
	return missing
}

// installed is one package in `peer lifecycle chaincode queryinstalled`.
type installed struct {
	PackageID string `json:"package_id"`
}

// ensureInstalled installs a chaincode's package on every peer that lacks it.
func (nw *Network) ensureInstalled(ctx context.Context, d definition) (bool, error) {
	changed := false
	for _, o := range nw.Topo.Orgs {
		did, err := nw.installOn(ctx, d, o)
		if err != nil {
			return changed, err
		}
		changed = changed || did
	}
	return changed, nil
}

// installOn installs a chaincode's package on the organisation's peer
// unless it has it.
func (nw *Network) installOn(ctx context.Context, d definition, o Org) (bool, error) {
	id, _, err := nw.packageOf(d)
	if err != nil {
		return false, err
	}
	has := func() (bool, error) {
		out, err := nw.peerCLI(ctx, o.Name, "lifecycle", "chaincode", "queryinstalled", "--output", "json")
		if err != nil {
			return false, err
		}
		var q struct {
			Installed []installed `json:"installed_chaincodes"`
		}
		if err := json.Unmarshal([]byte(out), &q); err != nil {
			return false, fmt.Errorf("queryinstalled on peer.%s: %w", o.Name, err)
		}
		return slices.ContainsFunc(q.Installed, func(c installed) bool { return c.PackageID == id }), nil
	}
	if in, err := has(); in || err != nil {
		return false, err
	}
	if _, err := nw.peerCLI(ctx, o.Name, "lifecycle", "chaincode", "install", nw.Home.ChaincodePackage(d.name)); err != nil {
		// An interrupted run's install may have gone through meanwhile.
		if in, _ := has(); !in {
			return false, err
		}
	}
	nw.detail("%s installed on peer.%s", d.name, o.Name)
	return true, nil
}

// committedSequence returns the sequence of a chaincode's definition
// committed on the channel, or 0.
func (nw *Network) committedSequence(ctx context.Context, c Channel, d definition) (int, error) {
	out, err := nw.peerCLI(ctx, c.Members[0], "lifecycle", "chaincode", "querycommitted", "-C", c.Name, "-n", d.name, "--output", "json")
	if err != nil {
		if strings.Contains(err.Error(), "namespace "+d.name+" is not defined") {
			return 0, nil
		}
		return 0, err
	}
	var q struct {
		Sequence int `json:"sequence"`
	}
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		return 0, fmt.Errorf("querycommitted on %s: %w", c.Name, err)
	}
	return q.Sequence, nil
}

func (nw *Network) definitionFlags(c Channel, d definition) ([]string, error) {
	ord := nw.Topo.NodesOf(KindOrderer)[0]
	id, _, err := nw.packageOf(d)
	if err != nil {
		return nil, err
	}
	return []string{"-o", ord.ListenAddr(), "--tls", "--cafile", nw.Home.NodeTLS(ord).CA,
		"-C", c.Name, "-n", d.name, "-v", d.version,
		"--sequence", strconv.Itoa(d.sequence), "--package-id", id}, nil
}

// ensureApproved has every member approve a chaincode's definition on
// each channel where it is not committed yet.
func (nw *Network) ensureApproved(ctx context.Context, d definition) (bool, error) {
	changed := false
	for _, c := range nw.Topo.Channels {
		seq, err := nw.committedSequence(ctx, c, d)
		if err != nil {
			return changed, err
		}
		if seq >= d.sequence {
			continue
		}
		flags, err := nw.definitionFlags(c, d)
		if err != nil {
			return changed, err
		}
		approvals, err := nw.approvals(ctx, c, flags)
		if err != nil {
			return changed, err
		}
		for _, m := range c.Members {
			org, _ := nw.Topo.Org(m)
			if approvals[org.MSPID] {
				continue
			}
			args := append([]string{"lifecycle", "chaincode", "approveformyorg", "--waitForEventTimeout", "60s"}, flags...)
			if _, err := nw.peerCLI(ctx, m, args...); err != nil {
				return changed, err
			}
			nw.detail("%s approved %s on %s", org.MSPID, d.name, c.Name)
			changed = true
		}
	}
	return changed, nil
}

// approvals tells which members approved the definition.
func (nw *Network) approvals(ctx context.Context, c Channel, flags []string) (map[string]bool, error) {
	args := append([]string{"lifecycle", "chaincode", "checkcommitreadiness", "--output", "json"}, withoutPackageID(flags)...)
	out, err := nw.peerCLI(ctx, c.Members[0], args...)
	if err != nil {
		return nil, err
	}
	var r struct {
		Approvals map[string]bool `json:"approvals"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		return nil, fmt.Errorf("checkcommitreadiness on %s: %w", c.Name, err)
	}
	return r.Approvals, nil
}

func withoutPackageID(flags []string) []string {
	var out []string
	for i := 0; i < len(flags); i++ {
		if flags[i] == "--package-id" {
			i++
			continue
		}
		out = append(out, flags[i])
	}
	return out
}

// ensureCommitted commits a chaincode's approved definition on each
// channel, every member peer endorsing.
func (nw *Network) ensureCommitted(ctx context.Context, d definition) (bool, error) {
	changed := false
	for _, c := range nw.Topo.Channels {
		seq, err := nw.committedSequence(ctx, c, d)
		if err != nil {
			return changed, err
		}
		if seq >= d.sequence {
			continue
		}
		flags, err := nw.definitionFlags(c, d)
		if err != nil {
			return changed, err
		}
		args := append([]string{"lifecycle", "chaincode", "commit", "--waitForEventTimeout", "60s"}, withoutPackageID(flags)...)
		for _, m := range c.Members {
			org, _ := nw.Topo.Org(m)
			args = append(args, "--peerAddresses", nw.Topo.Peer(m).ListenAddr(), "--tlsRootCertFiles", nw.Home.OrgTLSCA(org))
		}
		if _, err := nw.peerCLI(ctx, c.Members[0], args...); err != nil {
			return changed, err
		}
		nw.detail("%s %s committed on %s (sequence %d)", d.name, d.version, c.Name, d.sequence)
		changed = true
	}
	return changed, nil
}
