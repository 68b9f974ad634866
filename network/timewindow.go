package network

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/wanledger/wanledger/network/proc"
)

// TimeWindow bounds the time a transaction may claim. Chaincode takes a
// transaction's time from its proposal, which the client writes; every peer
// refuses a proposal whose timestamp is more than Past behind or more than
// Future ahead of its own clock (Fabric patch 0002), and every orderer
// refuses, by the same bounds, the broadcast of a transaction whose timestamp
// is that far from its clock (patch 0003), so an endorsed transaction cannot
// be held back and committed later (ADR 8).
type TimeWindow struct {
	Past   time.Duration
	Future time.Duration
}

// Defaults and limits of the proposal time window.
const (
	DefaultPastWindow   = 5 * time.Minute
	DefaultFutureWindow = time.Minute
	// MinWindow and MaxWindow bound each side: below a second honest clients
	// with ordinary clock skew are refused; beyond an hour the bound no longer
	// keeps clients from choosing the time.
	MinWindow = time.Second
	MaxWindow = time.Hour
)

// DefaultTimeWindow is 5 minutes in the past and 1 minute in the future.
func DefaultTimeWindow() TimeWindow {
	return TimeWindow{Past: DefaultPastWindow, Future: DefaultFutureWindow}
}

// Validate rejects a side outside [MinWindow, MaxWindow].
func (w TimeWindow) Validate() error {
	for _, s := range []struct {
		name string
		d    time.Duration
	}{{"past", w.Past}, {"future", w.Future}} {
		if s.d < MinWindow || s.d > MaxWindow {
			return fmt.Errorf("proposal time window: %s side %s is out of range: give between %s and %s", s.name, s.d, MinWindow, MaxWindow)
		}
	}
	return nil
}

// env is a node's environment for the window: a peer's core.yaml
// peer.authentication.proposalPastWindow and proposalFutureWindow, an
// orderer's orderer.yaml General.Authentication.TransactionPastWindow and
// TransactionFutureWindow. Other kinds have none.
func (w TimeWindow) env(kind Kind) []string {
	switch kind {
	case KindPeer:
		return []string{
			"CORE_PEER_AUTHENTICATION_PROPOSALPASTWINDOW=" + w.Past.String(),
			"CORE_PEER_AUTHENTICATION_PROPOSALFUTUREWINDOW=" + w.Future.String(),
		}
	case KindOrderer:
		return []string{
			"ORDERER_GENERAL_AUTHENTICATION_TRANSACTIONPASTWINDOW=" + w.Past.String(),
			"ORDERER_GENERAL_AUTHENTICATION_TRANSACTIONFUTUREWINDOW=" + w.Future.String(),
		}
	}
	return nil
}

// checkRunningWindow refuses to go on when a running peer or orderer was
// started with another window than the one asked for: a node reads it only
// when it starts, so `up` on a running network cannot change it. It reads
// each running node's environment from /proc/PID/environ.
func (nw *Network) checkRunningWindow() error {
	for _, n := range append(nw.Topo.NodesOf(KindPeer), nw.Topo.NodesOf(KindOrderer)...) {
		want := nw.Topo.TimeWindow.env(n.Kind)
		h, err := proc.Read(nw.Home.PIDFile(n.Name))
		if err != nil {
			continue // not running: it starts with the window asked for
		}
		environ, err := readEnviron(h.PID)
		if err != nil {
			return fmt.Errorf("read the environment of %s (pid %d): %w", n.Name, h.PID, err)
		}
		vars := bytes.Split(environ, []byte{0})
		for _, v := range want {
			if !slices.ContainsFunc(vars, func(b []byte) bool { return string(b) == v }) {
				return fmt.Errorf("%s runs with another time window than past %s, future %s: "+
					"a node reads it when it starts, so run `%s`, then `up` with the new window",
					n.Name, nw.Topo.TimeWindow.Past, nw.Topo.TimeWindow.Future, nw.Home.Command("down"))
			}
		}
	}
	return nil
}

// readEnviron reads a process's environment. A process caught inside its
// execve (its start has returned, the kernel has not laid out the new
// environment yet) shows an empty one for a moment: read again then.
func readEnviron(pid int) ([]byte, error) {
	for range 100 {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if err != nil || len(b) > 0 {
			return b, err
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil, nil
}

// runningWindow is the window the network's first running peer was
// started with, or the topology's if no peer runs: a peer that joins a
// running network takes the window of the others.
func (nw *Network) runningWindow() (TimeWindow, error) {
	w := nw.Topo.TimeWindow
	for _, n := range nw.Topo.NodesOf(KindPeer) {
		h, err := proc.Read(nw.Home.PIDFile(n.Name))
		if err != nil {
			continue
		}
		environ, err := readEnviron(h.PID)
		if err != nil {
			return w, fmt.Errorf("read the environment of %s (pid %d): %w", n.Name, h.PID, err)
		}
		for _, v := range bytes.Split(environ, []byte{0}) {
			k, val, _ := strings.Cut(string(v), "=")
			side := map[string]*time.Duration{"CORE_PEER_AUTHENTICATION_PROPOSALPASTWINDOW": &w.Past,
				"CORE_PEER_AUTHENTICATION_PROPOSALFUTUREWINDOW": &w.Future}[k]
			if side == nil {
				continue
			}
			if *side, err = time.ParseDuration(val); err != nil {
				return w, fmt.Errorf("%s runs with %s: %w", n.Name, v, err)
			}
		}
		return w, w.Validate()
	}
	return w, nil
}
