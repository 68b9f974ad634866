package nodeops

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api"
)

// Target is a node to read: its name, kind (api.NodeKinds), organisation
// and the host:port of its operations endpoint (a chaincode server, which
// has none: its listener, which Read only connects to).
type Target struct {
	Name, Kind, MSPID, Address string
	// Channels are a peer's organisation's channels, by name. A peer keeps
	// its ledger of a channel its organisation has left, which no longer
	// grows: a channel it reports that is not among them is read as left
	// (api.NodeReading.LeftChannels). Empty: every channel it reports.
	Channels []string
}

// Bounds of a reading: its problem, in bytes; its channels, and a relay's
// directions (those past it are left out, and the problem says so).
const (
	MaxProblem  = 200
	MaxChannels = 64
)

// Read reads one node within ctx: its health, then what its kind reports
// (a peer's or orderer's channel heights and an orderer's Raft leadership
// from /metrics, a gateway's cache from /metrics, a relay's directions from
// /status). A node that does not answer is HealthDown, one that answers
// /healthz with another status than 200 HealthFailing; a part that cannot
// be read is named in Problem. A peer's channel not among t.Channels (if
// it names any) is in LeftChannels, not Channels. ReadAt is now() once
// the node answered.
func Read(ctx context.Context, t Target, now func() time.Time) (r api.NodeReading) {
	r = api.NodeReading{Name: t.Name, Kind: t.Kind, MSPID: t.MSPID, Address: t.Address, Health: api.HealthOK}
	defer func() { r.ReadAt = now().UTC() }()
	if t.Kind == api.NodeChaincode {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", t.Address)
		if err != nil {
			r.Health, r.Problem = api.HealthDown, problem(err)
			return r
		}
		c.Close()
		return r
	}
	if err := Health(ctx, t.Address); err != nil {
		r.Health, r.Problem = api.HealthFailing, problem(err)
		if down(err) {
			r.Health = api.HealthDown
			return r
		}
	}
	var err error
	switch t.Kind {
	case api.NodeRelay:
		if r.Relay, err = RelayStatus(ctx, t.Address); len(r.Relay) > MaxChannels {
			r.Relay, err = r.Relay[:MaxChannels], fmt.Errorf("%d directions; the first %d shown", len(r.Relay), MaxChannels)
		}
	default:
		var m Metrics
		if m, err = Scrape(ctx, t.Address); err == nil {
			fill(&r, m)
		}
		if t.Kind == api.NodePeer && len(t.Channels) > 0 {
			r.Channels, r.LeftChannels = split(r.Channels, t.Channels)
		}
	}
	if err != nil && r.Problem == "" {
		r.Problem = problem(err)
	}
	return r
}

// fill adds what a node's metrics say of its kind.
func fill(r *api.NodeReading, m Metrics) {
	if r.Kind == api.NodeGateway {
		h, ok := m.Value("wanledger_gateway_cache_height")
		if !ok {
			r.Problem = "metrics: no wanledger_gateway_cache_height"
			return
		}
		lag, _ := m.Value("wanledger_gateway_cache_lag_blocks")
		r.Cache = &api.CacheReading{Height: uint64(h), LagBlocks: uint64(lag)}
		return
	}
	leads := m.ByChannel("consensus_etcdraft_is_leader")
	for ch, h := range m.ByChannel("ledger_blockchain_height") {
		r.Channels = append(r.Channels, api.ChannelHeight{Channel: ch, Height: uint64(h), RaftLeader: leads[ch] == 1})
	}
	slices.SortFunc(r.Channels, func(a, b api.ChannelHeight) int { return cmp.Compare(a.Channel, b.Channel) })
	if n := len(r.Channels); n > MaxChannels {
		r.Channels = r.Channels[:MaxChannels]
		if r.Problem == "" {
			r.Problem = fmt.Sprintf("%d channels; the first %d shown", n, MaxChannels)
		}
	}
}

// split parts a peer's channels into those of its organisation (member)
// and those it has left, by name.
func split(channels []api.ChannelHeight, member []string) (in []api.ChannelHeight, left []string) {
	for _, c := range channels {
		if slices.Contains(member, c.Channel) {
			in = append(in, c)
		} else {
			left = append(left, c.Channel)
		}
	}
	return in, left
}

// problem is err's text, cut to MaxProblem bytes on a character boundary.
func problem(err error) string {
	s := err.Error()
	if len(s) <= MaxProblem {
		return s
	}
	s = s[:MaxProblem-len("…")]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// ReadAll reads every target, at most parallel at once (at least one),
// each within timeout, and answers their readings in the targets' order.
func ReadAll(ctx context.Context, targets []Target, parallel int, timeout time.Duration, now func() time.Time) []api.NodeReading {
	out := make([]api.NodeReading, len(targets))
	slots := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, t := range targets {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			out[i] = Read(ctx, t, now)
		})
	}
	wg.Wait()
	return out
}

// Summarize is every channel the readings name, by name: the highest
// height a node reported, and the orderer that reported leading its Raft
// cluster (the first, in the readings' order). A peer's left channels
// (LeftChannels) are not counted: their ledger no longer grows.
func Summarize(readings []api.NodeReading) []api.ChannelSummary {
	var out []api.ChannelSummary
	for _, r := range readings {
		for _, c := range r.Channels {
			i := slices.IndexFunc(out, func(s api.ChannelSummary) bool { return s.Channel == c.Channel })
			if i < 0 {
				out = append(out, api.ChannelSummary{Channel: c.Channel})
				i = len(out) - 1
			}
			out[i].Height = max(out[i].Height, c.Height)
			if c.RaftLeader && out[i].RaftLeader == "" {
				out[i].RaftLeader = r.Name
			}
		}
	}
	slices.SortFunc(out, func(a, b api.ChannelSummary) int { return cmp.Compare(a.Channel, b.Channel) })
	return out
}
