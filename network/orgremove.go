package network

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// RemoveOrg takes an organisation added by AddOrg off its channel (wanledger
// org remove, ADR 41) and reports whether it changed anything: a majority
// of the other members' admins remove it from the channel's configuration
// (from then on no endorsement of its peer counts, and no identity of it
// is a reader or writer of the channel), then its province's admin (for a
// province, another member province's) removes it from the channel's
// membership on the ledger, which refuses that before, and its nodes are
// stopped by PID. Its files (certificates, ledger, keys, logs) stay in the
// run directory. Each step does only what is missing, so the same call
// after a failure at any step ends as one that never failed; the topology
// marks the organisation Pending first and drops it last.
//
// An organisation removed already (not in the topology, its files in the
// run directory) is nothing to remove; any other name the topology lacks
// is a *SpecError naming those org remove can remove.
func (nw *Network) RemoveOrg(ctx context.Context, name, channel string) (bool, error) {
	start := time.Now()
	o, ok := nw.Topo.Org(name)
	if !ok {
		if validName(name) && nw.Home.removed(name) {
			nw.step("%s was removed from this network already (its files stay in %s): nothing to remove", name, nw.Home)
			return false, nil
		}
		return false, specErr("", "%s is no organisation of this network: nothing to remove (%s)", name, nw.removable())
	}
	on := nw.Topo.ChannelsOf(o.Name)
	switch {
	case o.Base == 0:
		return false, specErr("organisation "+o.Name, "part of the network since it was made; its nodes' ports are laid out with the others', so only an organisation added by `wanledger org add` can be removed")
	case len(on) != 1 || on[0].Name != channel:
		return false, specErr("", "%s is not on channel %s; it is on %s", o.Name, channel, strings.Join(channelNames(on), ", "))
	}
	// The ledger removes a province after its organisations: refused there,
	// this removal would stay pending and stop theirs.
	var cities []string
	for _, c := range nw.Topo.Orgs {
		if c.Province == o.Name && c.Name != o.Name {
			cities = append(cities, c.Name)
		}
	}
	if len(cities) > 0 {
		return false, specErr("province "+o.Name, "still has organisations of its own (%s): org remove them first", strings.Join(cities, ", "))
	}
	if err := nw.Pending(); err != nil && !o.Pending {
		return false, err
	}
	marked := nw.Topo.withPending(o.Name, true)
	// after is the network without the organisation, as each step sees it
	// when it runs (with the step's output).
	after := func() *Network { a := *nw; a.Topo = nw.Topo.withoutOrg(o.Name); return &a }
	var own []Node
	for _, n := range nw.Topo.Nodes() {
		if n.Org == o.Name {
			own = append(own, n)
		}
	}
	steps := []step{
		{"topology: " + o.Name + " recorded as being removed (" + TopologyFile + ")",
			func(context.Context) (bool, error) { return nw.record(marked) }},
		{fmt.Sprintf("channel %s no longer admits %s: configuration update signed by a majority of the other members' admins", channel, o.MSPID),
			func(ctx context.Context) (bool, error) { return nw.evictOrg(ctx, o, channel) }},
		{fmt.Sprintf("membership of %s on the ledger: %s's admin removes %s (registry:RemoveMember), endorsed by the other members", channel, nw.actor(o, on[0]), o.MSPID),
			func(ctx context.Context) (bool, error) { return nw.removeMember(ctx, o, channel) }},
		{"nodes of " + o.Name + " stopped (by PID)", func(context.Context) (bool, error) {
			n, err := nw.stopNodes(own)
			return n > 0, err
		}},
		{"the other gateways and relays restarted where the new membership changes their configuration",
			func(ctx context.Context) (bool, error) { return after().restartStale(ctx, o.Name) }},
		{"relay sources approved by every member of each receiving channel", func(ctx context.Context) (bool, error) { return after().ensureRelaySources(ctx) }},
		{"topology: " + o.Name + " removed; its files stay in the run directory", func(context.Context) (bool, error) {
			wrote, err := nw.record(after().Topo)
			if err != nil {
				return wrote, err
			}
			cfg, err := nw.writeCryptoConfig()
			return wrote || cfg, err
		}},
	}
	changed, err := nw.run(ctx, steps)
	if err == nil {
		nw.step("%s removed from %s in %s", o.Name, channel, time.Since(start).Round(100*time.Millisecond))
	}
	return changed, err
}

// removable says which organisations org remove can remove: those org
// add added.
func (nw *Network) removable() string {
	var names []string
	for _, o := range nw.Topo.Orgs {
		if o.Base != 0 {
			names = append(names, o.Name)
		}
	}
	if len(names) == 0 {
		return "org remove removes an organisation org add added, and there is none"
	}
	return "org remove can remove " + strings.Join(names, ", ")
}
