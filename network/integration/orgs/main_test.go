// Package orgs tests wanledger org add and org remove on a network of its
// own: Anhui, Hefei and Wuhu on channel anhui, Anhui and Shanghai on delta,
// Anhui's relay between them, one orderer of Anhui's; made by `wanledger
// up` from a network.json the test writes (up seeds the demo: all its
// organisations are there), and stopped by PID when the tests end. It does
// not start the shared test network.
package orgs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/fabricbin"
	"github.com/wanledger/wanledger/network/nettest"
)

// self and fab are the wanledger executable built for the tests and the
// Fabric tools; scratch holds the executable and the run directories.
var (
	self    string
	fab     fabricbin.Install
	scratch string
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	var err error
	if scratch, err = os.MkdirTemp("", "wanledger-it-orgs-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	nettest.StopOnInterrupt(scratch)
	if self, fab, err = nettest.Tools(ctx, scratch); err != nil {
		fmt.Fprintln(os.Stderr, "orgs:", err)
		return 1
	}
	code := m.Run()
	if code == 0 {
		os.RemoveAll(scratch)
	} else {
		fmt.Fprintln(os.Stderr, "orgs: run directories kept in", scratch)
	}
	return code
}

// testNet is the tests' network: its run directory.
type testNet struct {
	home string
}

// startNet writes the network's topology into a new run directory, on free
// ports with room after them for four added organisations (a removed
// one's ports are not given again), brings it up with `wanledger up`, and
// stops it by PID when the test ends.
func startNet(t *testing.T) *testNet {
	t.Helper()
	anhui := network.Place{Country: "CN", Province: "Anhui", Locality: "Hefei"}
	topo := network.Topology{
		Orgs: []network.Org{
			{Name: "anhui", MSPID: "AnhuiMSP", Place: anhui, Province: "anhui", Prefix: "34"},
			{Name: "hefei", MSPID: "HefeiMSP", Place: anhui, Province: "anhui"},
			{Name: "wuhu", MSPID: "WuhuMSP", Place: network.Place{Country: "CN", Province: "Anhui", Locality: "Wuhu"}, Province: "anhui"},
			{Name: "shanghai", MSPID: "ShanghaiMSP", Place: network.Place{Country: "CN", Province: "Shanghai", Locality: "Shanghai"}, Province: "shanghai", Prefix: "31"},
		},
		OrdererOrgs: []network.OrdererOrg{{Name: "anhui", MSPID: "AnhuiOrdererMSP", Place: anhui}},
		Channels: []network.Channel{
			{Name: "anhui", Members: []string{"anhui", "hefei", "wuhu"}},
			{Name: "delta", Members: []string{"anhui", "shanghai"}},
		},
		TimeWindow: network.DefaultTimeWindow(),
	}
	var err error
	if topo.BasePort, err = nettest.FreeBase(len(topo.Nodes())*network.PortStride + 4*network.AddedBlock); err != nil {
		t.Fatal(err)
	}
	n := &testNet{home: filepath.Join(scratch, strings.ReplaceAll(t.Name(), "/", "-"))}
	if err := os.MkdirAll(n.home, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(topo, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(n.home, network.TopologyFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.stop(t) })
	if out, stderr, err := n.cli("up", "--base-port", fmt.Sprint(topo.BasePort)); err != nil {
		t.Fatalf("up: %v\n%s%s", err, out, stderr)
	}
	return n
}

// stop stops the network by PID (down, on the topology recorded now), and
// kills by PID, as a failure, any process still working in its run
// directory: one that no command knew.
func (n *testNet) stop(t *testing.T) {
	if err := n.net(t).Down(false); err != nil {
		t.Errorf("down: %v", err)
	}
	for _, pid := range nettest.Leftovers(n.home) {
		t.Errorf("process %d left running in %s; killed", pid, n.home)
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}
}

// net is the network as the run directory records it now.
func (n *testNet) net(t *testing.T) *network.Network {
	t.Helper()
	topo, ok, err := network.RecordedTopology(n.home)
	if err == nil && !ok {
		err = network.ErrNoNetwork
	}
	if err != nil {
		t.Fatal(err)
	}
	nw, err := network.New(topo, n.home, fab, self, nil)
	if err != nil {
		t.Fatal(err)
	}
	return nw
}

// cli runs wanledger on the network's run directory.
func (n *testNet) cli(args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(self, append(args, "--home", n.home)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// mustCLI runs wanledger and wants exit 0 and want in what it printed.
func (n *testNet) mustCLI(t *testing.T, want string, args ...string) string {
	t.Helper()
	out, stderr, err := n.cli(args...)
	if err != nil || !strings.Contains(out, want) {
		t.Fatalf("wanledger %s: %v; want %q in\n%s%s", strings.Join(args, " "), err, want, out, stderr)
	}
	return out
}

// killedAt runs wanledger on the network and, as soon as it prints the
// progress line of step k, kills it with its children (its process group:
// the peer CLI and configtxlator it runs), as an operator's machine
// failing would; the nodes it started run in sessions of their own. It
// returns what the command printed and whether it was killed, rather
// than ending before step k, which it must then end well.
func (n *testNet) killedAt(t *testing.T, k int, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(self, append(args, "--home", n.home)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	killed, mark := false, fmt.Sprintf("==> [%d/", k)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		fmt.Fprintln(&out, sc.Text())
		if !killed && strings.HasPrefix(sc.Text(), mark) {
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
				t.Fatalf("kill the process group of %d: %v", cmd.Process.Pid, err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	switch {
	case killed && err == nil:
		// The command ended between printing the step and the kill: a
		// last step is quick, and its work was done.
		t.Logf("wanledger %s ended before the kill at step %d landed", strings.Join(args, " "), k)
	case killed && !(errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL):
		t.Fatalf("wanledger %s killed at step %d: %v\n%s%s", strings.Join(args, " "), k, err, out.String(), errOut.String())
	case !killed && err != nil:
		t.Fatalf("wanledger %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), killed
}

// eventually retries check for up to a minute, until it succeeds, naming
// what it waited for when it gives up.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	nettest.Eventually(t, time.Minute, func() error {
		if err := check(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	})
}
