//go:build hosts

package hosts

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network"
)

// lan is the test's machines: a Linux network namespace per host, each with
// a veth link to a bridge in a namespace of its own (the switch), and an
// address in 10.77.0.0/24 inside the host's namespace only. Nothing is
// added to the test's own namespace: no address, no route, no link (so no
// firewall of the machine sees the traffic either).
type lan struct {
	ip     string            // the ip command
	prefix string            // of every namespace and link name: "wl3fa2"
	hosts  []network.Host    // in the order given
	ns     map[string]string // host name → its namespace
}

// subnet is the LAN's /24; host i (from 0) has address .11+i.
const subnet = "10.77.0."

// newLAN makes the namespaces, the bridge and the links, and removes them
// when the test ends if the test has not (lan.remove).
func newLAN(t *testing.T, hosts ...string) *lan {
	t.Helper()
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Fatalf("the ip command (iproute2) is missing: run scripts/install-iproute2.sh (make test-hosts does): %v", err)
	}
	if os.Geteuid() != 0 {
		t.Fatal("network namespaces need root (CAP_SYS_ADMIN and CAP_NET_ADMIN): run make test-hosts as root, as CI does")
	}
	b := make([]byte, 2)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	l := &lan{ip: ip, prefix: "wl" + hex.EncodeToString(b), ns: map[string]string{}}
	t.Cleanup(func() {
		if err := l.remove(); err != nil {
			t.Errorf("remove the test's namespaces: %v", err)
		}
	})
	sw := l.switchNS()
	l.must(t, "netns", "add", sw)
	l.must(t, "-n", sw, "link", "add", "br0", "type", "bridge")
	l.must(t, "-n", sw, "link", "set", "dev", "br0", "up")
	for i, name := range hosts {
		h := network.Host{Name: name, Address: subnet + strconv.Itoa(11+i)}
		ns := l.prefix + "-" + name
		nic, port := fmt.Sprintf("%sa%d", l.prefix, i), fmt.Sprintf("%sb%d", l.prefix, i)
		l.must(t, "netns", "add", ns)
		l.ns[name] = ns
		l.must(t, "link", "add", nic, "netns", ns, "type", "veth", "peer", "name", port, "netns", sw)
		l.must(t, "-n", sw, "link", "set", "dev", port, "master", "br0")
		l.must(t, "-n", sw, "link", "set", "dev", port, "up")
		l.must(t, "-n", ns, "addr", "add", h.Address+"/24", "dev", nic)
		l.must(t, "-n", ns, "link", "set", "dev", nic, "up")
		l.must(t, "-n", ns, "link", "set", "dev", "lo", "up")
		// up starts the host's nodes inside its namespace: ip netns exec
		// replaces itself with the node's process, so the PID is the node's.
		h.Exec = []string{ip, "netns", "exec", ns}
		l.hosts = append(l.hosts, h)
	}
	return l
}

func (l *lan) switchNS() string { return l.prefix + "-lan" }

// host returns the named host.
func (l *lan) host(name string) network.Host {
	i := slices.IndexFunc(l.hosts, func(h network.Host) bool { return h.Name == name })
	return l.hosts[i]
}

// in is a command line that runs argv inside the host's namespace.
func (l *lan) in(host string, argv ...string) []string {
	return append([]string{l.ip, "netns", "exec", l.ns[host]}, argv...)
}

func (l *lan) must(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(l.ip, args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// pids lists the processes inside a host's namespace.
func (l *lan) pids(ns string) ([]int, error) {
	out, err := exec.Command(l.ip, "netns", "pids", ns).Output()
	if err != nil {
		return nil, fmt.Errorf("ip netns pids %s: %w", ns, err)
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("ip netns pids %s: %q", ns, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// namespaceOf names the namespace a process runs in ("" if none has a name).
func (l *lan) namespaceOf(pid int) (string, error) {
	out, err := exec.Command(l.ip, "netns", "identify", strconv.Itoa(pid)).Output()
	return strings.TrimSpace(string(out)), err
}

// remove kills, by PID, any process still inside the test's host
// namespaces (the test's own: down should have left none), then deletes
// the namespaces, the switch's last; the links go with them. What is
// removed already is skipped.
func (l *lan) remove() error {
	var errs []error
	for _, ns := range l.ns {
		if !exists(ns) {
			continue
		}
		pids, err := l.pids(ns)
		errs = append(errs, err)
		for _, pid := range pids {
			errs = append(errs, fmt.Errorf("process %d left in %s; killed", pid, ns), syscall.Kill(pid, syscall.SIGKILL))
		}
		if len(pids) > 0 {
			time.Sleep(time.Second)
		}
	}
	for _, ns := range append(slices.Collect(maps.Values(l.ns)), l.switchNS()) {
		if !exists(ns) {
			continue
		}
		if out, err := exec.Command(l.ip, "netns", "delete", ns).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("ip netns delete %s: %w: %s", ns, err, out))
		}
	}
	return errors.Join(errs...)
}

// exists reports whether a named namespace is there (ip keeps them under
// /run/netns).
func exists(ns string) bool {
	_, err := os.Stat("/run/netns/" + ns)
	return !errors.Is(err, os.ErrNotExist)
}

// leftovers lists what of the LAN is still there: its namespaces, and any
// link of its names in the test's own namespace.
func (l *lan) leftovers() ([]string, error) {
	out, err := exec.Command(l.ip, "netns", "list").Output()
	if err != nil {
		return nil, fmt.Errorf("ip netns list: %w", err)
	}
	var left []string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], l.prefix+"-") {
			left = append(left, "namespace "+f[0])
		}
	}
	if out, err = exec.Command(l.ip, "-o", "link", "show").Output(); err != nil {
		return nil, fmt.Errorf("ip link show: %w", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], l.prefix) {
			left = append(left, "link "+strings.TrimSuffix(f[1], ":"))
		}
	}
	return left, nil
}
