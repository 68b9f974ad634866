package network

import (
	"fmt"
	"slices"
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
	// Host names the Host its nodes run on; empty in a topology without
	// hosts, whose nodes all run on the loopback address.
	Host string `json:",omitempty"`
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

// Domain is the organisation's cryptogen domain.
func (o Org) Domain() string { return o.Name + "." + TLD }

// OrdererOrg is an organisation that runs one Raft orderer.
type OrdererOrg struct {
	Name  string // short name of the province or city that runs it: "anhui"
	MSPID string // "AnhuiOrdererMSP"
	Place Place
	Host  string `json:",omitempty"` // as an Org's
}

// Domain is the orderer organisation's cryptogen domain.
func (o OrdererOrg) Domain() string { return "ord." + o.Name + "." + TLD }

// Channel is an application channel and its member organisations.
type Channel struct {
	Name    string
	Members []string // peer organisation names
}

// TLD is the top-level domain of every node name. Nodes are reached at
// their host's address; the names exist only in certificates.
const TLD = "wanledger"

// Topology is the whole network: who runs what, on which hosts and ports.
type Topology struct {
	Orgs        []Org
	OrdererOrgs []OrdererOrg
	Channels    []Channel
	// Hosts are the machines the nodes run on (ADR 40); none: every node
	// runs on the loopback address where `up` runs.
	Hosts []Host `json:",omitempty"`
	// BasePort is the first port; each node takes a block of PortStride ports.
	BasePort int
	// RetiredPorts is the port after the last block of an organisation
	// that was removed: no organisation added later takes a port below
	// it. Fabric's peers, and the gateways' connections, know a node by
	// its address: an endorser reached at a removed organisation's
	// address stays that organisation's until the peer restarts.
	RetiredPorts int `json:",omitempty"`
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
// different provinces (WithOrderers makes it five).
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
		OrdererOrgs: ordererOrgs()[:DefaultOrderers],
		Channels: []Channel{
			{Name: "anhui", Members: []string{"anhui", "hefei", "wuhu"}},
			{Name: "delta", Members: []string{"anhui", "shanghai", "jiangsu", "zhejiang"}},
		},
		BasePort:   DefaultBasePort,
		TimeWindow: DefaultTimeWindow(),
	}
}

// Numbers of orderers a topology may have: three by default, five to
// survive two failed orderers at once (Raft's quorum is a majority).
const (
	DefaultOrderers = 3
	MaxOrderers     = 5
)

// ordererOrgs are the organisations that may run an orderer, in the order
// a topology takes them: Anhui, Shanghai and Zhejiang (the default three),
// then Jiangsu and the city of Hefei. Of five, no province holds a Raft
// quorum of three: Anhui's province and its capital hold two.
func ordererOrgs() []OrdererOrg {
	return []OrdererOrg{
		{Name: "anhui", MSPID: "AnhuiOrdererMSP", Place: hefei},
		{Name: "shanghai", MSPID: "ShanghaiOrdererMSP", Place: shanghai},
		{Name: "zhejiang", MSPID: "ZhejiangOrdererMSP", Place: hangzhou},
		{Name: "jiangsu", MSPID: "JiangsuOrdererMSP", Place: Place{"CN", "Jiangsu", "Nanjing"}},
		{Name: "hefei", MSPID: "HefeiOrdererMSP", Place: hefei},
	}
}

// WithOrderers returns the topology with n orderers, DefaultOrderers or
// MaxOrderers: the first n of the organisations that may run one. Every
// node's ports follow from its position, so they all move with n.
func (t Topology) WithOrderers(n int) (Topology, error) {
	if n != DefaultOrderers && n != MaxOrderers {
		return t, fmt.Errorf("%d orderers: want %d or %d", n, DefaultOrderers, MaxOrderers)
	}
	t.OrdererOrgs = ordererOrgs()[:n]
	return t, nil
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
	prefixes := map[string]string{}
	for _, o := range t.Orgs {
		if len(t.ChannelsOf(o.Name)) == 0 {
			return fmt.Errorf("topology: organisation %s is on no channel", o.Name)
		}
		if p, taken := prefixes[o.Prefix]; taken && o.Prefix != "" {
			return fmt.Errorf("topology: prefix %s is both %s's and %s's: a province's division codes are its own on every channel", o.Prefix, p, o.Name)
		}
		prefixes[o.Prefix] = o.Name
	}
	if err := t.validateHosts(); err != nil {
		return err
	}
	if err := t.TimeWindow.Validate(); err != nil {
		return fmt.Errorf("topology: %w", err)
	}
	return t.validatePorts()
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
