package network

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// AddOrg adds an organisation to a channel of the running network
// (wanledger org add, ADR 41) and reports whether it changed anything.
// Each step does only what is missing, as Up's do, so that the same call
// after a failure at any step, or after it finished, ends in the state of
// one run that never failed. The topology records the organisation first,
// Pending (every command then knows its nodes; up waits for the addition
// to finish), and last without Pending.
func (nw *Network) AddOrg(ctx context.Context, s OrgSpec) (bool, error) {
	start := time.Now()
	w, err := nw.runningWindow()
	if err != nil {
		return false, err
	}
	nw.Topo.TimeWindow = w
	o, next, err := nw.planAdd(s)
	if err != nil {
		return false, err
	}
	ch := s.Channel
	if _, recorded := nw.Topo.Org(o.Name); !recorded {
		if err := nw.checkClaim(ctx, o, next, ch); err != nil {
			return false, err
		}
	}
	peer, cc, gw := next.Peer(o.Name), nodeOf(next, KindChaincode, o.Name), nodeOf(next, KindGateway, o.Name)
	where := ""
	if o.Host != "" {
		where = fmt.Sprintf(" on host %s (%s)", o.Host, peer.On.Address)
	}
	steps := []step{
		{fmt.Sprintf("topology: %s (%s, of %s) on %s, ports %d-%d%s, recorded as being added (%s)", o.Name, o.MSPID, nw.province(o), ch, o.Base, o.Base+AddedBlock-1, where, TopologyFile),
			func(context.Context) (bool, error) { return nw.record(next) }},
		{"crypto material of " + o.Name + " (cryptogen, NodeOUs on) and its peer-to-chaincode TLS",
			func(ctx context.Context) (bool, error) { return nw.ensureOrgCrypto(ctx, o) }},
		{fmt.Sprintf("channel %s admits %s: configuration update signed by a majority of its admins, submitted to the orderers", ch, o.MSPID),
			func(ctx context.Context) (bool, error) { return nw.admitOrg(ctx, o, ch) }},
		{fmt.Sprintf("anchor peer of %s on %s: configuration update signed by its admin", o.MSPID, ch),
			func(ctx context.Context) (bool, error) { return nw.ensureAnchorPeer(ctx, o, ch) }},
		{peer.Name + " started", func(ctx context.Context) (bool, error) { return nw.ensureNodesOf(ctx, []Node{peer}) }},
		{fmt.Sprintf("%s joins %s (its genesis block; the orderers deliver the rest)", peer.Name, ch),
			func(ctx context.Context) (bool, error) { return nw.joinChannel(ctx, o, ch) }},
		{fmt.Sprintf("%s at the height of %s; every peer sees every member peer (gossip)", peer.Name, ch),
			func(ctx context.Context) (bool, error) { return nw.waitCaughtUp(ctx, o, ch) }},
		{"chaincode packages in force installed on " + peer.Name,
			func(ctx context.Context) (bool, error) { return nw.installInForce(ctx, o, ch) }},
		{cc.Name + " server started", func(ctx context.Context) (bool, error) { return nw.ensureNodesOf(ctx, []Node{cc}) }},
		{"chaincode definitions in force approved by " + o.MSPID,
			func(ctx context.Context) (bool, error) { return nw.approveInForce(ctx, o, ch) }},
		{nw.consentLabel(o, ch),
			func(ctx context.Context) (bool, error) { return nw.consentToJoin(ctx, o, ch) }},
		{fmt.Sprintf("membership of %s on the ledger: %s's admin adds %s (registry:AddMember, endorsed by a majority of the members)", ch, nw.province(o), o.MSPID),
			func(ctx context.Context) (bool, error) { return nw.addMember(ctx, o, ch) }},
		{o.MSPID + "'s demo identities bound to their roles", func(ctx context.Context) (bool, error) {
			n, err := nw.bindDemoRoles(ctx, o)
			if n > 0 {
				nw.detail("%s: %d demo identities bound to their roles on %s", o.MSPID, n, ch)
			}
			return n > 0, err
		}},
		{o.Name + "'s gateway API keys", nw.ensureKeys},
		{gw.Name + " started", func(ctx context.Context) (bool, error) { return nw.ensureNodesOf(ctx, []Node{gw}) }},
		{"the other gateways and relays restarted where the new membership changes their configuration",
			func(ctx context.Context) (bool, error) { return nw.restartStale(ctx, o.Name) }},
		{"relay sources approved by every member of each receiving channel", nw.ensureRelaySources},
		{"gateway mesh endpoint of " + o.MSPID + " registered on the ledger", func(ctx context.Context) (bool, error) {
			did, err := nw.registerMesh(ctx, o)
			if did {
				nw.detail("%s: gateway mesh endpoint registered on %s", o.MSPID, ch)
			}
			return did, err
		}},
		{"topology: " + o.Name + " added", func(context.Context) (bool, error) { return nw.record(next.withPending(o.Name, false)) }},
	}
	changed, err := nw.run(ctx, steps)
	if err != nil {
		return changed, err
	}
	if changed {
		nw.step("%s added to %s in %s", o.Name, ch, time.Since(start).Round(100*time.Millisecond))
	} else {
		nw.step("%s is on %s already: nothing changed", o.Name, ch)
	}
	return changed, nil
}

// planAdd returns the organisation to add and the topology with it: the
// one recorded, if the organisation is (an addition to resume or repeat),
// else a new one, Pending, on the first free ports after the network's.
func (nw *Network) planAdd(s OrgSpec) (Org, Topology, error) {
	o, err := nw.Topo.orgOf(s)
	if err != nil {
		return Org{}, Topology{}, err
	}
	if cur, ok := nw.Topo.Org(o.Name); ok {
		on := strings.Join(channelNames(nw.Topo.ChannelsOf(cur.Name)), ", ")
		asked := o
		asked.Base, asked.Pending = cur.Base, cur.Pending
		switch {
		case cur.Base == 0:
			return Org{}, Topology{}, specErr("organisation "+cur.Name, "part of the network since it was made (on %s): org add adds an organisation the network does not have", on)
		case !reflect.DeepEqual(asked, cur) || on != s.Channel:
			return Org{}, Topology{}, specErr("organisation "+cur.Name, "in the topology already (%s of %s, in %s, on %s): org add takes a new organisation to one channel, or repeats the same addition",
				cur.MSPID, cur.Province, cur.Place.Locality, on)
		}
		return cur, nw.Topo, nil
	}
	if err := nw.Pending(); err != nil {
		return Org{}, Topology{}, err
	}
	if o.Base, err = nw.Topo.freeBlock(nw.Topo.hostOf(o.Host)); err != nil {
		return Org{}, Topology{}, err
	}
	o.Pending = true
	next := nw.Topo.withOrg(o, s.Channel)
	if err := next.Validate(); err != nil {
		return Org{}, Topology{}, &SpecError{What: "organisation " + o.Name, Err: err}
	}
	return o, next, nil
}

// checkClaim refuses, before any step changes the network, an
// organisation the channel's ledger would refuse at its membership step
// (ADR 43): a former member coming back as another province's or with
// another prefix, and a province whose prefix another province holds or
// held on the channel. It reads every version of the membership
// (registry:MembershipHistory).
func (nw *Network) checkClaim(ctx context.Context, o Org, next Topology, channel string) error {
	nc, _ := next.Channel(channel)
	orgs, err := next.Membership(nc)
	if err != nil {
		return err
	}
	want := orgs[slices.IndexFunc(orgs, func(r record.Organisation) bool { return r.MSPID == o.MSPID })]
	c, _ := nw.Topo.Channel(channel)
	history, err := nw.membershipHistory(ctx, c)
	if err != nil {
		return err
	}
	for _, m := range history {
		for _, r := range m.Orgs {
			switch {
			case r.MSPID == want.MSPID && r != want:
				return specErr("organisation "+o.Name, "%s was a member of %s as %s: it rejoins only as that", o.MSPID, channel, describe(r))
			case want.IsProvince() && r.IsProvince() && r.Prefix == want.Prefix && r.MSPID != want.MSPID:
				return specErr("--prefix", "%s is province %s's on channel %s (revision %d of its membership): a province's division-code prefix stays its own, also after it left", want.Prefix, r.MSPID, channel, m.Revision)
			}
		}
	}
	return nil
}

// consentLabel names the step of the consents to the organisation's
// joining.
func (nw *Network) consentLabel(o Org, channel string) string {
	if p := nw.province(o); p != o.Name {
		return fmt.Sprintf("%s's admin asks to join %s as %s's organisation (registry:RequestMembership)", o.MSPID, channel, p)
	}
	return fmt.Sprintf("admins of a majority of %s's members approve %s as a province with prefix %s (registry:ApproveProvince)", channel, o.MSPID, o.Prefix)
}

// nodeOf returns an organisation's node of a kind.
func nodeOf(t Topology, k Kind, org string) Node {
	n, _ := t.Node(string(k) + "." + org)
	return n
}

// ensureOrgCrypto makes the organisation's crypto material with cryptogen,
// as up makes every organisation's, in a scratch directory renamed into
// place (whole or absent), then its peer-to-chaincode link material, and
// writes cryptogen's input for the whole topology, as up would have.
func (nw *Network) ensureOrgCrypto(ctx context.Context, o Org) (bool, error) {
	changed := false
	dir, tmp := nw.Home.orgDir(o), nw.Home.Path("crypto.add")
	if err := os.RemoveAll(tmp); err != nil {
		return false, err
	}
	switch _, err := os.Stat(dir); {
	case errors.Is(err, os.ErrNotExist):
		cfg, err := Topology{Orgs: []Org{o}, Hosts: nw.Topo.Hosts}.RenderCryptoConfig(nw.Home)
		if err != nil {
			return false, err
		}
		if _, err := writeIfChanged(filepath.Join(tmp, "crypto-config.yaml"), cfg, 0o644); err != nil {
			return false, err
		}
		out := filepath.Join(tmp, "out")
		if _, err := nw.fabric(ctx, nil, "cryptogen", "generate", "--config", filepath.Join(tmp, "crypto-config.yaml"), "--output", out); err != nil {
			return false, err
		}
		if err := os.Rename(filepath.Join(out, "peerOrganizations", o.Domain()), dir); err != nil {
			return false, err
		}
		if err := os.RemoveAll(tmp); err != nil {
			return false, err
		}
		nw.detail("certificates of %s in %s", o.MSPID, dir)
		changed = true
	case err != nil:
		return false, err
	}
	wrote, err := nw.writeCryptoConfig()
	if err != nil {
		return changed, err
	}
	if wrote {
		nw.detail("%s names %s (cryptogen's input for the whole topology)", filepath.Join(nw.Home.Config(), "crypto-config.yaml"), o.MSPID)
	}
	made, err := nw.makeChaincodeTLS(o)
	if made {
		nw.detail("%s: chaincode link CA, server and peer certificates in %s", o.MSPID, nw.Home.chaincodeTLSDir(o))
	}
	return changed || wrote || made, err
}

// writeCryptoConfig writes cryptogen's input for the topology, which up
// compares with the one that made the run directory's crypto material.
func (nw *Network) writeCryptoConfig() (bool, error) {
	cfg, err := nw.Topo.RenderCryptoConfig(nw.Home)
	if err != nil {
		return false, err
	}
	return writeIfChanged(filepath.Join(nw.Home.Config(), "crypto-config.yaml"), cfg, 0o644)
}
