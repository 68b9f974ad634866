package integration

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestCommandsActOnTheRunDirectoryTheyAreGiven: the test network runs on
// ports of its own (not 17000). Without --base-port, status, peer-env and
// logs act on its ports, through --home or $WANLEDGER_HOME; another
// --base-port is refused (exit 2) by every command, down included, which
// then stops nothing; an empty run directory is no network (exit 1).
func TestCommandsActOnTheRunDirectoryTheyAreGiven(t *testing.T) {
	env := nettest.Get(t)
	home := string(env.Net.Home)
	topo := env.Net.Topo
	if topo.BasePort == network.DefaultBasePort {
		t.Fatalf("the test network runs on the default ports")
	}

	stdout, stderr, err := cli(t, env, "status", "--json", "--home", home)
	if err != nil {
		t.Fatalf("status: %v: %s", err, stderr)
	}
	checkStatus(t, topo, stdout)
	stdout, stderr, err = shell(t.Context(), t, env, t.TempDir(), "bin/wanledger status --json")
	if err != nil {
		t.Fatalf("status with $%s: %v: %s", network.EnvHome, err, stderr)
	}
	checkStatus(t, topo, stdout)

	stdout, stderr, err = cli(t, env, "peer-env", "hefei", "--home", home)
	if want := "export CORE_PEER_ADDRESS='" + topo.Peer("hefei").ListenAddr() + "'"; err != nil || !strings.Contains(stdout, want+"\n") {
		t.Errorf("peer-env hefei: %v: %s; want %s in\n%s", err, stderr, want, stdout)
	}
	if stdout, stderr, err = cli(t, env, "logs", "peer.hefei", "-n", "3", "--home", home); err != nil || strings.Count(stdout, "\n") != 3 {
		t.Errorf("logs peer.hefei -n 3: %v: %s\n%s", err, stderr, stdout)
	}

	other := fmt.Sprint(topo.BasePort + network.PortStride)
	for _, c := range [][]string{{"status"}, {"peer-env", "hefei"}, {"logs", "peer.hefei"}, {"down"}, {"up"}} {
		_, stderr, err := cli(t, env, append(c, "--home", home, "--base-port", other)...)
		if exitOf(err) != 2 || !strings.Contains(stderr, fmt.Sprintf("--base-port %d, not %s", topo.BasePort, other)) {
			t.Errorf("%v --base-port %s: exit %d: %s; want 2 naming both ports", c, other, exitOf(err), stderr)
		}
	}
	stdout, _, err = cli(t, env, "status", "--json", "--home", home)
	if err != nil {
		t.Fatal(err)
	}
	checkStatus(t, topo, stdout) // down with another port stopped nothing

	empty := t.TempDir()
	if _, stderr, err := cli(t, env, "status", "--home", empty); exitOf(err) != 1 || !strings.Contains(stderr, "no network") {
		t.Errorf("status of an empty run directory: exit %d: %s", exitOf(err), stderr)
	}
}

// checkStatus wants every node of topo, on its ports, and the orderers and
// peers running.
func checkStatus(t *testing.T, topo network.Topology, out string) {
	t.Helper()
	var st []network.NodeStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json printed %q: %v", out, err)
	}
	nodes := topo.Nodes()
	if len(st) != len(nodes) {
		t.Fatalf("status shows %d nodes, want %d", len(st), len(nodes))
	}
	for i, n := range nodes {
		if st[i].Name != n.Name || !slices.Equal(st[i].Ports, n.Ports()) {
			t.Errorf("status: %s on %v, want %s on %v", st[i].Name, st[i].Ports, n.Name, n.Ports())
		}
		if (n.Kind == network.KindPeer || n.Kind == network.KindOrderer) && (!st[i].Running || st[i].Health != "ok") {
			t.Errorf("status: %s running %v, health %q", n.Name, st[i].Running, st[i].Health)
		}
	}
}
