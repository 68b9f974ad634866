// Package network brings up, inspects and stops the project's Hyperledger
// Fabric network as native processes: Raft orderers, one peer per
// organisation, and one chaincode-as-a-service server per organisation,
// on the loopback address or on the hosts the topology names, each started
// there through its host's launcher (ADR 40).
//
// Everything it makes lives in a run directory (Home). Up is idempotent: it
// does only what is missing, and after Down it resumes the same ledgers.
package network

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wanledger/wanledger/network/fabricbin"
	"github.com/wanledger/wanledger/network/proc"
)

// ChaincodeName is the name the chaincode is defined under on every channel.
const ChaincodeName = "wanledger"

// ChaincodeVersion and ChaincodeSequence are its definition. Raising the
// sequence upgrades the definition on the next up.
const (
	ChaincodeVersion  = "0.1.0"
	ChaincodeSequence = 1
)

// Network is a topology materialised in a run directory.
type Network struct {
	Topo   Topology
	Home   Home
	Fabric fabricbin.Install
	// Self is the wanledger executable: the chaincode servers and the external
	// builder run it.
	Self string
	// Out receives progress lines.
	Out io.Writer
	// Profile makes the nodes this Network starts serve their Go runtime
	// profiles on their ProfileAddr (profile.go).
	Profile bool
}

// New checks the topology and returns a network rooted at home.
func New(topo Topology, home string, fabric fabricbin.Install, self string, out io.Writer) (*Network, error) {
	if err := topo.Validate(); err != nil {
		return nil, err
	}
	if !filepath.IsAbs(home) || !filepath.IsAbs(self) {
		return nil, fmt.Errorf("home %q and executable %q must be absolute paths", home, self)
	}
	if out == nil {
		out = io.Discard
	}
	return &Network{Topo: topo, Home: Home(home), Fabric: fabric, Self: self, Out: out}, nil
}

// step prints a numbered progress line.
func (nw *Network) step(format string, args ...any) {
	fmt.Fprintf(nw.Out, "==> "+format+"\n", args...)
}

func (nw *Network) detail(format string, args ...any) {
	fmt.Fprintf(nw.Out, "    "+format+"\n", args...)
}

// Up brings the whole network up and reports whether it changed anything.
// It refuses a topology with an organisation whose addition or removal has
// not finished (*PendingError).
func (nw *Network) Up(ctx context.Context) (changed bool, err error) {
	start := time.Now()
	if err := nw.begin(); err != nil {
		return false, err
	}
	if err := nw.checkRunningWindow(); err != nil {
		return false, err
	}
	nw.warnEphemeral()
	steps := append(nw.filesSteps(), []step{
		{"orderers", func(ctx context.Context) (bool, error) { return nw.ensureNodes(ctx, KindOrderer) }},
		{"peers", func(ctx context.Context) (bool, error) { return nw.ensureNodes(ctx, KindPeer) }},
		{"orderers join channels (osnadmin)", nw.ensureOrdererChannels},
		{"Raft leaders elected", nw.waitLeaders},
		{"peers join channels", nw.ensurePeerChannels},
		{"gossip membership", nw.waitGossip},
		{"chaincode installed on every peer", func(ctx context.Context) (bool, error) { return nw.ensureInstalled(ctx, licenceCC) }},
		{"chaincode servers", func(ctx context.Context) (bool, error) { return nw.ensureNodes(ctx, KindChaincode) }},
		{"chaincode approved by every member", func(ctx context.Context) (bool, error) { return nw.ensureApproved(ctx, licenceCC) }},
		{"chaincode committed", func(ctx context.Context) (bool, error) { return nw.ensureCommitted(ctx, licenceCC) }},
		{"channel memberships on the ledger (approved by a majority of each channel's admins)", nw.ensureMembership},
		{"demo roles bound on the ledger", nw.ensureDemoRoles},
		{"gateway API keys", nw.ensureKeys},
		{"gateways", func(ctx context.Context) (bool, error) { return nw.ensureNodes(ctx, KindGateway) }},
		{"gateway mesh endpoints registered on the ledger", nw.ensureMeshEndpoints},
		{"relay sources approved by every member of each receiving channel", nw.ensureRelaySources},
		{"relays", func(ctx context.Context) (bool, error) { return nw.ensureNodes(ctx, KindRelay) }},
		{"demo: licence type, Hefei agency and seal key, licence " + DemoLicence + " (through the gateways)", nw.SeedDemo},
	}...)
	if changed, err = nw.run(ctx, steps); err != nil {
		return changed, err
	}
	if changed {
		nw.step("network up in %s", time.Since(start).Round(100*time.Millisecond))
	} else {
		nw.step("network already up: nothing changed")
	}
	nw.printPages()
	nw.printDemo()
	return changed, nil
}

// begin makes the run directory, or checks it was made for this topology,
// and refuses a topology with an organisation whose addition or removal
// has not finished (*PendingError).
func (nw *Network) begin() error {
	if err := nw.Pending(); err != nil {
		return err
	}
	if err := os.MkdirAll(string(nw.Home), 0o755); err != nil {
		return err
	}
	return nw.checkHome()
}

// run runs steps in order, each numbered as it starts, and stops at the
// first that fails. A step's outcome is what it printed; one that printed
// nothing gets "unchanged", or "done" if it changed something, so that
// every step ends in one outcome and never in two that disagree.
func (nw *Network) run(ctx context.Context, steps []step) (changed bool, err error) {
	out := nw.Out
	defer func() { nw.Out = out }()
	for i, s := range steps {
		nw.step("[%d/%d] %s", i+1, len(steps), s.name)
		w := &countingWriter{w: out}
		nw.Out = w
		c, err := s.fn(ctx)
		nw.Out = out
		switch why := ended(ctx); {
		case err != nil && why != nil: // whatever failed, it failed for this one cause
			return changed, fmt.Errorf("%s: %w", s.name, why)
		case err != nil:
			return changed, fmt.Errorf("%s: %w", s.name, err)
		}
		switch {
		case w.n.Load() > 0:
		case c:
			nw.detail("done")
		default:
			nw.detail("unchanged")
		}
		changed = changed || c
	}
	return changed, nil
}

// countingWriter counts the writes made through it (a step's lines).
type countingWriter struct {
	w io.Writer
	n atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n.Add(1)
	return c.w.Write(p)
}

// fabric runs a Fabric tool and returns its standard output. env, if not nil,
// is added to the process environment.
func (nw *Network) fabric(ctx context.Context, env []string, tool string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, nw.Fabric.Path(tool), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = string(nw.Home)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), toolError(ctx, tool, args, err, stderr.String()+stdout.String())
	}
	return stdout.String(), nil
}

// errInterrupted is a command interrupted (SIGINT, SIGTERM: its context
// was cancelled) while it ran a step.
var errInterrupted = errors.New("interrupted")

// ended is why ctx ended, nil if it has not: errInterrupted if it was
// cancelled, else its error (its deadline passed).
func ended(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return errInterrupted
	}
	return ctx.Err()
}

// toolError is a failed run of a Fabric tool, in one sentence: the tool
// and its subcommand, then why it failed (interrupted, or the process's
// error and the last lines it printed, if it printed any).
func toolError(ctx context.Context, tool string, args []string, err error, output string) error {
	what := tool
	for _, a := range args[:min(len(args), 3)] {
		if strings.HasPrefix(a, "-") || strings.Contains(a, "/") {
			break
		}
		what += " " + a
	}
	if why := ended(ctx); why != nil {
		return fmt.Errorf("%s: %w", what, why)
	}
	if out := lastLines(output, 6); out != "" {
		return fmt.Errorf("%s: %w; it printed: %s", what, err, out)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ensureNodes starts every node of a kind that is not running, then waits for
// all of them to be ready.
func (nw *Network) ensureNodes(ctx context.Context, kind Kind) (bool, error) {
	nodes := nw.Topo.NodesOf(kind)
	changed, err := nw.ensureNodesOf(ctx, nodes)
	if changed && err == nil {
		nw.detail("%d %s nodes ready", len(nodes), kind)
	}
	return changed, err
}

// StartNode starts one node that is not running.
func (nw *Network) StartNode(ctx context.Context, name string) error {
	n, ok := nw.Topo.Node(name)
	if !ok {
		return fmt.Errorf("no node %q", name)
	}
	if _, err := proc.Read(nw.Home.PIDFile(n.Name)); err == nil {
		return fmt.Errorf("%s is already running", name)
	}
	if err := nw.startNode(n); err != nil {
		return err
	}
	return nw.waitReady(ctx, n)
}

func (nw *Network) startNode(n Node) error {
	ports := n.Ports()
	if nw.Profile {
		ports = append(ports, n.port(offProfile))
	}
	for _, p := range ports {
		if addr := net.JoinHostPort(n.On.Address, strconv.Itoa(p)); !portFree(addr) {
			return fmt.Errorf("start %s: %s is in use by another process", n.Name, addr)
		}
	}
	if err := nw.forgetChaincodeBuilds(n); err != nil {
		return err
	}
	spec, err := nw.spec(n)
	if err != nil {
		return err
	}
	h, err := proc.Start(spec)
	if err != nil {
		return fmt.Errorf("start %s: %w", n.Name, err)
	}
	on := ""
	if n.On.Name != "" {
		on = " on " + n.On.Name
	}
	nw.detail("started %-18s pid %-7d %s%s", n.Name, h.PID, n.ListenAddr(), on)
	return nil
}

// forgetChaincodeBuilds removes a peer's external chaincode builds, which
// Fabric keeps across restarts with the connection.json their release wrote
// (its chaincode server's address and TLS material of then): the peer, about
// to start, builds and releases them anew from its environment, the
// topology's now (an organisation removed and added again may have other
// ports). A ccaas build copies one small file. Other nodes have none.
func (nw *Network) forgetChaincodeBuilds(n Node) error {
	if n.Kind != KindPeer {
		return nil
	}
	return os.RemoveAll(nw.Home.chaincodeBuilds(n.Name))
}

func (nw *Network) spec(n Node) (proc.Spec, error) {
	dir := nw.Home.NodeDir(n.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return proc.Spec{}, err
	}
	s := proc.Spec{Dir: dir, LogFile: nw.Home.LogFile(n.Name), PIDFile: nw.Home.PIDFile(n.Name), Launcher: n.On.Exec}
	var env []string
	var err error
	switch n.Kind {
	case KindOrderer:
		s.Path = nw.Fabric.Path("orderer")
		env, err = nw.ordererEnv(n)
	case KindPeer:
		s.Path, s.Args = nw.Fabric.Path("peer"), []string{"node", "start"}
		env, err = nw.peerEnv(n)
	case KindChaincode:
		s.Path, s.Args = nw.Self, []string{"chaincode", "serve"}
		env, err = nw.chaincodeEnv(n)
	case KindGateway, KindRelay:
		var cfg string
		if cfg, err = nw.writeNodeConfig(n); err == nil {
			s.Path, s.Args = nw.Self, []string{string(n.Kind), "--config", cfg}
		}
	}
	if err != nil {
		return proc.Spec{}, err
	}
	if nw.Profile {
		env = append(env, profileEnv(n)...)
	}
	s.Env = append(baseEnv(), env...)
	return s, nil
}

// baseEnv is the environment every node inherits: only what a process needs,
// so the operator's CORE_* or ORDERER_* variables cannot leak in.
func baseEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "TZ", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// waitReady waits until the node accepts connections on its listen address
// and, for orderers and peers, its /healthz answers OK.
func (nw *Network) waitReady(ctx context.Context, n Node) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	var last error
	for {
		if _, err := proc.Read(nw.Home.PIDFile(n.Name)); err != nil {
			return fmt.Errorf("%s exited; last lines of %s:\n%s", n.Name, nw.Home.LogFile(n.Name), tail(nw.Home.LogFile(n.Name), 15))
		}
		// The operations endpoint comes up before the gRPC listener, so
		// orderers and peers are ready when both answer.
		last = nil
		if n.Kind != KindChaincode {
			last = healthy(ctx, n.OperationsAddr())
		}
		for _, addr := range n.dialAddrs() {
			if last == nil && !dialable(addr) {
				last = fmt.Errorf("%s not accepting connections", addr)
			}
		}
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %v (log: %s)", n.Name, last, nw.Home.LogFile(n.Name))
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return lastLines(string(b), n)
}

// Down stops every node, chaincode servers first, by PID: SIGTERM, then
// SIGKILL after a grace period. purge also removes the run directory.
func (nw *Network) Down(purge bool) error {
	stopped, err := nw.stopNodes(nw.Topo.Nodes())
	if err != nil {
		return err
	}
	if stopped == 0 {
		nw.step("nothing was running")
	} else {
		nw.step("stopped %d processes", stopped)
	}
	if purge {
		if err := os.RemoveAll(string(nw.Home)); err != nil {
			return err
		}
		nw.step("removed %s", nw.Home)
	}
	return nil
}

// Handle returns the running process of a node.
func (nw *Network) Handle(name string) (proc.Handle, error) {
	return proc.Read(nw.Home.PIDFile(name))
}
