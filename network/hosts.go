package network

import (
	"fmt"
	"net/netip"
	"strings"
)

// Host is a machine the network runs on: the address its nodes listen on
// and are dialled at, and how `up` starts a process there. An
// organisation's nodes (peer, chaincode server, gateway, relay) share its
// host; an orderer organisation's orderer runs on its own organisation's.
type Host struct {
	// Name is what organisations name in their Host: "hefei".
	Name string
	// Address is an IPv4 address of the machine, in dotted decimal,
	// reachable from every other host and from where `up` runs:
	// "10.77.0.11". Its nodes listen on it, other nodes and clients dial
	// it, and their TLS certificates name it. Not IPv6: Fabric joins an
	// anchor peer's host and port without brackets.
	Address string
	// Exec is the launcher: a command line `up` puts before a node's own
	// (a Fabric binary or wanledger, with its arguments, in the node's
	// directory and environment) to run it on the host, e.g. ["ip", "netns",
	// "exec", "h1"], or a script around ssh. It must replace itself with
	// the node's process (exec), so that the PID `up` records, and `down`
	// stops, is the node's. Empty: the node runs where `up` runs.
	Exec []string `json:",omitempty"`
}

// Loopback is the address of every node of a topology without hosts.
const Loopback = "127.0.0.1"

// Bounds of a topology's hosts.
const (
	maxHosts      = 64
	maxExecArgs   = 16
	maxExecArgLen = 1024
)

// loopbackHost is where every node runs when the topology names no host.
var loopbackHost = Host{Address: Loopback}

// hostOf returns the host named name, or the loopback host for "".
// Validate makes sure a name it is given is a host's.
func (t Topology) hostOf(name string) Host {
	for _, h := range t.Hosts {
		if h.Name == name {
			return h
		}
	}
	return loopbackHost
}

// HostOf returns the host a node runs on: the loopback host in a topology
// without hosts.
func (t Topology) HostOf(n Node) Host {
	if n.Kind == KindOrderer {
		return t.hostOf(t.ordererOrg(n).Host)
	}
	o, _ := t.Org(n.Org)
	return t.hostOf(o.Host)
}

// validateHosts checks the hosts and where the organisations are: with no
// hosts, no organisation names one; with hosts, each organisation names one
// of them and each of them runs some node.
func (t Topology) validateHosts() error {
	type placed struct{ org, host string }
	var named []placed // every organisation, in the topology's order
	for _, o := range t.Orgs {
		named = append(named, placed{o.Name, o.Host})
	}
	for _, o := range t.OrdererOrgs {
		named = append(named, placed{"orderer organisation " + o.Name, o.Host})
	}
	if len(t.Hosts) == 0 {
		for _, p := range named {
			if p.host != "" {
				return fmt.Errorf("topology: %s names host %q, but the topology has no hosts", p.org, p.host)
			}
		}
		return nil
	}
	if len(t.Hosts) > maxHosts {
		return fmt.Errorf("topology: %d hosts, at most %d", len(t.Hosts), maxHosts)
	}
	used := map[string]bool{}
	addrs := map[string]bool{}
	for _, h := range t.Hosts {
		if err := h.validate(); err != nil {
			return fmt.Errorf("topology: %w", err)
		}
		if _, dup := used[h.Name]; dup || addrs[h.Address] {
			return fmt.Errorf("topology: host %s or its address %s defined twice", h.Name, h.Address)
		}
		used[h.Name], addrs[h.Address] = false, true
	}
	for _, p := range named {
		if _, ok := used[p.host]; !ok {
			return fmt.Errorf("topology: %s names no host of the topology (%q); with hosts, every organisation names one", p.org, p.host)
		}
		used[p.host] = true
	}
	for _, h := range t.Hosts {
		if !used[h.Name] {
			return fmt.Errorf("topology: host %s runs no node", h.Name)
		}
	}
	return nil
}

// validate accepts a host with a valid name, a unicast IPv4 address in
// dotted decimal, and a launcher of at most 16 non-empty arguments of at
// most 1024 bytes.
func (h Host) validate() error {
	if !validName(h.Name) {
		return fmt.Errorf("bad host name %q: want 1 to 32 lower-case letters and digits, starting with a letter", h.Name)
	}
	a, err := netip.ParseAddr(h.Address)
	if err != nil || !a.Is4() || a.String() != h.Address || a.IsUnspecified() || a.IsMulticast() {
		return fmt.Errorf("host %s: address %q is not a unicast IPv4 address such as 10.77.0.11", h.Name, h.Address)
	}
	if len(h.Exec) > maxExecArgs {
		return fmt.Errorf("host %s: launcher of %d arguments, at most %d", h.Name, len(h.Exec), maxExecArgs)
	}
	for _, arg := range h.Exec {
		if arg == "" || len(arg) > maxExecArgLen || strings.ContainsRune(arg, 0) {
			return fmt.Errorf("host %s: launcher argument %.40q: want 1 to %d bytes, no NUL", h.Name, arg, maxExecArgLen)
		}
	}
	return nil
}

// sans are the names a TLS server certificate of a node on the host names
// beside its own host name: localhost and 127.0.0.1, as on one machine,
// and the host's address.
func (h Host) sans() []string {
	if h.Address == Loopback {
		return []string{"localhost", Loopback}
	}
	return []string{"localhost", Loopback, h.Address}
}
