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

const (
	objEndpoint     = "endpoint"
	objEndpointPeer = "endpoint~peer" // (peer ID) → the MSP ID whose endpoint it is
)

// SetGatewayEndpoint records the calling organisation's gateway endpoint;
// only an admin of that organisation, a member of the channel's
// membership, sets it (FORBIDDEN otherwise): every gateway admits it on
// the mesh, so a newcomer the members have not added has none (ADR 43). A
// peer ID is one organisation's: another's is ALREADY_EXISTS, so that no
// organisation passes for another's gateway on the mesh.
func SetGatewayEndpoint(s State, peerID string, addrs []string) (*record.GatewayEndpoint, error) {
	tx, err := begin(s)
	if err != nil {
		return nil, err
	}
	if !tx.caller.Admin {
		return nil, record.Errorf(record.CodeForbidden, "only an admin of %s sets its gateway endpoint", tx.caller.MSPID)
	}
	m, err := membership(s)
	if err != nil {
		return nil, err
	}
	if _, ok := m.Org(tx.caller.MSPID); !ok {
		return nil, record.Errorf(record.CodeForbidden, "%s is no member of channel %s: its gateway endpoint follows its membership", tx.caller.MSPID, s.Channel())
	}
	if err := checkEndpoint(peerID, addrs); err != nil {
		return nil, err
	}
	old, err := heldEndpoint(s, tx.caller.MSPID)
	if err != nil {
		return nil, err
	}
	ep := &record.GatewayEndpoint{MSPID: tx.caller.MSPID, PeerID: peerID, Addrs: addrs, Revision: 1, Record: tx.record()}
	if old != nil {
		ep.Revision = old.Revision + 1
	}
	if err := putEndpoint(s, ep, old); err != nil {
		return nil, err
	}
	return ep, emit(s, EventGatewayEndpointSet, ep)
}

// dropEndpoint deletes an organisation's own gateway endpoint on this
// channel, and its peer ID's index entry, as it leaves the membership;
// one relayed from another channel stays, the other channel's.
func dropEndpoint(s State, msp string) error {
	ep, err := heldEndpoint(s, msp)
	if err != nil || ep == nil || ep.Source != nil {
		return err
	}
	for _, k := range [][]string{{objEndpoint, msp}, {objEndpointPeer, ep.PeerID}} {
		key, err := key(s, k[0], k[1])
		if err != nil {
			return err
		}
		if err := s.Del(key); err != nil {
			return record.Wrap(record.CodeInternal, err, "delete %s's gateway endpoint", msp)
		}
	}
	return nil
}

// heldEndpoint is an organisation's endpoint as this channel holds it, nil
// if none.
func heldEndpoint(s State, msp string) (*record.GatewayEndpoint, error) {
	ep, err := GetGatewayEndpoint(s, msp)
	if record.CodeOf(err) == record.CodeNotFound {
		return nil, nil
	}
	return ep, err
}

// putEndpoint stores an endpoint and its peer ID's index entry, replacing
// old, the organisation's previous one (nil: none), and its entry; a peer
// ID of another organisation's endpoint is ALREADY_EXISTS.
func putEndpoint(s State, ep, old *record.GatewayEndpoint) error {
	pk, err := key(s, objEndpointPeer, ep.PeerID)
	if err != nil {
		return err
	}
	owner, err := s.Get(pk)
	if err != nil {
		return record.Wrap(record.CodeInternal, err, "read peer ID index")
	}
	if owner != nil && string(owner) != ep.MSPID {
		return record.Errorf(record.CodeAlreadyExists, "peer ID %.64s is %s's gateway", ep.PeerID, owner)
	}
	if old != nil && old.PeerID != ep.PeerID {
		ok, err := key(s, objEndpointPeer, old.PeerID)
		if err != nil {
			return err
		}
		if err := s.Del(ok); err != nil {
			return record.Wrap(record.CodeInternal, err, "delete peer ID index")
		}
	}
	if err := s.Put(pk, []byte(ep.MSPID)); err != nil {
		return record.Wrap(record.CodeInternal, err, "write peer ID index")
	}
	return putAt(s, ep, objEndpoint, ep.MSPID)
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
