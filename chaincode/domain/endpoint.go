package domain

import (
	"encoding/json"
	"strings"
	"time"
)

// GatewayEndpoint is where an organisation's gateway is reached on the mesh:
// its libp2p peer ID and addresses. Each organisation publishes its own.
type GatewayEndpoint struct {
	MSPID     string    `json:"mspId"`
	PeerID    string    `json:"peerId"`
	Addrs     []string  `json:"addrs"`
	UpdatedAt time.Time `json:"updatedAt"`
	UpdatedBy string    `json:"updatedBy"`
	TxID      string    `json:"txId"`
}

// Limits of a gateway endpoint.
const (
	MaxPeerIDLen = 128
	MaxAddrs     = 8
	MaxAddrLen   = 256
)

// Event names and versions.
const (
	EventGatewayEndpointSet = "registry.GatewayEndpointSet"
	EventVersion            = 1
)

// Event is the envelope of every chaincode event.
type Event struct {
	Version int    `json:"version"`
	Type    string `json:"type"`
	TxID    string `json:"txId"`
	Payload any    `json:"payload"`
}

func endpointKey(msp string) string { return "registry/endpoint/" + msp }

// SetGatewayEndpoint records the calling organisation's gateway endpoint.
func SetGatewayEndpoint(s State, peerID string, addrs []string) (*GatewayEndpoint, error) {
	if peerID == "" || len(peerID) > MaxPeerIDLen || strings.ContainsAny(peerID, " \t\r\n/") {
		return nil, Errorf(CodeInvalidArgument, "peer ID must be 1 to %d characters without spaces or slashes", MaxPeerIDLen)
	}
	if len(addrs) == 0 || len(addrs) > MaxAddrs {
		return nil, Errorf(CodeInvalidArgument, "give 1 to %d addresses", MaxAddrs)
	}
	for _, a := range addrs {
		if !strings.HasPrefix(a, "/") || len(a) > MaxAddrLen || strings.ContainsAny(a, " \t\r\n") {
			return nil, Errorf(CodeInvalidArgument, "address %.40q is not a multiaddress of at most %d characters", a, MaxAddrLen)
		}
	}
	caller, err := s.Caller()
	if err != nil {
		return nil, Wrap(CodeForbidden, err, "identify caller")
	}
	now, err := s.TxTime()
	if err != nil {
		return nil, Wrap(CodeInternal, err, "transaction time")
	}
	ep := &GatewayEndpoint{MSPID: caller.MSPID, PeerID: peerID, Addrs: addrs, UpdatedAt: now, UpdatedBy: caller.ID, TxID: s.TxID()}
	if err := putJSON(s, endpointKey(caller.MSPID), ep); err != nil {
		return nil, err
	}
	if err := emit(s, EventGatewayEndpointSet, ep); err != nil {
		return nil, err
	}
	return ep, nil
}

// GetGatewayEndpoint returns an organisation's gateway endpoint.
func GetGatewayEndpoint(s State, msp string) (*GatewayEndpoint, error) {
	if msp == "" || len(msp) > 64 {
		return nil, Errorf(CodeInvalidArgument, "MSP ID must be 1 to 64 characters")
	}
	var ep GatewayEndpoint
	found, err := getJSON(s, endpointKey(msp), &ep)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, Errorf(CodeNotFound, "no gateway endpoint for %s", msp)
	}
	return &ep, nil
}

func putJSON(s State, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return Wrap(CodeInternal, err, "encode %s", key)
	}
	if err := s.Put(key, b); err != nil {
		return Wrap(CodeInternal, err, "write %s", key)
	}
	return nil
}

func getJSON(s State, key string, v any) (bool, error) {
	b, err := s.Get(key)
	if err != nil {
		return false, Wrap(CodeInternal, err, "read %s", key)
	}
	if b == nil {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, Wrap(CodeInternal, err, "decode %s", key)
	}
	return true, nil
}

func emit(s State, name string, payload any) error {
	b, err := json.Marshal(Event{Version: EventVersion, Type: name, TxID: s.TxID(), Payload: payload})
	if err != nil {
		return Wrap(CodeInternal, err, "encode event %s", name)
	}
	if err := s.Emit(name, b); err != nil {
		return Wrap(CodeInternal, err, "emit %s", name)
	}
	return nil
}
