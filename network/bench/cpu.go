package bench

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/proc"
)

// CPUReport is the CPU time (user + system, from /proc/PID/stat) that the
// network's processes on this machine spent on an operation, per item, in
// milliseconds, by kind of node ("peer", "orderer", "chaincode", "gateway",
// "relay") and in total. Its window runs from the start of the operation's
// load until the relays have carried what it wrote, so it holds the other
// channel's share too; the network's idle work over the window (measured
// just before the load: IdleMsPerSecond) is subtracted. Unlike a
// throughput it hardly depends on what else the machine runs, which makes
// it the figure to compare on a shared machine. A node restarted within the
// window makes it meaningless (its counter starts again).
type CPUReport struct {
	MsPerItem       map[string]float64 `json:"msPerItem"`
	TotalMsPerItem  float64            `json:"totalMsPerItem"`
	WindowSeconds   float64            `json:"windowSeconds"`
	IdleMsPerSecond float64            `json:"idleMsPerSecond"`
	// XBaseline is TotalMsPerItem ÷ the baseline's, when the run has one.
	XBaseline *float64 `json:"xBaseline,omitempty"`
}

// cpuSample is the CPU time each kind of node had used at a moment.
type cpuSample struct {
	at   time.Time
	used map[network.Kind]time.Duration
}

// sampleCPU reads the CPU time of every node of nodes running on this
// machine (its PID file names a live process); nodes elsewhere count for
// nothing. ok is false when none runs here.
func sampleCPU(home network.Home, nodes []network.Node) (s cpuSample, ok bool) {
	s = cpuSample{at: time.Now(), used: map[network.Kind]time.Duration{}}
	for _, n := range nodes {
		h, err := proc.Read(home.PIDFile(n.Name))
		if err != nil {
			continue
		}
		u, err := h.Usage()
		if err != nil {
			continue
		}
		s.used[n.Kind] += u.CPU
		ok = true
	}
	return s, ok
}

// cpuSpent is what the nodes spent from a to b, per item, less what they
// spend idle (idle: milliseconds a second by kind) over the window.
func cpuSpent(a, b cpuSample, items int, idle map[network.Kind]float64) *CPUReport {
	if items == 0 {
		return nil
	}
	window := b.at.Sub(a.at).Seconds()
	r := &CPUReport{MsPerItem: map[string]float64{}, WindowSeconds: window}
	for kind, used := range b.used {
		ms := float64((used-a.used[kind]).Microseconds())/1e3 - idle[kind]*window
		r.MsPerItem[string(kind)] = ms / float64(items)
		r.TotalMsPerItem += ms / float64(items)
		r.IdleMsPerSecond += idle[kind]
	}
	return r
}

// idleRate is the CPU time each kind of node uses a second while no load
// runs, in milliseconds, from two samples taken around a quiet time.
func idleRate(a, b cpuSample) map[network.Kind]float64 {
	rate := map[network.Kind]float64{}
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 {
		return rate
	}
	for kind, used := range b.used {
		rate[kind] = float64((used - a.used[kind]).Microseconds()) / 1e3 / secs
	}
	return rate
}

// writeCPU prints each operation's CPU time per item by kind of node.
func (r *Report) writeCPU(w io.Writer) {
	kinds := []network.Kind{network.KindPeer, network.KindOrderer, network.KindChaincode, network.KindGateway, network.KindRelay}
	said := false
	for _, o := range r.Operations {
		if o.CPU == nil {
			continue
		}
		if !said {
			fmt.Fprintf(w, "\nCPU time of the network's processes per item (ms; until the relays carried the writes; idle work subtracted):\n")
			said = true
		}
		var parts []string
		for _, k := range kinds {
			if v, ok := o.CPU.MsPerItem[string(k)]; ok {
				parts = append(parts, fmt.Sprintf("%s %.2f", k, v))
			}
		}
		x := ""
		if o.CPU.XBaseline != nil {
			x = fmt.Sprintf(" (%.2f × the baseline's)", *o.CPU.XBaseline)
		}
		fmt.Fprintf(w, "  %-9s %.2f%s: %s; idle %.0f ms/s over %.0f s\n", o.Operation, o.CPU.TotalMsPerItem, x, strings.Join(parts, ", "), o.CPU.IdleMsPerSecond, o.CPU.WindowSeconds)
	}
}
