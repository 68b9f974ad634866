package network

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
)

// addedSlot is the block, counted from the organisation's Base, that each
// node of an added organisation takes.
var addedSlot = map[Kind]int{KindPeer: 0, KindChaincode: 1, KindGateway: 2, KindRelay: 3}

// AddedBlock is how many ports an added organisation reserves from its
// Base: a block of PortStride for each of its possible nodes.
const AddedBlock = 4 * PortStride

// validatePorts rejects nodes whose ports leave 1024–65535, and blocks of
// PortStride ports of two nodes, or of an added organisation, that
// overlap.
func (t Topology) validatePorts() error {
	type block struct {
		start, size int
		owner       string
	}
	var blocks []block
	lo, hi := t.BasePort, t.BasePort
	for _, n := range t.Nodes() {
		lo, hi = min(lo, n.base), max(hi, n.base+PortStride-1)
		o, _ := t.Org(n.Org)
		if n.Kind == KindOrderer || o.Base == 0 {
			blocks = append(blocks, block{n.base, PortStride, n.Name})
		}
	}
	for _, o := range t.Orgs {
		if o.Base != 0 {
			blocks = append(blocks, block{o.Base, AddedBlock, "organisation " + o.Name})
			lo, hi = min(lo, o.Base), max(hi, o.Base+AddedBlock-1)
		}
	}
	if lo < 1024 || hi > 65535 {
		return fmt.Errorf("topology: ports %d-%d out of range", lo, hi)
	}
	slices.SortFunc(blocks, func(a, b block) int { return a.start - b.start })
	for i := 1; i < len(blocks); i++ {
		if p := blocks[i-1]; blocks[i].start < p.start+p.size {
			return fmt.Errorf("topology: the ports of %s (from %d) overlap those of %s (%d-%d)", blocks[i].owner, blocks[i].start, p.owner, p.start, p.start+p.size-1)
		}
	}
	return nil
}

// portsEnd is the port after the last one the topology's nodes, its
// added organisations' reserved blocks, and the removed organisations'
// retired ones take.
func (t Topology) portsEnd() int {
	end := max(t.BasePort, t.RetiredPorts)
	for _, n := range t.Nodes() {
		end = max(end, n.base+PortStride)
	}
	for _, o := range t.Orgs {
		if o.Base != 0 {
			end = max(end, o.Base+AddedBlock)
		}
	}
	return end
}

// freeBlock finds the base of AddedBlock ports for a new organisation on
// host h: the first block after the topology's ports, on every host, of
// which no port is in use at h's address (portFree).
func (t Topology) freeBlock(h Host) (int, error) {
	base := t.portsEnd()
	for range 50 {
		if base+AddedBlock-1 > 65535 {
			break
		}
		free := true
		for p := base; p < base+AddedBlock && free; p++ {
			free = portFree(net.JoinHostPort(h.Address, strconv.Itoa(p)))
		}
		if free {
			return base, nil
		}
		base += AddedBlock
	}
	return 0, fmt.Errorf("no block of %d free ports after %d for a new organisation", AddedBlock, t.portsEnd())
}

// EphemeralPorts is the kernel's range of local ports for outgoing
// connections (net.ipv4.ip_local_port_range; 32768-60999, Linux's
// default, if it cannot be read).
func EphemeralPorts() (low, high int) {
	low, high = 32768, 60999
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return low, high
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return low, high
	}
	l, errL := strconv.Atoi(f[0])
	h, errH := strconv.Atoi(f[1])
	if errL != nil || errH != nil || l > h {
		return low, high
	}
	return l, h
}

// warnEphemeral warns when the ports of a network on this machine lie in
// the kernel's range for outgoing connections: a connection of any
// process, a node's own included, may take a node's port while the node
// restarts, and the node then cannot listen on it.
func (nw *Network) warnEphemeral() {
	if len(nw.Topo.Hosts) > 0 {
		return // other machines' kernels choose their own
	}
	low, high := EphemeralPorts()
	first, end := nw.Topo.BasePort, nw.Topo.portsEnd()
	if end <= low || first > high {
		return
	}
	nw.step("warning: ports %d-%d overlap the kernel's range for outgoing connections, %d-%d (net.ipv4.ip_local_port_range): a connection may take a node's port while the node restarts; a new run directory with a --base-port of at most %d avoids it (docs/operations.md, \"Ports\")",
		first, end-1, low, high, max(low-(end-first)-4*AddedBlock, 1024))
}
