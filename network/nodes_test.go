package network

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network/fabricbin"
	"github.com/wanledger/wanledger/network/proc"
)

// A node whose start was interrupted before its PID file was written (org
// add or up killed then) runs in its own directory without one: stopping
// the nodes (down; org remove, which undoes an interrupted org add) finds
// it there and stops it too, rather than leaving it running unknown.
func TestStoppingTheNodesStopsOneRunningWithoutItsPIDFile(t *testing.T) {
	_, topo := withBengbu(t)
	nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := nw.Home.NodeDir("peer.bengbu")
	for _, d := range []string{dir, nw.Home.Path("run")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("sleep", "300")
	cmd.Dir, cmd.SysProcAttr = dir, &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }() //nolint:errcheck // its exit is what the test waits for
	t.Cleanup(func() { cmd.Process.Kill() })  //nolint:errcheck // stopped already when the test passes

	stopped, err := nw.stopNodes(topo.Nodes())
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("the process in %s still runs after the nodes were stopped (%d stopped)", dir, stopped)
	}
	if stopped != 1 {
		t.Errorf("%d nodes stopped, want 1", stopped)
	}
	if _, err := proc.Read(nw.Home.PIDFile("peer.bengbu")); err != proc.ErrNotRunning {
		t.Errorf("the PID file of peer.bengbu: %v, want none", err)
	}
}
