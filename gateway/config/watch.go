package config

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/nodeops"
)

// Watch names the nodes whose operations endpoints the gateway reads to
// answer GET /v1/network, and bounds the reads. Every member is optional:
// a gateway that watches nothing reports itself alone.
type Watch struct {
	// Self is the gateway's own name in the answer ("gateway.<org>" if
	// empty).
	Self string `json:"self,omitempty"`
	// Nodes are the nodes watched, in the answer's order (at most
	// MaxWatched).
	Nodes []WatchedNode `json:"nodes,omitempty"`
	// Timeout bounds each node's read (2s if 0; 100ms to 30s).
	Timeout Duration `json:"timeout,omitzero"`
	// Parallel is how many nodes are read at once (8 if 0; 1 to 64).
	Parallel int `json:"parallel,omitempty"`
	// MaxAge is how long a reading is answered again instead of read anew,
	// however many callers ask (1s if 0; 100ms to 1m).
	MaxAge Duration `json:"maxAge,omitzero"`
}

// WatchedNode is a node the gateway reads.
type WatchedNode struct {
	Name  string `json:"name"`  // e.g. "peer.hefei": 1 to 64 letters, digits and . _ -
	Kind  string `json:"kind"`  // peer, orderer, chaincode, gateway or relay
	MSPID string `json:"mspId"` // the organisation that runs it
	// Address is the host:port of its operations endpoint, read over plain
	// HTTP (a chaincode server's listener, which is only connected to).
	Address string `json:"address"`
	// Channels are a peer's organisation's channels (at most
	// nodeops.MaxChannels; names as a relay's channels). A channel the peer
	// reports that is not among them its organisation has left: it is
	// answered as left (leftChannels), without a height. Empty: every
	// channel the peer reports.
	Channels []string `json:"channels,omitempty"`
}

// MaxWatched bounds Watch.Nodes.
const MaxWatched = 64

var nodeName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Defaults sets the members left zero to their defaults (org names the
// gateway).
func (w *Watch) Defaults(org string) {
	if w.Self == "" {
		w.Self = "gateway." + org
	}
	for _, d := range []struct {
		v   *Duration
		def time.Duration
	}{{&w.Timeout, 2 * time.Second}, {&w.MaxAge, time.Second}} {
		if d.v.Duration == 0 {
			d.v.Duration = d.def
		}
	}
	if w.Parallel == 0 {
		w.Parallel = 8
	}
}

// fill sets the defaults and refuses what cannot be read: an unknown kind,
// a name given twice, an address that is not host:port, a peer's channels
// that are not channels' names, bounds out of range.
func (w *Watch) fill(org string) []error {
	w.Defaults(org)
	var errs []error
	if !nodeName.MatchString(w.Self) {
		errs = append(errs, fmt.Errorf("watch.self %q: want 1 to 64 letters, digits and . _ -", w.Self))
	}
	if len(w.Nodes) > MaxWatched {
		errs = append(errs, fmt.Errorf("watch.nodes: %d nodes; at most %d", len(w.Nodes), MaxWatched))
	}
	names := []string{w.Self}
	for i, n := range w.Nodes {
		at := fmt.Sprintf("watch.nodes[%d]", i)
		if !nodeName.MatchString(n.Name) || slices.Contains(names, n.Name) {
			errs = append(errs, fmt.Errorf("%s: name %q is not 1 to 64 letters, digits and . _ -, or is taken", at, n.Name))
		}
		names = append(names, n.Name)
		if !slices.Contains(api.NodeKinds, n.Kind) {
			errs = append(errs, fmt.Errorf("%s: kind %q: want one of %v", at, n.Kind, api.NodeKinds))
		}
		if n.MSPID == "" || len(n.MSPID) > 64 {
			errs = append(errs, fmt.Errorf("%s: mspId is required (at most 64 bytes)", at))
		}
		if host, port, err := net.SplitHostPort(n.Address); err != nil || host == "" || !validPort(port) {
			errs = append(errs, fmt.Errorf("%s: address %q is not host:port", at, n.Address))
		}
		errs = append(errs, n.checkChannels(at)...)
	}
	for _, d := range []struct {
		name    string
		v       *Duration
		def, lo time.Duration
		hi      time.Duration
	}{{"watch.timeout", &w.Timeout, 2 * time.Second, 100 * time.Millisecond, 30 * time.Second},
		{"watch.maxAge", &w.MaxAge, time.Second, 100 * time.Millisecond, time.Minute}} {
		if d.v.Duration == 0 {
			d.v.Duration = d.def
		}
		if d.v.Duration < d.lo || d.v.Duration > d.hi {
			errs = append(errs, fmt.Errorf("%s is %s; it must be %s to %s", d.name, d.v.Duration, d.lo, d.hi))
		}
	}
	if w.Parallel == 0 {
		w.Parallel = 8
	}
	if w.Parallel < 1 || w.Parallel > 64 {
		errs = append(errs, fmt.Errorf("watch.parallel is %d; it must be 1 to 64", w.Parallel))
	}
	return errs
}

// checkChannels refuses channels of a node other than a peer, more than
// nodeops.MaxChannels, and a name that is not a channel's or is given twice.
func (n WatchedNode) checkChannels(at string) []error {
	if len(n.Channels) == 0 {
		return nil
	}
	if n.Kind != api.NodePeer {
		return []error{fmt.Errorf("%s: channels are named for a peer only, not kind %s", at, n.Kind)}
	}
	if len(n.Channels) > nodeops.MaxChannels {
		return []error{fmt.Errorf("%s: %d channels; at most %d", at, len(n.Channels), nodeops.MaxChannels)}
	}
	var errs []error
	for i, c := range n.Channels {
		if err := record.CheckID("channel name", c); err != nil || slices.Contains(n.Channels[:i], c) {
			errs = append(errs, fmt.Errorf("%s: channel %.40q is invalid or named twice", at, c))
		}
	}
	return errs
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536 && strconv.Itoa(n) == p
}
