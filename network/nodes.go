package network

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/wanledger/wanledger/network/proc"
)

// nodeConfig renders the configuration file of a gateway or a relay: its
// path and content.
func (nw *Network) nodeConfig(n Node) (string, []byte, error) {
	if n.Kind == KindRelay {
		return nw.relayConfig(n)
	}
	return nw.gatewayConfig(n)
}

// writeNodeConfig writes the configuration file of a gateway or a relay
// and returns its path.
func (nw *Network) writeNodeConfig(n Node) (string, error) {
	path, b, err := nw.nodeConfig(n)
	if err != nil {
		return "", err
	}
	_, err = writeIfChanged(path, b, 0o644)
	return path, err
}

// restartStale restarts each running gateway and relay, other than
// except's, whose configuration file is not the one the topology renders
// now (after an organisation joined or left a channel: the members it
// counts, the CAs whose clients it serves), starts any that is not
// running, and reports whether it did either.
func (nw *Network) restartStale(ctx context.Context, except string) (bool, error) {
	changed := false
	var others []Node
	for _, n := range nw.Topo.Nodes() {
		if n.Org != except && (n.Kind == KindGateway || n.Kind == KindRelay) {
			others = append(others, n)
		}
	}
	for _, n := range others {
		if _, err := proc.Read(nw.Home.PIDFile(n.Name)); errors.Is(err, proc.ErrNotRunning) {
			continue
		}
		path, want, err := nw.nodeConfig(n)
		if err != nil {
			return changed, err
		}
		if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, want) {
			continue
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return changed, err
		}
		if _, err := nw.stopNodes([]Node{n}); err != nil {
			return changed, err
		}
		if err := nw.startNode(n); err != nil {
			return changed, err
		}
		if err := nw.waitReady(ctx, n); err != nil {
			return changed, err
		}
		nw.detail("%s restarted with its new configuration", n.Name)
		changed = true
	}
	// One stopped before it was started again has its new file already.
	started, err := nw.ensureNodesOf(ctx, others)
	return changed || started, err
}

// ensureNodesOf starts each of the nodes that is not running, then waits
// for all of them to be ready. A node running without its PID file (its
// start was interrupted before the file was written) is recorded instead.
func (nw *Network) ensureNodesOf(ctx context.Context, nodes []Node) (bool, error) {
	changed := false
	for _, n := range nodes {
		if _, err := proc.Read(nw.Home.PIDFile(n.Name)); err == nil {
			continue
		} else if !errors.Is(err, proc.ErrNotRunning) {
			return changed, err
		}
		if adopted, err := nw.adopt(n); err != nil || adopted {
			if err != nil {
				return changed, err
			}
			continue
		}
		if err := nw.startNode(n); err != nil {
			return changed, err
		}
		changed = true
	}
	for _, n := range nodes {
		if err := nw.waitReady(ctx, n); err != nil {
			return changed, err
		}
	}
	return changed, nil
}

// stopNodes stops the nodes that run, in reverse order, by PID: SIGTERM,
// then SIGKILL after a grace period. A node running without its PID file
// (its start was interrupted before the file was written) is recorded
// first (adopt), so that down, and org remove undoing an interrupted org
// add, leave none running. It returns how many it stopped.
func (nw *Network) stopNodes(nodes []Node) (int, error) {
	var errs []error
	stopped := 0
	for i := len(nodes) - 1; i >= 0; i-- {
		n := nodes[i]
		h, err := proc.Read(nw.Home.PIDFile(n.Name))
		if errors.Is(err, proc.ErrNotRunning) {
			if _, aerr := nw.adopt(n); aerr != nil {
				errs = append(errs, aerr)
				continue
			}
			h, err = proc.Read(nw.Home.PIDFile(n.Name))
		}
		if errors.Is(err, proc.ErrNotRunning) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		forced, err := h.Stop(15 * time.Second)
		if err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", n.Name, err))
			continue
		}
		how := "stopped"
		if forced {
			how = "killed after the grace period"
		}
		nw.detail("%-18s pid %-7d %s", n.Name, h.PID, how)
		if err := os.Remove(nw.Home.PIDFile(n.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
		stopped++
	}
	return stopped, errors.Join(errs...)
}

// adopt records the node's process in its PID file if one runs in the
// node's directory without it, and reports whether it did.
func (nw *Network) adopt(n Node) (bool, error) {
	hs, err := proc.InDir(nw.Home.NodeDir(n.Name))
	switch {
	case err != nil || len(hs) == 0:
		return false, err
	case len(hs) > 1:
		return false, fmt.Errorf("%d processes run in %s without a PID file: stop them", len(hs), nw.Home.NodeDir(n.Name))
	}
	if err := hs[0].Record(nw.Home.PIDFile(n.Name)); err != nil {
		return false, err
	}
	nw.detail("%s found running as pid %d without its PID file: recorded", n.Name, hs[0].PID)
	return true, nil
}
