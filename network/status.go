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
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/nodeops"
	"github.com/wanledger/wanledger/network/proc"
)

// NodeStatus is what status reports of one node.
type NodeStatus struct {
	Name    string               `json:"name"`
	Kind    Kind                 `json:"kind"`
	MSPID   string               `json:"mspId"`
	PID     int                  `json:"pid,omitempty"`
	Running bool                 `json:"running"`
	Host    string               `json:"host,omitempty"` // the name of its host, in a topology with hosts
	Address string               `json:"address"`        // the IPv4 address it listens on
	Ports   []int                `json:"ports"`
	Health  string               `json:"health"` // "ok", "down", or the health error
	Heights map[string]int       `json:"heights,omitempty"`
	Left    []string             `json:"leftChannels,omitempty"` // a peer's channels its organisation has left: their heights are not shown
	Leader  []string             `json:"raftLeaderOf,omitempty"`
	Relays  []api.RelayDirection `json:"relays,omitempty"` // a relay's directions and their lag
	RSS     int64                `json:"rssBytes,omitempty"`
	CPUSecs float64              `json:"cpuSeconds,omitempty"`
}

// Status inspects every node: its process, and what its operations
// endpoint reports (nodeops.Read).
func (nw *Network) Status(ctx context.Context) ([]NodeStatus, error) {
	var out []NodeStatus
	for _, n := range nw.Topo.Nodes() {
		s := NodeStatus{Name: n.Name, Kind: n.Kind, MSPID: n.MSPID, Host: n.On.Name, Address: n.On.Address, Ports: n.Ports(), Health: "down"}
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
		nw.addReading(ctx, n, &s)
		out = append(out, s)
	}
	return out, nil
}

// Target is how nodeops reads the node: its operations endpoint (a
// chaincode server: its listener), and a peer's organisation's channels,
// so that a channel it has left (org remove) is read as left. `status`
// and the gateways' watch (GET /v1/network) read nodes so.
func (t Topology) Target(n Node) nodeops.Target {
	addr := n.OperationsAddr()
	if n.Kind == KindChaincode {
		addr = n.ListenAddr()
	}
	tg := nodeops.Target{Name: n.Name, Kind: string(n.Kind), MSPID: n.MSPID, Address: addr}
	if n.Kind == KindPeer {
		tg.Channels = channelNames(t.ChannelsOf(n.Org))
	}
	return tg
}

// addReading adds what the node's operations endpoint reports.
func (nw *Network) addReading(ctx context.Context, n Node, s *NodeStatus) {
	ctx, cancel := context.WithTimeout(ctx, opsTimeout)
	defer cancel()
	nw.Topo.applyReading(n, nodeops.Read(ctx, nw.Topo.Target(n), time.Now), s)
}

// applyReading adds the node's health, the channel heights (and Raft
// leadership) it reports, and a relay's directions. A peer's channels its
// organisation has left, read as such (Target), are listed as left,
// without their height.
func (t Topology) applyReading(n Node, r api.NodeReading, s *NodeStatus) {
	s.Health = "ok"
	if r.Health != api.HealthOK {
		s.Health = r.Problem
	}
	s.Relays, s.Left = r.Relay, r.LeftChannels
	if r.Cache != nil { // a gateway's height is its cache's, on the channel it serves
		s.Heights = map[string]int{t.GatewayChannel(n.Org): int(r.Cache.Height)}
	}
	for _, c := range r.Channels {
		if s.Heights == nil {
			s.Heights = map[string]int{}
		}
		s.Heights[c.Channel] = int(c.Height)
		if c.RaftLeader {
			s.Leader = append(s.Leader, c.Channel)
		}
	}
}

// PrintStatus writes a status table; a node's address and ports read
// "10.77.0.11:17030,17031,17032", its host's name before them if it has one.
func PrintStatus(w io.Writer, nodes []NodeStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tMSP\tPID\tADDRESS\tHEALTH\tHEIGHTS\tRSS\tCPU")
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
		for _, ch := range n.Left {
			heights = append(heights, "left "+ch)
		}
		for _, r := range n.Relays {
			heights = append(heights, fmt.Sprintf("%s→%s lag %d blocks %.1fs", r.Source, r.Target, r.LagBlocks, r.LagSeconds))
		}
		rss, cpu := "-", "-"
		if n.Running {
			rss = fmt.Sprintf("%.0fMiB", float64(n.RSS)/(1<<20))
			cpu = fmt.Sprintf("%.1fs", n.CPUSecs)
		}
		addr := n.Address + ":" + strings.Join(ports, ",")
		if n.Host != "" {
			addr = n.Host + " " + addr
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n.Name, n.MSPID, pid, addr, n.Health, strings.Join(heights, " "), rss, cpu)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "(* marks the Raft leader of a channel)")
	return err
}
