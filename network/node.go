package network

import (
	"net"
	"strconv"
)

// Kind is what a node is.
type Kind string

// Node kinds.
const (
	KindOrderer   Kind = "orderer"
	KindPeer      Kind = "peer"
	KindChaincode Kind = "chaincode"
	KindGateway   Kind = "gateway"
	KindRelay     Kind = "relay"
)

// Node is one process of the network.
type Node struct {
	Name   string // "peer.hefei", "orderer.anhui", "chaincode.hefei"
	Kind   Kind
	Org    string // short organisation name
	MSPID  string
	Host   string // certificate host name: "peer0.hefei.wanledger"
	Domain string // cryptogen domain of its organisation
	On     Host   // the host it runs on: its address and launcher
	base   int    // first port of its block of PortStride
}

// Port offsets inside a node's block.
const (
	offListen     = 0 // orderer and peer gRPC, chaincode server
	offAdmin      = 1 // orderer channel participation; peer chaincode listener; a gateway's mutual TLS
	offBaseline   = 1 // a chaincode server's baseline chaincode (ADR 31)
	offOperations = 2 // /healthz and /metrics
	offMesh       = 3 // a gateway's libp2p host: TCP and UDP (QUIC) alike
	offProfile    = 4 // runtime profiles, when up runs with --profile
)

// ListenAddr is the node's main gRPC address.
func (n Node) ListenAddr() string { return n.addr(offListen) }

// AdminAddr is the orderer's channel participation address.
func (n Node) AdminAddr() string { return n.addr(offAdmin) }

// MTLSAddr is a gateway's mutual-TLS listener.
func (n Node) MTLSAddr() string { return n.addr(offAdmin) }

// ChaincodeAddr is the peer's listener for chaincodes that dial in.
func (n Node) ChaincodeAddr() string { return n.addr(offAdmin) }

// BaselineAddr is where a chaincode server serves the baseline chaincode
// of `wanledger bench` (ADR 31).
func (n Node) BaselineAddr() string { return n.addr(offBaseline) }

// MeshAddrs are a gateway's libp2p listen addresses: TCP and QUIC on its
// host's address, on the same port number.
func (n Node) MeshAddrs() []string {
	ip := "/ip4/" + n.On.Address
	p := strconv.Itoa(n.port(offMesh))
	return []string{ip + "/tcp/" + p, ip + "/udp/" + p + "/quic-v1"}
}

// OperationsAddr serves /healthz and /metrics: a gateway serves them beside
// its API, a relay on its only port (with /status).
func (n Node) OperationsAddr() string {
	if n.Kind == KindGateway || n.Kind == KindRelay {
		return n.ListenAddr()
	}
	return n.addr(offOperations)
}

// ProfileAddr serves the node's Go runtime profiles (/debug/pprof/) when
// the network was started with profiling on.
func (n Node) ProfileAddr() string { return n.addr(offProfile) }

// Ports lists the ports the node listens on.
func (n Node) Ports() []int {
	switch n.Kind {
	case KindChaincode:
		return []int{n.port(offListen), n.port(offBaseline)}
	case KindRelay:
		return []int{n.port(offListen)}
	case KindGateway:
		return []int{n.port(offListen), n.port(offAdmin), n.port(offMesh)}
	default:
		return []int{n.port(offListen), n.port(offAdmin), n.port(offOperations)}
	}
}

// dialAddrs are the addresses a ready node accepts connections on: its
// listen address, a chaincode server's baseline address too, and an
// orderer's channel participation address, which it opens after the others
// and osnadmin needs next.
func (n Node) dialAddrs() []string {
	switch n.Kind {
	case KindChaincode:
		return []string{n.ListenAddr(), n.BaselineAddr()}
	case KindOrderer:
		return []string{n.ListenAddr(), n.AdminAddr()}
	}
	return []string{n.ListenAddr()}
}

func (n Node) port(off int) int { return n.base + off }

func (n Node) addr(off int) string {
	return net.JoinHostPort(n.On.Address, strconv.Itoa(n.port(off)))
}

// Nodes lists every process in start order: orderers, peers, chaincode
// servers, gateways, and the relay of each organisation on two or more
// channels. The nodes of the organisations the network was made with take
// consecutive blocks of PortStride ports from BasePort, in this order; an
// added organisation's take its own blocks from its Base (addedSlot).
func (t Topology) Nodes() []Node {
	var out []Node
	laid := 0
	add := func(n Node, o Org) {
		if o.Base == 0 {
			n.base = t.BasePort + PortStride*laid
			laid++
		} else {
			n.base = o.Base + PortStride*addedSlot[n.Kind]
		}
		n.On = t.HostOf(n)
		out = append(out, n)
	}
	for _, o := range t.OrdererOrgs {
		add(Node{Name: "orderer." + o.Name, Kind: KindOrderer, Org: o.Name, MSPID: o.MSPID,
			Host: "orderer." + o.Domain(), Domain: o.Domain()}, Org{})
	}
	for _, o := range t.Orgs {
		add(Node{Name: "peer." + o.Name, Kind: KindPeer, Org: o.Name, MSPID: o.MSPID,
			Host: "peer0." + o.Domain(), Domain: o.Domain()}, o)
	}
	for _, o := range t.Orgs {
		add(Node{Name: "chaincode." + o.Name, Kind: KindChaincode, Org: o.Name, MSPID: o.MSPID,
			Host: "ccaas." + o.Domain(), Domain: o.Domain()}, o)
	}
	for _, o := range t.Orgs {
		add(Node{Name: "gateway." + o.Name, Kind: KindGateway, Org: o.Name, MSPID: o.MSPID, Domain: o.Domain()}, o)
	}
	for _, o := range t.Orgs {
		if len(t.ChannelsOf(o.Name)) > 1 {
			add(Node{Name: "relay." + o.Name, Kind: KindRelay, Org: o.Name, MSPID: o.MSPID, Domain: o.Domain()}, o)
		}
	}
	return out
}

// Node returns the named node.
func (t Topology) Node(name string) (Node, bool) {
	for _, n := range t.Nodes() {
		if n.Name == name {
			return n, true
		}
	}
	return Node{}, false
}

// NodesOf returns the nodes of one kind.
func (t Topology) NodesOf(k Kind) []Node {
	var out []Node
	for _, n := range t.Nodes() {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}

// ordererOrg returns the organisation that runs an orderer node. Nodes builds
// orderer nodes from OrdererOrgs, so there always is one.
func (t Topology) ordererOrg(n Node) OrdererOrg {
	for _, o := range t.OrdererOrgs {
		if o.Name == n.Org {
			return o
		}
	}
	return OrdererOrg{}
}

// Peer returns the organisation's peer.
func (t Topology) Peer(org string) Node {
	n, _ := t.Node("peer." + org)
	return n
}
