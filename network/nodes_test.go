package network

import (
	"os"
	"os/exec"
	"path/filepath"
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

// Fabric keeps a chaincode's external build across a peer's restarts, with
// the connection.json its release wrote: the chaincode server's address and
// TLS material of then. A peer about to start forgets them, so that it
// releases them anew from its environment: an organisation removed and
// added again on other ports (org add) reaches its chaincode server where
// it listens now.
func TestAPeerAboutToStartForgetsItsChaincodeBuilds(t *testing.T) {
	_, topo := withBengbu(t)
	nw, err := New(topo, t.TempDir(), fabricbin.Install{}, "/opt/wanledger", nil)
	if err != nil {
		t.Fatal(err)
	}
	peer := topo.Peer("bengbu")
	release := filepath.Join(nw.Home.chaincodeBuilds(peer.Name), "wanledger_0.1.0-0123", "release", "chaincode", "server")
	if err := os.MkdirAll(release, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(release, "connection.json"), []byte(`{"address":"127.0.0.1:17230"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ledger := filepath.Join(nw.Home.NodeDir(peer.Name), "data", "ledgersData")
	if err := os.MkdirAll(ledger, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := nw.forgetChaincodeBuilds(peer); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(nw.Home.chaincodeBuilds(peer.Name)); !os.IsNotExist(err) {
		t.Errorf("the peer's chaincode builds are still there: %v", err)
	}
	if _, err := os.Stat(ledger); err != nil {
		t.Errorf("the peer's ledger went with them: %v", err)
	}
}
