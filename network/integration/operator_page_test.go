package integration

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// anhuiWatched are the nodes Anhui's gateway reports: itself, the
// orderers, and Anhui's peer, chaincode server and relay.
var anhuiWatched = []string{"gateway.anhui", "orderer.anhui", "orderer.shanghai", "orderer.zhejiang", "peer.anhui", "chaincode.anhui", "relay.anhui"}

// TestTheOperatorPageWatchesTheNetwork: GET /v1/network of Anhui's gateway,
// with the operator's demo key, reports each node it watches healthy, the
// heights of both channels at Anhui's peer and at each orderer, one Raft
// leader per channel and the relay's two directions; a verifier's key is
// refused. Anhui's operator opens the operator page in Chromium and, with
// the keyboard alone, signs in: it shows the same. An orderer that leads
// no channel is stopped by its PID: the page shows it down within a
// refresh, the others healthy; restarted, it is shown healthy again, at
// the channels' heights. In Chinese too. The page passes axe in each
// state, with no console error or policy violation; screenshots of each
// are test artefacts.
func TestTheOperatorPageWatchesTheNetwork(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	op := gatewayAs(t, env, "anhui", "operator")
	var e api.Error
	if st := gatewayAs(t, env, "anhui", "verifier").call(http.MethodGet, "/v1/network", nil, &e); st != http.StatusForbidden || e.Code != "FORBIDDEN" {
		t.Errorf("a verifier's key: %d %+v", st, e)
	}

	before, err := peerChainInfo(ctx, env, "anhui", "delta")
	if err != nil {
		t.Fatal(err)
	}
	var st api.NetworkStatus
	nettest.Eventually(t, time.Minute, func() error {
		st = api.NetworkStatus{}
		op.must(http.MethodGet, "/v1/network", nil, &st)
		return healthyNetwork(st)
	})
	if delta := summary(st, "delta"); delta.Height < before.Height {
		t.Errorf("delta at %d, the peer CLI said %d before", delta.Height, before.Height)
	}

	b := browsertest.Start(t, browsertest.Options{})
	o := pagetest.OpenOperator(b, op.url, "en")
	b.CheckAccessibility()
	o.SignIn(op.key)
	nodes, _ := o.Await(time.Minute, pagetest.AllHealthy(anhuiWatched...))
	channels := o.Channels()
	for _, ch := range []string{"anhui", "delta"} {
		leader := channels[ch].Leader
		if !strings.HasPrefix(leader, "orderer.") || !slices.Contains(nodes[leader].Leads, ch) || channels[ch].Height == 0 {
			t.Errorf("channel %s: %+v; its leader's row: %+v", ch, channels[ch], nodes[leader])
		}
		for _, n := range []string{"peer.anhui", "orderer.anhui", "orderer.shanghai", "orderer.zhejiang"} {
			if nodes[n].Heights[ch] == 0 {
				t.Errorf("%s shows no height of %s: %+v", n, ch, nodes[n])
			}
		}
	}
	if r := nodes["relay.anhui"]; len(r.Lag) != 2 || nodes["gateway.anhui"].Heights["anhui"] == 0 || nodes["gateway.anhui"].Age > 10 {
		t.Errorf("the relay %+v; the gateway %+v", r, nodes["gateway.anhui"])
	}
	if got := o.Summary(); got != "All 7 nodes are healthy." {
		t.Errorf("summary: %q", got)
	}
	b.CheckAccessibility()
	b.Screenshot("network-operator-healthy")

	var victim network.Node
	nettest.Eventually(t, time.Minute, func() error {
		leaders, missing := env.Net.RaftLeaders(ctx)
		if len(missing) > 0 {
			return fmt.Errorf("no Raft leader of %v", missing)
		}
		for _, n := range env.Net.Topo.NodesOf(network.KindOrderer) {
			if !slices.Contains(slices.Collect(maps.Values(leaders)), n.Name) {
				victim = n
				return nil
			}
		}
		return fmt.Errorf("every orderer leads a channel: %v", leaders)
	})
	h, err := env.Net.Handle(victim.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // the network stays whole for the tests after
		if _, err := env.Net.Handle(victim.Name); err != nil {
			restart(t, env, victim)
		}
	})
	if _, err := h.Stop(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	nodes, took := o.Await(20*time.Second, func(n map[string]pagetest.Node) error {
		if n[victim.Name].Health != "down" {
			return fmt.Errorf("%s is shown %s", victim.Name, n[victim.Name].Health)
		}
		return nil
	})
	t.Logf("%s (pid %d) stopped: shown down %s later", victim.Name, h.PID, took.Round(100*time.Millisecond))
	for _, n := range anhuiWatched {
		if n != victim.Name && nodes[n].Health != "ok" {
			t.Errorf("%s is shown %s with %s stopped: %s", n, nodes[n].Health, victim.Name, nodes[n].Problem)
		}
	}
	if got, want := o.Summary(), "1 of 7 nodes are not healthy: "+victim.Name+" down."; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if v := nodes[victim.Name]; v.Shown != "✘ down" || len(v.Heights) != 0 {
		t.Errorf("the stopped orderer: %+v", v)
	}
	b.CheckAccessibility()
	b.Screenshot("network-operator-orderer-down")

	restart(t, env, victim)
	waitCaughtUp(t, env, victim, "anhui")
	o.Press("refresh")
	o.Await(time.Minute, func(n map[string]pagetest.Node) error {
		if err := pagetest.AllHealthy(anhuiWatched...)(n); err != nil {
			return err
		}
		if v, want := n[victim.Name].Heights["anhui"], o.Channels()["anhui"].Height; v < want {
			return fmt.Errorf("%s at %d of anhui's %d", victim.Name, v, want)
		}
		return nil
	})

	o = pagetest.OpenOperator(b, op.url, "zh") // still signed in: the key stays for the tab
	b.WaitText("h1", "网络概览")
	nodes, _ = o.Await(time.Minute, pagetest.AllHealthy(anhuiWatched...))
	if nodes[victim.Name].Shown != "✔ 正常" || o.Summary() != "全部 7 个节点正常。" {
		t.Errorf("in Chinese: %q, %+v", o.Summary(), nodes[victim.Name])
	}
	b.CheckAccessibility()
	b.Screenshot("network-operator-healthy-zh")
	b.NoProblems()
}

// healthyNetwork accepts an answer of GET /v1/network that reports every
// node of anhuiWatched healthy, with its heights, one Raft leader a
// channel and the relay's two directions.
func healthyNetwork(st api.NetworkStatus) error {
	var names []string
	for _, n := range st.Nodes {
		names = append(names, n.Name)
		if n.Health != api.HealthOK {
			return fmt.Errorf("%s is %s: %s", n.Name, n.Health, n.Problem)
		}
		switch n.Kind {
		case api.NodePeer, api.NodeOrderer:
			if len(n.Channels) != 2 || n.Channels[0].Channel != "anhui" || n.Channels[1].Channel != "delta" {
				return fmt.Errorf("%s reports channels %+v", n.Name, n.Channels)
			}
		case api.NodeRelay:
			if len(n.Relay) != 2 {
				return fmt.Errorf("%s reports directions %+v", n.Name, n.Relay)
			}
		case api.NodeGateway:
			if !n.Self || n.Cache == nil || n.Cache.Stale || n.Cache.Height == 0 {
				return fmt.Errorf("the gateway %+v, cache %+v", n, n.Cache)
			}
		}
	}
	if !slices.Equal(names, anhuiWatched) {
		return fmt.Errorf("nodes %v, want %v", names, anhuiWatched)
	}
	for _, ch := range []string{"anhui", "delta"} {
		if s := summary(st, ch); !strings.HasPrefix(s.RaftLeader, "orderer.") || s.Height == 0 {
			return fmt.Errorf("channel %s: %+v", ch, s)
		}
	}
	return nil
}

func summary(st api.NetworkStatus, channel string) api.ChannelSummary {
	for _, c := range st.Channels {
		if c.Channel == channel {
			return c
		}
	}
	return api.ChannelSummary{}
}
