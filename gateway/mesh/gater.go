package mesh

import (
	"log/slog"

	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// gater lets a connection through only with a peer the registry names:
// outbound before dialling, inbound once the security handshake has proved
// the remote's peer ID. The registry is asked each time, so a change on the
// ledger applies to the next connection.
type gater struct {
	reg Registry
	log *slog.Logger
}

func (g gater) allowed(p peer.ID, dir string) bool {
	msp, ok := g.reg.Registered(p)
	if !ok {
		g.log.Warn("mesh connection with a peer no organisation registered refused", "peer", p.String(), "direction", dir)
		return false
	}
	g.log.Debug("mesh connection allowed", "peer", p.String(), "org", msp, "direction", dir)
	return true
}

func (g gater) InterceptPeerDial(p peer.ID) bool                 { return g.allowed(p, "outbound") }
func (g gater) InterceptAddrDial(p peer.ID, _ ma.Multiaddr) bool { return g.allowed(p, "outbound") }

// InterceptAccept lets the handshake start: the remote's ID is not known yet.
func (g gater) InterceptAccept(network.ConnMultiaddrs) bool { return true }

func (g gater) InterceptSecured(d network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	return g.allowed(p, d.String())
}

func (g gater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }
