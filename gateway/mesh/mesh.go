// Package mesh is a gateway's libp2p host: TCP and QUIC, Noise, its
// Ed25519 key kept in a file (so its peer ID outlives restarts), and a
// connection gater that lets in and out only peers whose IDs the ledger's
// gateway-endpoint registry names. Gateways find each other through that
// registry, not a DHT. Protocols (such as the fetch protocol) run on the
// host Libp2p returns. docs/adr/0023-mesh-hosts-and-data-at-rest.md says why.
package mesh

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/keyfile"
)

// Registry is where the host looks peers up: the ledger's gateway-endpoint
// records, as the gateway's cache holds them. Endpoint answers an
// organisation's registered peer ID and addresses (an error if it has none);
// Registered, the organisation that registered a peer ID.
type Registry interface {
	Endpoint(msp string) (peerID string, addrs []string, err error)
	Registered(p peer.ID) (msp string, ok bool)
}

// Config configures a Host.
type Config struct {
	// Listen are the multiaddresses it listens on; DefaultListen if empty.
	Listen []string
	// KeyFile holds its libp2p private key (created, mode 0600, if absent).
	KeyFile string
	Log     *slog.Logger
}

// DefaultListen listens on loopback, TCP and QUIC, on ports the system picks.
var DefaultListen = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1"}

// Host is this gateway's libp2p host, gated by the ledger's endpoint registry.
type Host struct {
	h   host.Host
	reg Registry
	log *slog.Logger
}

// New starts a host listening on cfg.Listen with the key in cfg.KeyFile; ctx
// bounds only the start.
func New(ctx context.Context, cfg Config, reg Registry) (*Host, error) {
	if cfg.KeyFile == "" {
		return nil, errors.New("mesh: no key file")
	}
	if reg == nil {
		return nil, errors.New("mesh: no registry")
	}
	if len(cfg.Listen) == 0 {
		cfg.Listen = DefaultListen
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key, err := LoadKey(cfg.KeyFile)
	if err != nil {
		return nil, err
	}
	h, err := libp2p.New(
		libp2p.Identity(key),
		libp2p.ListenAddrStrings(cfg.Listen...),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		libp2p.ConnectionGater(gater{reg: reg, log: cfg.Log}),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
	)
	if err != nil {
		return nil, fmt.Errorf("mesh: %w", err)
	}
	cfg.Log.Info("mesh host listening", "peer", h.ID().String(), "addrs", addrStrings(h.Addrs()))
	return &Host{h: h, reg: reg, log: cfg.Log}, nil
}

// LoadKey returns the Ed25519 key in path, making it on first use.
func LoadKey(path string) (crypto.PrivKey, error) {
	b, err := keyfile.LoadOrCreate(path, func() ([]byte, error) {
		k, _, err := crypto.GenerateEd25519Key(rand.Reader)
		if err != nil {
			return nil, err
		}
		return crypto.MarshalPrivateKey(k)
	}, func(b []byte) error {
		k, err := crypto.UnmarshalPrivateKey(b)
		if err == nil && k.Type() != crypto.Ed25519 {
			err = fmt.Errorf("holds a %s key, not Ed25519", k.Type())
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mesh: %w", err)
	}
	return crypto.UnmarshalPrivateKey(b)
}

// Libp2p is the libp2p host, for SetStreamHandler and NewStream.
func (h *Host) Libp2p() host.Host { return h.h }

// ID is the host's peer ID.
func (h *Host) ID() peer.ID { return h.h.ID() }

// Addrs are the multiaddresses the host listens on, as sorted strings.
func (h *Host) Addrs() []string {
	out := addrStrings(h.h.Addrs())
	slices.Sort(out)
	return out
}

func addrStrings(as []ma.Multiaddr) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}

// Dial connects to the gateway organisation msp registered on the ledger
// and returns its peer ID: NOT_FOUND if msp registered none,
// UNAVAILABLE if it cannot be reached.
func (h *Host) Dial(ctx context.Context, msp string) (peer.ID, error) {
	id, addrs, err := h.reg.Endpoint(msp)
	if err != nil {
		return "", err
	}
	info, err := addrInfo(id, addrs)
	if err != nil {
		return "", api.Errorf(http.StatusBadGateway, api.CodeUnavailable, "the mesh endpoint %s registered does not parse: %v", msp, err)
	}
	if err := h.h.Connect(ctx, info); err != nil {
		return "", &api.Error{Status: http.StatusBadGateway, Code: api.CodeUnavailable, Message: fmt.Sprintf("the gateway of %s cannot be reached on the mesh", msp), Err: err}
	}
	return info.ID, nil
}

func addrInfo(id string, addrs []string) (peer.AddrInfo, error) {
	p, err := peer.Decode(id)
	if err != nil {
		return peer.AddrInfo{}, err
	}
	info := peer.AddrInfo{ID: p}
	for _, a := range addrs {
		m, err := ma.NewMultiaddr(a)
		if err != nil {
			return peer.AddrInfo{}, err
		}
		info.Addrs = append(info.Addrs, m)
	}
	return info, nil
}

// Close stops the host and closes its connections.
func (h *Host) Close() error { return h.h.Close() }
