package domain

import (
	"strings"

	"github.com/wanledger/wanledger/api/record"
)

// Limits of a gateway endpoint.
const (
	MaxPeerIDLen = 128
	MaxAddrs     = 8
	MaxAddrLen   = 256
)

// EventGatewayEndpointSet is emitted when an organisation publishes its endpoint.
const EventGatewayEndpointSet = "registry.GatewayEndpointSet"

const objEndpoint = "endpoint"

// SetGatewayEndpoint records the calling organisation's gateway endpoint;
// only an admin of that organisation sets it (FORBIDDEN otherwise).
func SetGatewayEndpoint(s State, peerID string, addrs []string) (*record.GatewayEndpoint, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, record.Errorf(record.CodeForbidden, "only an admin of %s sets its gateway endpoint", tx.caller.MSPID)
	}
	if err := checkEndpoint(peerID, addrs); err != nil {
		return nil, err
	}
	ep := &record.GatewayEndpoint{MSPID: tx.caller.MSPID, PeerID: peerID, Addrs: addrs, Record: tx.record()}
	if err := putAt(s, ep, objEndpoint, tx.caller.MSPID); err != nil {
		return nil, err
	}
	return ep, emit(s, EventGatewayEndpointSet, ep)
}

// GetGatewayEndpoint returns an organisation's gateway endpoint.
func GetGatewayEndpoint(s State, msp string) (*record.GatewayEndpoint, error) {
	return load[record.GatewayEndpoint](s, "MSP ID", "gateway endpoint for", objEndpoint, msp)
}

// checkEndpoint bounds a peer ID and its multiaddresses (INVALID_ARGUMENT).
func checkEndpoint(peerID string, addrs []string) error {
	if peerID == "" || len(peerID) > MaxPeerIDLen || strings.ContainsAny(peerID, " \t\r\n/") {
		return record.Errorf(record.CodeInvalidArgument, "peer ID must be 1 to %d characters without spaces or slashes", MaxPeerIDLen)
	}
	if len(addrs) == 0 || len(addrs) > MaxAddrs {
		return record.Errorf(record.CodeInvalidArgument, "give 1 to %d addresses", MaxAddrs)
	}
	for _, a := range addrs {
		if !strings.HasPrefix(a, "/") || len(a) > MaxAddrLen || strings.ContainsAny(a, " \t\r\n") {
			return record.Errorf(record.CodeInvalidArgument, "address %.40q is not a multiaddress of at most %d characters", a, MaxAddrLen)
		}
	}
	return nil
}
