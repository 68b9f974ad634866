package network

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
)

// joinChannel joins the organisation's peer to the channel from the
// channel's genesis block, unless it has joined it; the peer then pulls
// every block from the orderers, which serve it once the channel's
// configuration admits its organisation.
func (nw *Network) joinChannel(ctx context.Context, o Org, channel string) (bool, error) {
	joined := func() (bool, error) {
		have, err := nw.PeerChannels(ctx, o.Name)
		return slices.Contains(have, channel), err
	}
	if in, err := joined(); in || err != nil {
		return false, err
	}
	if _, err := nw.peerCLI(ctx, o.Name, "channel", "join", "-b", nw.Home.GenesisBlock(channel)); err != nil {
		// An interrupted run's join may have gone through meanwhile.
		if in, _ := joined(); in {
			return true, nil
		}
		return false, err
	}
	nw.detail("peer.%s joined %s", o.Name, channel)
	return true, nil
}

// peerHeight is the height of the channel's ledger at a peer, as its
// operations endpoint reports it.
func peerHeight(ctx context.Context, p Node, channel string) (int, error) {
	m, err := scrape(ctx, p.OperationsAddr())
	if err != nil {
		return 0, err
	}
	h, _ := m.Channel("ledger_blockchain_height", channel)
	return int(h), nil
}

// waitCaughtUp waits until the organisation's peer has as many blocks of
// the channel as the other members' peers had when it began, and until
// every peer knows every other member peer of its channels (gossip).
func (nw *Network) waitCaughtUp(ctx context.Context, o Org, channel string) (bool, error) {
	start, p := time.Now(), nw.Topo.Peer(o.Name)
	h, want, err := nw.reachHeight(ctx, channel, p, o.Name)
	if err != nil {
		return false, err
	}
	caught := time.Since(start)
	if _, err := nw.gossipWait(ctx); err != nil {
		return false, err
	}
	nw.detail("%s at height %d of %s (the members' peers were at %d) after %s; every peer sees every member peer after %s",
		p.Name, h, channel, want, caught.Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))
	return false, nil
}

// reachHeight waits, at most 3 minutes, until peer p has the blocks of
// the channel that the other members' peers (all but skip's) have now,
// and answers its height and theirs.
func (nw *Network) reachHeight(ctx context.Context, channel string, p Node, skip string) (h, want int, err error) {
	want = nw.membersHeight(ctx, channel, skip)
	h, err = nw.waitHeight(ctx, channel, p, want)
	return h, want, err
}

// membersHeight is the highest height of the channel that its members'
// peers, all but skip's, have now.
func (nw *Network) membersHeight(ctx context.Context, channel, skip string) int {
	c, _ := nw.Topo.Channel(channel)
	want := 0
	for _, m := range c.Members {
		if m != skip {
			if h, err := peerHeight(ctx, nw.Topo.Peer(m), channel); err == nil {
				want = max(want, h)
			}
		}
	}
	return want
}

// waitHeight waits, at most 3 minutes, until peer p has want blocks of
// the channel, and answers its height.
func (nw *Network) waitHeight(ctx context.Context, channel string, p Node, want int) (h int, err error) {
	wctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	for {
		h, err = peerHeight(wctx, p, channel)
		if err == nil && h >= want {
			return h, nil
		}
		select {
		case <-wctx.Done():
			return h, fmt.Errorf("%s at height %d of %s, %d wanted (%v)", p.Name, h, channel, want, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// inForce lists the chaincode definitions committed on the channel: the
// licence chaincode's, and the baseline's once `wanledger bench` defined
// it.
func (nw *Network) inForce(ctx context.Context, c Channel) ([]definition, error) {
	var out []definition
	for _, d := range []definition{licenceCC, baselineCC} {
		seq, err := nw.committedSequence(ctx, c, d)
		switch {
		case err != nil:
			return nil, err
		case seq == 0:
			continue
		case seq != d.sequence:
			return nil, fmt.Errorf("%s is at sequence %d on %s, this version defines %d: use the version that defined it", d.name, seq, c.Name, d.sequence)
		}
		out = append(out, d)
	}
	return out, nil
}

// installInForce installs the package of each definition in force on the
// channel on the organisation's peer.
func (nw *Network) installInForce(ctx context.Context, o Org, channel string) (bool, error) {
	return nw.eachInForce(ctx, channel, func(c Channel, d definition) (bool, error) { return nw.installOn(ctx, d, o) })
}

// approveInForce has the organisation approve each definition in force on
// the channel. Approving the definition in force is how an organisation
// that joins later runs a chaincode: its peer takes the package its own
// organisation approved. The other members need not approve again: the
// definitions name no endorsement policy of their own, so the channel's,
// a majority of its current members, applies.
func (nw *Network) approveInForce(ctx context.Context, o Org, channel string) (bool, error) {
	return nw.eachInForce(ctx, channel, func(c Channel, d definition) (bool, error) { return nw.approveCommitted(ctx, o, c, d) })
}

func (nw *Network) eachInForce(ctx context.Context, channel string, f func(Channel, definition) (bool, error)) (bool, error) {
	c, _ := nw.Topo.Channel(channel)
	defs, err := nw.inForce(ctx, c)
	if err != nil {
		return false, err
	}
	changed := false
	for _, d := range defs {
		did, err := f(c, d)
		if err != nil {
			return changed, err
		}
		changed = changed || did
	}
	return changed, nil
}

// ApprovedPackage reads the package ID an organisation's approval names
// from `peer lifecycle chaincode queryapproved --output json`: "" when the
// approval names no local package.
func ApprovedPackage(out []byte) (string, error) {
	var q struct {
		Source struct {
			Type struct {
				LocalPackage struct {
					PackageID string `json:"package_id"`
				} `json:"LocalPackage"`
			} `json:"Type"`
		} `json:"source"`
	}
	if err := json.Unmarshal(out, &q); err != nil {
		return "", err
	}
	return q.Source.Type.LocalPackage.PackageID, nil
}

// approveCommitted approves a committed definition as the organisation,
// unless its approval of the definition, with the package of this
// version, is recorded.
func (nw *Network) approveCommitted(ctx context.Context, o Org, c Channel, d definition) (bool, error) {
	id, _, err := nw.packageOf(d)
	if err != nil {
		return false, err
	}
	out, err := nw.peerCLI(ctx, o.Name, "lifecycle", "chaincode", "queryapproved", "-C", c.Name, "-n", d.name,
		"--sequence", strconv.Itoa(d.sequence), "--output", "json")
	switch {
	case err == nil:
		approved, err := ApprovedPackage([]byte(out))
		if err != nil {
			return false, fmt.Errorf("queryapproved on peer.%s: %w", o.Name, err)
		}
		if approved == id {
			return false, nil
		}
	case !strings.Contains(err.Error(), "could not fetch approved chaincode definition"):
		return false, err
	}
	flags, err := nw.definitionFlags(c, d)
	if err != nil {
		return false, err
	}
	args := append([]string{"lifecycle", "chaincode", "approveformyorg", "--waitForEventTimeout", "60s"}, flags...)
	if _, err := nw.peerCLI(ctx, o.Name, args...); err != nil {
		return false, err
	}
	nw.detail("%s approved %s on %s (sequence %d, in force)", o.MSPID, d.name, c.Name, d.sequence)
	return true, nil
}

// memberRecord is the organisation's entry in the channel's membership as
// the topology has it.
func (nw *Network) memberRecord(o Org, c Channel) (record.Organisation, error) {
	want, err := nw.Topo.Membership(c)
	if err != nil {
		return record.Organisation{}, err
	}
	i := slices.IndexFunc(want, func(r record.Organisation) bool { return r.MSPID == o.MSPID })
	if i < 0 {
		return record.Organisation{}, fmt.Errorf("%s is no member of %s in the topology", o.Name, c.Name)
	}
	return want[i], nil
}

// isMember reads whether the channel's membership on the ledger names the
// organisation, and as what.
func (nw *Network) isMember(ctx context.Context, o Org, c Channel) (record.Organisation, bool, error) {
	m, err := nw.LedgerMembership(ctx, c)
	if err != nil {
		return record.Organisation{}, false, err
	}
	r, ok := m.Org(o.MSPID)
	return r, ok, nil
}

// addMember has the organisation's province's admin add it to the
// channel's membership on the ledger (registry:AddMember), unless it is a
// member; the membership key's policy has a majority of the members
// endorse it, which the peers' gateway plans.
func (nw *Network) addMember(ctx context.Context, o Org, channel string) (bool, error) {
	c, _ := nw.Topo.Channel(channel)
	want, err := nw.memberRecord(o, c)
	if err != nil {
		return false, err
	}
	got, in, err := nw.isMember(ctx, o, c)
	switch {
	case err != nil:
		return false, err
	case in && got != want:
		return false, &MembershipMismatchError{Channel: channel, Diff: MembershipDiff([]record.Organisation{want}, []record.Organisation{got})}
	case in:
		return false, nil
	}
	arg, err := json.Marshal(want)
	if err != nil {
		return false, err
	}
	return nw.changeMembership(ctx, o, c, nw.province(o), nil, "AddMember", string(arg), true)
}

// consentToJoin records the consents AddMember needs, unless the
// organisation is a member already (ADR 43): for a province, the
// approvals of admins of a majority of the members
// (registry:ApproveProvince), each member's admin in the topology's order
// until they are enough; for any other, its own admin's request to join
// as its province's (registry:RequestMembership).
func (nw *Network) consentToJoin(ctx context.Context, o Org, channel string) (bool, error) {
	c, _ := nw.Topo.Channel(channel)
	want, err := nw.memberRecord(o, c)
	if err != nil {
		return false, err
	}
	m, err := nw.LedgerMembership(ctx, c)
	if err != nil {
		return false, err
	}
	if _, in := m.Org(o.MSPID); in {
		return false, nil
	}
	arg, err := json.Marshal(want)
	if err != nil {
		return false, err
	}
	if !want.IsProvince() {
		if err := nw.submitAs(ctx, o.Name, c.Name, nil, "RequestMembership", string(arg), nil); err != nil {
			return true, err
		}
		return true, nw.consentsCommitted(ctx, c)
	}
	for _, name := range c.Members {
		p, _ := nw.Topo.Org(name)
		if _, member := m.Org(p.MSPID); !member {
			continue
		}
		var a record.ProvinceApproval
		if err := nw.submitAs(ctx, name, c.Name, nil, "ApproveProvince", string(arg), &a); err != nil {
			return true, err
		}
		nw.detail("%s's admin approves %s as a province with prefix %s: %d of %d needed", name, o.MSPID, want.Prefix, len(a.Approvers), a.Needed)
		if len(a.Approvers) >= a.Needed {
			return true, nw.consentsCommitted(ctx, c)
		}
	}
	return true, fmt.Errorf("%s: too few members of %s approved it as a province", o.MSPID, c.Name)
}

// consentsCommitted waits until every peer of the channel has the
// consents just committed, each through one organisation's peer: the
// peers that endorse the addition next read them.
func (nw *Network) consentsCommitted(ctx context.Context, c Channel) error {
	want := nw.membersHeight(ctx, c.Name, "")
	for _, m := range c.Members {
		if _, err := nw.waitHeight(ctx, c.Name, nw.Topo.Peer(m), want); err != nil {
			return err
		}
	}
	return nil
}

// submitAs submits a registry transaction on a channel as an
// organisation's admin, endorsed by the organisations named (none named:
// as its peer's gateway plans), and decodes its answer into out unless
// out is nil.
func (nw *Network) submitAs(ctx context.Context, org, channel string, endorsers []string, fn, arg string, out any) error {
	return nw.withContract(org, "Admin", channel, "registry", func(r *client.Contract) error {
		b, err := nw.submit(ctx, org, r, endorsers, fn, arg)
		if err != nil {
			return fmt.Errorf("%s: %s", fn, fabricid.ErrorMessage(err))
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(b, out)
	})
}

// removeMember has the organisation's province's admin remove it from the
// channel's membership on the ledger (registry:RemoveMember), unless it is
// no member; for a province, which the channel no longer admits once
// evicted, the admin of another member province. It runs after the
// eviction (the chaincode refuses before), so the organisation's peer no
// longer counts: the other members endorse, named to the gateway, which
// might still plan the evicted peer from what gossip last knew.
func (nw *Network) removeMember(ctx context.Context, o Org, channel string) (bool, error) {
	c, _ := nw.Topo.Channel(channel)
	m, err := nw.LedgerMembership(ctx, c)
	if err != nil {
		return false, err
	}
	if _, in := m.Org(o.MSPID); !in {
		return false, nil
	}
	var others []string
	for _, r := range m.Orgs {
		if r.MSPID != o.MSPID {
			others = append(others, r.MSPID)
		}
	}
	return nw.changeMembership(ctx, o, c, nw.actor(o, c), others, "RemoveMember", o.MSPID, false)
}

// actor is the organisation whose admin acts on channel c for o's
// admission and removal: o's province, or for a province, which the
// channel does not admit before its admission nor after its eviction,
// another province on c (itself if none).
func (nw *Network) actor(o Org, c Channel) string {
	if p := nw.province(o); p != o.Name {
		return p
	}
	for _, name := range c.Members {
		if p, ok := nw.Topo.Org(name); ok && p.Name != o.Name && p.Province == p.Name {
			return p.Name
		}
	}
	return o.Name
}

// changeMembership submits a membership change as the admin of
// organisation by, endorsed by the named organisations (none named, as the
// gateway plans); a failed one that an interrupted run's change made moot
// is no failure.
func (nw *Network) changeMembership(ctx context.Context, o Org, c Channel, by string, endorsers []string, fn, arg string, member bool) (bool, error) {
	var m record.Membership
	if err := nw.submitAs(ctx, by, c.Name, endorsers, fn, arg, &m); err != nil {
		if _, in, rerr := nw.isMember(ctx, o, c); rerr == nil && in == member {
			return true, nil
		}
		return false, err
	}
	nw.detail("%s's admin: %s %s on %s, membership revision %d", by, fn, o.MSPID, c.Name, m.Revision)
	return true, nil
}
