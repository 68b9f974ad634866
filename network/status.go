package network

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/wanledger/wanledger/gateway/relayconfig"
	"github.com/wanledger/wanledger/network/proc"
)

// NodeStatus is what status reports of one node.
type NodeStatus struct {
	Name    string               `json:"name"`
	Kind    Kind                 `json:"kind"`
	MSPID   string               `json:"mspId"`
	PID     int                  `json:"pid,omitempty"`
	Running bool                 `json:"running"`
	Ports   []int                `json:"ports"`
	Health  string               `json:"health"` // "ok", "down", or the health error
	Heights map[string]int       `json:"heights,omitempty"`
	Leader  []string             `json:"raftLeaderOf,omitempty"`
	Relays  []relayconfig.Status `json:"relays,omitempty"` // a relay's directions and their lag
	RSS     int64                `json:"rssBytes,omitempty"`
	CPUSecs float64              `json:"cpuSeconds,omitempty"`
}

// Status inspects every node.
func (nw *Network) Status(ctx context.Context) ([]NodeStatus, error) {
	var out []NodeStatus
	for _, n := range nw.Topo.Nodes() {
		s := NodeStatus{Name: n.Name, Kind: n.Kind, MSPID: n.MSPID, Ports: n.Ports(), Health: "down"}
		h, err := proc.Read(nw.Home.PIDFile(n.Name))
		switch {
		case errors.Is(err, proc.ErrNotRunning):
			out = append(out, s)
			continue
		case err != nil:
			return nil, err
		}
		s.PID, s.Running = h.PID, true
		if u, err := h.Usage(); err == nil {
			s.RSS, s.CPUSecs = u.RSSBytes, u.CPU.Seconds()
		}
		switch n.Kind {
		case KindChaincode:
			s.Health = "ok"
			if !dialable(n.ListenAddr()) {
				s.Health = "not accepting connections"
			}
		default:
			s.Health = "ok"
			if err := Healthy(ctx, n.OperationsAddr()); err != nil {
				s.Health = err.Error()
			}
			nw.addMetrics(ctx, n, &s)
		}
		out = append(out, s)
	}
	return out, nil
}

// addMetrics adds the channel heights (and Raft leadership) a node reports.
func (nw *Network) addMetrics(ctx context.Context, n Node, s *NodeStatus) {
	m, err := Scrape(ctx, n.OperationsAddr())
	if err != nil {
		return
	}
	if n.Kind == KindRelay {
		s.Relays, _ = RelayStatus(ctx, n.OperationsAddr())
		return
	}
	if n.Kind == KindGateway {
		// A gateway's height is its cache's, on the channel it serves.
		if h, ok := m["wanledger_gateway_cache_height"]; ok {
			s.Heights = map[string]int{nw.Topo.GatewayChannel(n.Org): int(h)}
		}
		return
	}
	chans := nw.Topo.Channels
	if n.Kind == KindPeer {
		chans = nw.Topo.ChannelsOf(n.Org)
	}
	for _, c := range chans {
		if h, ok := m.Channel("ledger_blockchain_height", c.Name); ok {
			if s.Heights == nil {
				s.Heights = map[string]int{}
			}
			s.Heights[c.Name] = int(h)
		}
		if l, _ := m.Channel("consensus_etcdraft_is_leader", c.Name); l == 1 {
			s.Leader = append(s.Leader, c.Name)
		}
	}
}

// PrintStatus writes a status table.
func PrintStatus(w io.Writer, nodes []NodeStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tMSP\tPID\tPORTS\tHEALTH\tHEIGHTS\tRSS\tCPU")
	for _, n := range nodes {
		pid := "-"
		if n.Running {
			pid = fmt.Sprint(n.PID)
		}
		var ports []string
		for _, p := range n.Ports {
			ports = append(ports, fmt.Sprint(p))
		}
		var heights []string
		for ch, h := range n.Heights {
			mark := ""
			if slices.Contains(n.Leader, ch) {
				mark = "*"
			}
			heights = append(heights, fmt.Sprintf("%s=%d%s", ch, h, mark))
		}
		sort.Strings(heights)
		for _, r := range n.Relays {
			heights = append(heights, fmt.Sprintf("%s→%s lag %d blocks %.1fs", r.Source, r.Target, r.LagBlocks, r.LagSeconds))
		}
		rss, cpu := "-", "-"
		if n.Running {
			rss = fmt.Sprintf("%.0fMiB", float64(n.RSS)/(1<<20))
			cpu = fmt.Sprintf("%.1fs", n.CPUSecs)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n.Name, n.MSPID, pid, strings.Join(ports, ","), n.Health, strings.Join(heights, " "), rss, cpu)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "(* marks the Raft leader of a channel)")
	return err
}
