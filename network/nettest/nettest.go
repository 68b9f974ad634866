// Package nettest is the integration harness: it starts the real network,
// with the same code as `wanledger up`, in a temporary run directory on free
// loopback ports, shares it between the tests of a package, and stops every
// process it started when they end.
//
// A test package uses it from TestMain:
//
//	func TestMain(m *testing.M) { nettest.Main(m) }
//
// and reaches the network with nettest.Get(t).
package nettest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/fabricbin"
	"google.golang.org/grpc"
)

// Env is a running network under test.
type Env struct {
	Net *network.Network
	dir string
}

var shared *Env

// Get returns the network started by Main.
func Get(tb testing.TB) *Env {
	tb.Helper()
	if shared == nil {
		tb.Fatal("nettest: the network is not running; call nettest.Main from TestMain")
	}
	return shared
}

// Option changes the topology of the network Main starts.
type Option func(network.Topology) (network.Topology, error)

// Orderers starts the network with n Raft orderers (3 or 5) instead of the
// default topology's three.
func Orderers(n int) Option {
	return func(t network.Topology) (network.Topology, error) { return t.WithOrderers(n) }
}

// Main starts the network (the default topology, changed by opts), runs
// the tests, stops the network and checks that no process it started is
// left. It does not return. Interrupted (Ctrl-C), it stops the processes
// of its run directory first (StopOnInterrupt).
func Main(m *testing.M, opts ...Option) {
	os.Exit(run(m, opts))
}

func run(m *testing.M, opts []Option) int {
	env, err := start(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nettest: start network:", err)
		if env != nil {
			env.stop()
			fmt.Fprintln(os.Stderr, "nettest: logs kept in", env.Net.Home.Path("logs"))
		}
		return 1
	}
	shared = env
	code := m.Run()
	if err := env.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "nettest:", err)
		code = 1
	}
	if code == 0 {
		os.RemoveAll(env.dir)
	} else {
		fmt.Fprintln(os.Stderr, "nettest: run directory kept in", env.dir)
	}
	return code
}

// PastWindow is the past side of the test network's time window (its
// future side is the default).
const PastWindow = time.Minute

func start(opts []Option) (*Env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "wanledger-it-")
	if err != nil {
		return nil, err
	}
	StopOnInterrupt(dir)
	self, fab, err := Tools(ctx, dir)
	if err != nil {
		return nil, err
	}
	topo := network.Default()
	for _, o := range opts {
		if topo, err = o(topo); err != nil {
			return nil, err
		}
	}
	// A past window of a minute keeps the tests that hold a transaction
	// beyond it short.
	topo.TimeWindow.Past = PastWindow
	if topo.BasePort, err = FreeBase(len(topo.Nodes()) * network.PortStride); err != nil {
		return nil, err
	}
	nw, err := network.New(topo, filepath.Join(dir, "home"), fab, self, prefixWriter{})
	if err != nil {
		return nil, err
	}
	env := &Env{Net: nw, dir: dir}
	start := time.Now()
	if _, err := nw.Up(ctx); err != nil {
		return env, err
	}
	fmt.Fprintf(os.Stderr, "nettest: network up on ports %d+ in %s\n", topo.BasePort, time.Since(start).Round(100*time.Millisecond))
	return env, nil
}

// Tools builds the wanledger executable into dir and returns its path with
// the Fabric tools, built first if the cache lacks them: what a test that
// starts a network of its own needs.
func Tools(ctx context.Context, dir string) (self string, fab fabricbin.Install, err error) {
	self = filepath.Join(dir, "wanledger")
	build := exec.CommandContext(ctx, "go", "build", "-o", self, "github.com/wanledger/wanledger/cmd/wanledger")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fab, fmt.Errorf("build wanledger: %w: %s", err, out)
	}
	fab, err = fabricbin.Ensure(ctx, os.Stderr)
	return self, fab, err
}

// prefixWriter sends the network's progress to stderr, marked as the harness's.
type prefixWriter struct{}

func (prefixWriter) Write(p []byte) (int, error) {
	for _, l := range strings.SplitAfter(string(p), "\n") {
		if l != "" {
			fmt.Fprint(os.Stderr, "nettest: "+l)
		}
	}
	return len(p), nil
}

// stop stops the network by PID and then looks for any process still
// working in the run directory, which would be one the harness left behind.
func (e *Env) stop() error {
	downErr := e.Net.Down(false)
	left := Leftovers(e.dir)
	for _, pid := range left {
		if p, err := os.FindProcess(pid); err == nil {
			p.Kill()
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("processes left running after down: %v (killed now); down: %v", left, downErr)
	}
	return downErr
}

// Leftovers lists live processes whose working directory is under dir. Every
// node runs in its own directory of the run directory, so after down there
// must be none.
func Leftovers(dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || !strings.HasPrefix(cwd, dir+string(filepath.Separator)) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && isZombie(st) {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

func isZombie(stat []byte) bool {
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// PeerCLI runs Fabric's peer command as the organisation's admin, with the
// environment `wanledger peer-env` prints, plus extra variables.
func (e *Env) PeerCLI(ctx context.Context, org string, extra []string, args ...string) (string, error) {
	env, err := e.Net.AdminEnv(org)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, e.Net.Fabric.Path("peer"), args...)
	cmd.Env = append(append(os.Environ(), env...), extra...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Gateway connects to the organisation's peer as one of its users ("User1",
// "Admin") through fabric-gateway. The connection closes when the test ends.
func (e *Env) Gateway(tb testing.TB, org, user string) *client.Gateway {
	tb.Helper()
	conn := e.Conn(tb, org)
	gw, err := e.GatewayOver(conn, org, user)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { gw.Close() })
	return gw
}

// Conn opens a gRPC connection to the organisation's peer.
func (e *Env) Conn(tb testing.TB, org string) *grpc.ClientConn {
	tb.Helper()
	o, ok := e.Net.Topo.Org(org)
	if !ok {
		tb.Fatalf("unknown organisation %q", org)
	}
	conn, err := fabricid.Dial(e.Net.Topo.Peer(o.Name).ListenAddr(), e.Net.Home.OrgTLSCA(o))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	return conn
}

// GatewayOver connects as a user of org over an existing connection, which
// may lead to another organisation's peer.
func (e *Env) GatewayOver(conn grpc.ClientConnInterface, org, user string) (*client.Gateway, error) {
	o, ok := e.Net.Topo.Org(org)
	if !ok {
		return nil, fmt.Errorf("unknown organisation %q", org)
	}
	msp, _ := e.Net.Home.User(o, user)
	return fabricid.Connect(o.MSPID, msp, conn,
		client.WithEvaluateTimeout(10*time.Second),
		client.WithEndorseTimeout(20*time.Second),
		client.WithSubmitTimeout(10*time.Second),
		client.WithCommitStatusTimeout(time.Minute))
}

// Eventually polls f every 250 ms until it returns nil, or fails the test
// with f's last error once within has passed.
func Eventually(tb testing.TB, within time.Duration, f func() error) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("after %s: %v", within, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
