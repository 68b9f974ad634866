package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// runHome is one of the two networks of TestTwoNetworksOnOneMachine.
type runHome struct {
	name string
	home string
	topo network.Topology
}

// TestTwoNetworksOnOneMachine: beside the test network (A), the test brings
// up a second, minimal one (B: Anhui's peer, chaincode server and gateway,
// one orderer, channel anhui) with `up --base-port` in a run directory whose
// network.json it wrote. status, peer-env (through Fabric's peer CLI), logs
// and down each act on the run directory named (--home), never on the other
// network, though both have a peer.anhui on a channel anhui: B's down stops
// B's processes by PID and leaves A's running, with the same PIDs. A's base
// port given for B is refused by every command, which then touches nothing.
func TestTwoNetworksOnOneMachine(t *testing.T) {
	env := nettest.Get(t)
	a := runHome{"A", string(env.Net.Home), env.Net.Topo}
	b := runHome{"B", t.TempDir(), minimalTopology(t, a.topo)}
	t.Cleanup(nettest.StopOnInterrupt(b.home))
	if err := network.RecordTopology(b.home, b.topo); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopNetwork(t, env, b) })

	stdout, stderr, err := cli(t, env, "up", "--home", b.home, "--base-port", fmt.Sprint(b.topo.BasePort))
	if err != nil {
		t.Fatalf("up B: exit %d\n%s%s", exitOf(err), stdout, stderr)
	}
	if !strings.Contains(stdout, "no demo: the topology has no organisation hefei, wuhu, shanghai") {
		t.Errorf("up B did not say it seeds no demo:\n%s", stdout)
	}

	pidsA := runningPIDs(t, env, a)
	runningPIDs(t, env, b)
	dir := t.TempDir()
	for _, n := range []struct{ this, other runHome }{{a, b}, {b, a}} {
		t.Run(n.this.name, func(t *testing.T) {
			checkPeerEnv(t, env, dir, n.this)
			checkLogs(t, env, n.this, n.other)
		})
	}
	// logs reads B's topology: A's nodes are not B's.
	_, stderr, err = cli(t, env, "logs", "orderer.shanghai", "--home", b.home)
	if want := "no node \"orderer.shanghai\"; nodes are: orderer.anhui, peer.anhui, chaincode.anhui, gateway.anhui"; exitOf(err) != 1 || !strings.Contains(stderr, want) {
		t.Errorf("logs orderer.shanghai of B: exit %d: %s; want 1 and %q", exitOf(err), stderr, want)
	}

	// A's base port given for B: refused (exit 2) naming both; nothing stops.
	for _, c := range [][]string{{"status"}, {"peer-env", "anhui"}, {"logs", "peer.anhui"}, {"down"}, {"up"}} {
		_, stderr, err := cli(t, env, append(c, "--home", b.home, "--base-port", fmt.Sprint(a.topo.BasePort))...)
		if want := fmt.Sprintf("--base-port %d, not %d", b.topo.BasePort, a.topo.BasePort); exitOf(err) != 2 || !strings.Contains(stderr, want) {
			t.Errorf("%v of B with A's base port: exit %d: %s; want 2 and %q", c, exitOf(err), stderr, want)
		}
	}
	runningPIDs(t, env, b)

	// B's down stops B's processes, by PID, and none of A's.
	stdout, stderr, err = cli(t, env, "down", "--home", b.home)
	if want := fmt.Sprintf("stopped %d processes", len(b.topo.Nodes())); err != nil || !strings.Contains(stdout, want) {
		t.Fatalf("down B: exit %d: %s%s; want %q", exitOf(err), stdout, stderr, want)
	}
	if left := nettest.Leftovers(b.home); len(left) > 0 {
		t.Errorf("processes of B left after its down: %v", left)
	}
	for _, s := range status(t, env, b) {
		if s.Running {
			t.Errorf("B's %s still running (pid %d) after its down", s.Name, s.PID)
		}
	}
	after := runningPIDs(t, env, a)
	for name, pid := range pidsA {
		if after[name] != pid {
			t.Errorf("A's %s: pid %d before B's down, %d after", name, pid, after[name])
		}
	}
}

// minimalTopology is a network of four processes on free ports clear of
// those of the network beside it.
func minimalTopology(t *testing.T, beside network.Topology) network.Topology {
	t.Helper()
	place := network.Place{Country: "CN", Province: "Anhui", Locality: "Hefei"}
	topo := network.Topology{
		Orgs:        []network.Org{{Name: "anhui", MSPID: "AnhuiMSP", Place: place, Province: "anhui", Prefix: "34"}},
		OrdererOrgs: []network.OrdererOrg{{Name: "anhui", MSPID: "AnhuiOrdererMSP", Place: place}},
		Channels:    []network.Channel{{Name: "anhui", Members: []string{"anhui"}}},
		TimeWindow:  network.DefaultTimeWindow(),
	}
	n := len(topo.Nodes()) * network.PortStride
	besideEnd := beside.BasePort + len(beside.Nodes())*network.PortStride
	for range 20 {
		base, err := nettest.FreeBase(n)
		if err != nil {
			t.Fatal(err)
		}
		if base+n <= beside.BasePort || base >= besideEnd {
			topo.BasePort = base
			return topo
		}
	}
	t.Fatal("no free ports clear of the test network's")
	return topo
}

// stopNetwork stops what the test started in n's run directory, by PID
// (down), and kills by PID, as a failure, any process still working there.
func stopNetwork(t *testing.T, env *nettest.Env, n runHome) {
	nw, err := network.New(n.topo, n.home, env.Net.Fabric, env.Net.Self, nil)
	if err == nil {
		err = nw.Down(false)
	}
	if err != nil {
		t.Errorf("down %s: %v", n.name, err)
	}
	for _, pid := range nettest.Leftovers(n.home) {
		t.Errorf("process %d of %s left running; killed", pid, n.name)
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}
}

// status is `status --json --home` of n.
func status(t *testing.T, env *nettest.Env, n runHome) []network.NodeStatus {
	t.Helper()
	stdout, stderr, err := cli(t, env, "status", "--json", "--home", n.home)
	if err != nil {
		t.Fatalf("status of %s: exit %d: %s", n.name, exitOf(err), stderr)
	}
	var st []network.NodeStatus
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatalf("status --json of %s printed %q: %v", n.name, stdout, err)
	}
	return st
}

// runningPIDs wants status of n to show n's nodes on n's ports, each
// running and healthy, and returns their PIDs by node.
func runningPIDs(t *testing.T, env *nettest.Env, n runHome) map[string]int {
	t.Helper()
	st := status(t, env, n)
	b, _ := json.Marshal(st)
	checkStatus(t, n.topo, string(b))
	pids := map[string]int{}
	for _, s := range st {
		pids[s.Name] = s.PID
	}
	return pids
}

var blockchainInfo = regexp.MustCompile(`Blockchain info: \{"height":(\d+)`)

// checkPeerEnv: peer-env anhui of n points Fabric's CLI at n's Anhui peer,
// as n's Anhui admin: `peer channel getinfo` succeeds (another network's
// peer would refuse both its TLS and its MSP) and reads the height status
// shows for n's peer.
func checkPeerEnv(t *testing.T, env *nettest.Env, dir string, n runHome) {
	stdout, stderr, err := cli(t, env, "peer-env", "anhui", "--home", n.home)
	if want := "export CORE_PEER_ADDRESS='" + n.topo.Peer("anhui").ListenAddr() + "'\n"; err != nil || !strings.Contains(stdout, want) ||
		!strings.Contains(stdout, "export CORE_PEER_MSPCONFIGPATH='"+n.home+"/") {
		t.Errorf("peer-env anhui of %s: exit %d: %s; want %q and an MSP in %s, in\n%s", n.name, exitOf(err), stderr, want, n.home, stdout)
	}
	before := peerHeight(t, env, n)
	stdout, stderr, err = shell(t.Context(), t, env, dir, "eval \"$(bin/wanledger peer-env anhui --home '"+n.home+"')\"\npeer channel getinfo -c anhui")
	m := blockchainInfo.FindStringSubmatch(stdout + stderr)
	if err != nil || m == nil {
		t.Fatalf("peer channel getinfo as %s's Anhui admin: %v\n%s%s", n.name, err, stdout, stderr)
	}
	got, _ := strconv.Atoi(m[1])
	if after := peerHeight(t, env, n); got < before || got > after {
		t.Errorf("getinfo through %s's peer-env reads height %d; its peer.anhui was at %d, then %d", n.name, got, before, after)
	}
}

// peerHeight is the height of anhui at n's peer.anhui, as status shows it.
func peerHeight(t *testing.T, env *nettest.Env, n runHome) int {
	t.Helper()
	for _, s := range status(t, env, n) {
		if s.Name == "peer.anhui" && s.Heights["anhui"] > 0 {
			return s.Heights["anhui"]
		}
	}
	t.Fatalf("status of %s shows no height of anhui at peer.anhui", n.name)
	return 0
}

// checkLogs: logs peer.anhui of this prints the end of this's peer log,
// lines that the other network's log does not hold.
func checkLogs(t *testing.T, env *nettest.Env, this, other runHome) {
	stdout, stderr, err := cli(t, env, "logs", "peer.anhui", "-n", "5", "--home", this.home)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if err != nil || len(lines) != 5 {
		t.Fatalf("logs peer.anhui -n 5 of %s: exit %d: %s; printed %d lines", this.name, exitOf(err), stderr, len(lines))
	}
	own, err := os.ReadFile(network.Home(this.home).LogFile("peer.anhui"))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := os.ReadFile(network.Home(other.home).LogFile("peer.anhui"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l == "" {
			continue
		}
		if !strings.Contains(string(own), l+"\n") || strings.Contains(string(theirs), l) {
			t.Errorf("logs of %s printed %q: in its log %v, in %s's %v", this.name, l,
				strings.Contains(string(own), l+"\n"), other.name, strings.Contains(string(theirs), l))
		}
	}
}
