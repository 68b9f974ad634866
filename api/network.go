package api

import "time"

// Kinds of node, as GET /v1/network names them.
const (
	NodePeer      = "peer"
	NodeOrderer   = "orderer"
	NodeChaincode = "chaincode"
	NodeGateway   = "gateway"
	NodeRelay     = "relay"
)

// NodeKinds lists every kind of node.
var NodeKinds = []string{NodePeer, NodeOrderer, NodeChaincode, NodeGateway, NodeRelay}

// Health of a node.
const (
	// HealthOK: its /healthz answered 200 (a chaincode server: it accepted
	// a connection; the gateway itself: its cache is current).
	HealthOK = "ok"
	// HealthFailing: it answered, but not that it is healthy (the gateway
	// itself: its cache is stale).
	HealthFailing = "failing"
	// HealthDown: it did not answer within the read's timeout.
	HealthDown = "down"
)

// NetworkStatus is the answer of GET /v1/network: the network as this
// gateway sees it, read from the operations endpoints of the nodes its
// configuration names.
type NetworkStatus struct {
	At       time.Time        `json:"at" doc:"RFC 3339: when the gateway answered, by its clock; a node's age is at minus its readAt"`
	Nodes    []NodeReading    `json:"nodes" doc:"this gateway first, then every node it watches, in the order of its configuration"`
	Channels []ChannelSummary `json:"channels" doc:"every channel a node reported, by name, but for a channel a peer's organisation has left (leftChannels)"`
}

// NodeReading is what a node's operations endpoint answered, once.
type NodeReading struct {
	Name         string           `json:"name" doc:"the node's name, e.g. peer.hefei"`
	Kind         string           `json:"kind" enum:"peer,orderer,chaincode,gateway,relay" doc:"what the node is"`
	MSPID        string           `json:"mspId" doc:"the MSP ID of the organisation that runs it"`
	Address      string           `json:"address" doc:"host:port read: its operations endpoint (a chaincode server: its listener; this gateway: its API)"`
	Self         bool             `json:"self,omitempty" doc:"true for this gateway, which answers"`
	Health       string           `json:"health" enum:"ok,failing,down" doc:"ok; failing: it answered, not healthy; down: no answer within the timeout"`
	Problem      string           `json:"problem,omitempty" doc:"why it is not ok, or what of it could not be read, at most 200 bytes"`
	ReadAt       time.Time        `json:"readAt" doc:"RFC 3339: when it was read, by the gateway's clock"`
	Channels     []ChannelHeight  `json:"channels,omitempty" doc:"a peer's or orderer's channels, by name (a peer's: but those in leftChannels; this gateway: the one it serves, as its cache has it)"`
	LeftChannels []string         `json:"leftChannels,omitempty" doc:"a peer's channels its organisation has left, by name: the peer keeps their ledger, which no longer grows; no height is given"`
	Cache        *CacheReading    `json:"cache,omitempty" doc:"a gateway's cache"`
	Relay        []RelayDirection `json:"relay,omitempty" doc:"a relay's directions"`
}

// ChannelHeight is a node's height of one channel.
type ChannelHeight struct {
	Channel    string `json:"channel" doc:"the channel's name"`
	Height     uint64 `json:"height" doc:"the blocks the node has of it (a gateway: its cache)"`
	RaftLeader bool   `json:"raftLeader,omitempty" doc:"an orderer: whether it leads the channel's Raft cluster"`
}

// CacheReading is a gateway's cache.
type CacheReading struct {
	Height     uint64     `json:"height" doc:"the blocks the cache reflects"`
	PeerHeight uint64     `json:"peerHeight,omitempty" doc:"this gateway: the height its peer last reported"`
	LagBlocks  uint64     `json:"lagBlocks" doc:"blocks the peer has that the cache has not applied"`
	Stale      bool       `json:"stale,omitempty" doc:"this gateway: whether the cache has gone longer than maxStaleness without confirming it has every block"`
	SyncedAt   *time.Time `json:"syncedAt,omitempty" doc:"RFC 3339, this gateway: when the cache last had every block"`
}

// RelayDirection is one direction of a relay, as its /status reports it.
type RelayDirection struct {
	Source       string     `json:"source" doc:"the source channel"`
	Target       string     `json:"target" doc:"the target channel"`
	SourceHeight uint64     `json:"sourceHeight" doc:"the source channel's height at the relay's peer"`
	Checkpoint   uint64     `json:"checkpoint" doc:"the first source block whose changes are not all imported"`
	LagBlocks    uint64     `json:"lagBlocks" doc:"source blocks not yet relayed"`
	LagSeconds   float64    `json:"lagSeconds" doc:"age of the oldest source change read and not yet imported; 0 when none"`
	Relayed      uint64     `json:"relayed" doc:"record versions applied on the target since the relay started"`
	LastError    string     `json:"lastError,omitempty" doc:"the last failure, if any"`
	LastErrorAt  *time.Time `json:"lastErrorAt,omitempty" doc:"RFC 3339: when it happened"`
}

// ChannelSummary is a channel as the nodes read report it.
type ChannelSummary struct {
	Channel    string `json:"channel" doc:"the channel's name"`
	Height     uint64 `json:"height" doc:"the highest height a node reported"`
	RaftLeader string `json:"raftLeader,omitempty" doc:"the orderer that reported leading its Raft cluster; absent if none did"`
}
