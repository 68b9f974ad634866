package network

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// Org is a peer organisation: it runs one peer and one chaincode server.
type Org struct {
	Name  string // short name, lower case: "hefei"
	MSPID string // "HefeiMSP"
	Place Place  // where it is, as its certificates name it
	// Province is the short name of the province organisation it belongs
	// to, its own for a province; Prefix is a province's two-digit prefix of
	// the administrative division codes (GB/T 2260) of its regions, empty
	// for any other organisation. Each channel's membership on the ledger
	// records both (Membership).
	Province string
	Prefix   string
	// Base is the first port of an organisation added to a running network
	// (org add): its peer, chaincode server, gateway and relay take the
	// AddedBlock ports from there, one node block each, so that no other
	// node's ports move. It is zero for an organisation the network was
	// made with, whose nodes are laid out by kind from the topology's
	// BasePort.
	Base int `json:",omitempty"`
	// Pending marks an organisation whose addition or removal has not
	// finished (org add, org remove): up refuses to run until it has.
	Pending bool `json:",omitempty"`
}

// Place is where an organisation is, as the subjects of its certificates name
// it (X.509 attributes C, ST and L; RFC 5280 §4.1.2.4): a two-letter ISO 3166
// country code, the province (or province-level city) and the city, in
// pinyin. Every certificate of the organisation's CAs carries it. The zero
// Place leaves cryptogen's defaults (a run directory recorded before places
// were named keeps its certificates).
type Place struct {
	Country, Province, Locality string
}

// Domain is the organisation's cryptogen domain.
func (o Org) Domain() string { return o.Name + "." + TLD }

// OrdererOrg is an organisation that runs one Raft orderer.
type OrdererOrg struct {
	Name  string // short name of the province that runs it: "anhui"
	MSPID string // "AnhuiOrdererMSP"
	Place Place
}

// Domain is the orderer organisation's cryptogen domain.
func (o OrdererOrg) Domain() string { return "ord." + o.Name + "." + TLD }

// Channel is an application channel and its member organisations.
type Channel struct {
	Name    string
	Members []string // peer organisation names
}

// TLD is the top-level domain of every node name. Nodes are reached on the
// loopback address; the names exist only in certificates.
const TLD = "wanledger"

// Topology is the whole network: who runs what, and on which ports.
type Topology struct {
	Orgs        []Org
	OrdererOrgs []OrdererOrg
	Channels    []Channel
	// BasePort is the first port; each node takes a block of PortStride ports.
	BasePort int
	// TimeWindow bounds the proposal timestamps the peers endorse. It is a
	// setting of each start, not recorded with the run directory.
	TimeWindow TimeWindow `json:"-"`
}

// PortStride is the number of ports reserved for each node.
const PortStride = 10

// DefaultBasePort is the first port of the default local network.
const DefaultBasePort = 17000

// Places of the default topology: a province's organisations sit in its
// capital.
var (
	hefei    = Place{"CN", "Anhui", "Hefei"}
	shanghai = Place{"CN", "Shanghai", "Shanghai"}
	hangzhou = Place{"CN", "Zhejiang", "Hangzhou"}
)

// Default is the network of DESIGN §2: the province, two cities and the three
// Yangtze River Delta partner provinces; three orderers run by three
// different provinces.
func Default() Topology {
	return Topology{
		Orgs: []Org{
			{Name: "anhui", MSPID: "AnhuiMSP", Place: hefei, Province: "anhui", Prefix: "34"},
			{Name: "hefei", MSPID: "HefeiMSP", Place: hefei, Province: "anhui"},
			{Name: "wuhu", MSPID: "WuhuMSP", Place: Place{"CN", "Anhui", "Wuhu"}, Province: "anhui"},
			{Name: "shanghai", MSPID: "ShanghaiMSP", Place: shanghai, Province: "shanghai", Prefix: "31"},
			{Name: "jiangsu", MSPID: "JiangsuMSP", Place: Place{"CN", "Jiangsu", "Nanjing"}, Province: "jiangsu", Prefix: "32"},
			{Name: "zhejiang", MSPID: "ZhejiangMSP", Place: hangzhou, Province: "zhejiang", Prefix: "33"},
		},
		OrdererOrgs: []OrdererOrg{
			{Name: "anhui", MSPID: "AnhuiOrdererMSP", Place: hefei},
			{Name: "shanghai", MSPID: "ShanghaiOrdererMSP", Place: shanghai},
			{Name: "zhejiang", MSPID: "ZhejiangOrdererMSP", Place: hangzhou},
		},
		Channels: []Channel{
			{Name: "anhui", Members: []string{"anhui", "hefei", "wuhu"}},
			{Name: "delta", Members: []string{"anhui", "shanghai", "jiangsu", "zhejiang"}},
		},
		BasePort:   DefaultBasePort,
		TimeWindow: DefaultTimeWindow(),
	}
}

// Validate rejects a topology that cannot run.
func (t Topology) Validate() error {
	if len(t.Orgs) == 0 {
		return fmt.Errorf("topology: no peer organisations")
	}
	if n := len(t.OrdererOrgs); n == 0 || n%2 == 0 {
		return fmt.Errorf("topology: Raft needs an odd number of orderers, got %d", n)
	}
	seen := map[string]bool{}
	for _, o := range t.Orgs {
		if !validName(o.Name) || o.MSPID == "" {
			return fmt.Errorf("topology: bad organisation %q/%q", o.Name, o.MSPID)
		}
		if seen[o.Name] || seen[o.MSPID] {
			return fmt.Errorf("topology: organisation %s defined twice", o.Name)
		}
		if err := o.Place.Validate(); err != nil {
			return fmt.Errorf("topology: organisation %s: %w", o.Name, err)
		}
		seen[o.Name], seen[o.MSPID] = true, true
	}
	for _, o := range t.OrdererOrgs {
		if !validName(o.Name) || o.MSPID == "" || seen[o.MSPID] || seen["ord."+o.Name] {
			return fmt.Errorf("topology: bad or duplicate orderer organisation %q/%q", o.Name, o.MSPID)
		}
		seen[o.MSPID], seen["ord."+o.Name] = true, true
		if err := o.Place.Validate(); err != nil {
			return fmt.Errorf("topology: orderer organisation %s: %w", o.Name, err)
		}
	}
	for _, c := range t.Channels {
		if !validName(c.Name) || len(c.Members) == 0 {
			return fmt.Errorf("topology: bad channel %q", c.Name)
		}
		for _, m := range c.Members {
			if _, ok := t.Org(m); !ok {
				return fmt.Errorf("topology: channel %s names unknown organisation %q", c.Name, m)
			}
		}
		if _, err := t.Membership(c); err != nil {
			return fmt.Errorf("topology: channel %s: %w", c.Name, err)
		}
	}
	for _, o := range t.Orgs {
		if len(t.ChannelsOf(o.Name)) == 0 {
			return fmt.Errorf("topology: organisation %s is on no channel", o.Name)
		}
	}
	if err := t.TimeWindow.Validate(); err != nil {
		return fmt.Errorf("topology: %w", err)
	}
	return t.validatePorts()
}

// Validate accepts the zero Place, or a country code of two capital letters
// with a province and a city of 1 to 64 letters, digits, inner spaces, dots
// and hyphens, starting with a letter (a PrintableString, and plain in YAML).
func (p Place) Validate() error {
	if p == (Place{}) {
		return nil
	}
	if len(p.Country) != 2 || !upper(p.Country[0]) || !upper(p.Country[1]) {
		return fmt.Errorf("country %q is not a two-letter ISO 3166 code", p.Country)
	}
	for _, v := range []string{p.Province, p.Locality} {
		if !placeName(v) {
			return fmt.Errorf("place name %q: want 1 to 64 letters, digits, spaces, dots or hyphens, starting with a letter", v)
		}
	}
	return nil
}

func upper(b byte) bool { return b >= 'A' && b <= 'Z' }

func placeName(s string) bool {
	if s == "" || len(s) > 64 || !upper(s[0]) && !(s[0] >= 'a' && s[0] <= 'z') || s[len(s)-1] == ' ' {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == ' ' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// validName accepts lower-case names usable in domains, channel names and paths.
func validName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Org returns the peer organisation with the given short name or MSP ID.
func (t Topology) Org(name string) (Org, bool) {
	for _, o := range t.Orgs {
		if o.Name == name || o.MSPID == name || strings.EqualFold(o.Name, name) {
			return o, true
		}
	}
	return Org{}, false
}

// Channel returns the named channel.
func (t Topology) Channel(name string) (Channel, bool) {
	for _, c := range t.Channels {
		if c.Name == name {
			return c, true
		}
	}
	return Channel{}, false
}

// ChannelsOf returns the channels the organisation belongs to.
func (t Topology) ChannelsOf(org string) []Channel {
	var out []Channel
	for _, c := range t.Channels {
		if slices.Contains(c.Members, org) {
			out = append(out, c)
		}
	}
	return out
}

// GatewayChannel is the channel an organisation's gateway serves: the
// first it belongs to (Validate ensures there is one).
func (t Topology) GatewayChannel(org string) string { return t.ChannelsOf(org)[0].Name }

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
	base   int    // first port of its block of PortStride
}

// Port offsets inside a node's block.
const (
	offListen     = 0 // orderer and peer gRPC, chaincode server
	offAdmin      = 1 // orderer channel participation; peer chaincode listener; a gateway's mutual TLS
	offBaseline   = 1 // a chaincode server's baseline chaincode (ADR 31)
	offOperations = 2 // /healthz and /metrics
	offMesh       = 3 // a gateway's libp2p host: TCP and UDP (QUIC) alike
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

// MeshAddrs are a gateway's libp2p listen addresses: TCP and QUIC on
// loopback, on the same port number.
func (n Node) MeshAddrs() []string {
	p := strconv.Itoa(n.port(offMesh))
	return []string{"/ip4/127.0.0.1/tcp/" + p, "/ip4/127.0.0.1/udp/" + p + "/quic-v1"}
}

// OperationsAddr serves /healthz and /metrics: a gateway serves them beside
// its API, a relay on its only port (with /status).
func (n Node) OperationsAddr() string {
	if n.Kind == KindGateway || n.Kind == KindRelay {
		return n.ListenAddr()
	}
	return n.addr(offOperations)
}

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
// listen address, and a chaincode server's baseline address too.
func (n Node) dialAddrs() []string {
	if n.Kind == KindChaincode {
		return []string{n.ListenAddr(), n.BaselineAddr()}
	}
	return []string{n.ListenAddr()}
}

func (n Node) port(off int) int { return n.base + off }

func (n Node) addr(off int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(n.port(off)))
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
