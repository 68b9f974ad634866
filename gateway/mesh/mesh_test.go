package mesh

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
)

// ledger is a gateway cache fed blocks whose write sets set or delete
// gateway endpoints, as the chaincode writes them.
type ledger struct {
	t     *testing.T
	store *cache.Store
	next  uint64
}

func newLedger(t *testing.T) *ledger {
	s, err := cache.Open(t.TempDir(), "anhui", slog.New(slog.DiscardHandler), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &ledger{t: t, store: s}
}

func (l *ledger) registry() Registry { return FromLedger(l.store, cache.ErrNotCached) }

func (l *ledger) apply(msp string, ep *record.GatewayEndpoint) {
	l.t.Helper()
	k, err := shim.CreateCompositeKey("endpoint", []string{msp})
	if err != nil {
		l.t.Fatal(err)
	}
	w := cache.Write{Key: k, Delete: ep == nil}
	if ep != nil {
		if w.Value, err = json.Marshal(ep); err != nil {
			l.t.Fatal(err)
		}
	}
	if _, err := l.store.ApplyBlock(l.next, []cache.Write{w}); err != nil {
		l.t.Fatal(err)
	}
	l.next++
}

func (l *ledger) register(msp string, h *Host) {
	l.apply(msp, &record.GatewayEndpoint{MSPID: msp, PeerID: h.ID().String(), Addrs: h.Addrs()})
}

func newHost(t *testing.T, reg Registry, listen ...string) *Host {
	t.Helper()
	h, err := New(context.Background(), Config{Listen: listen, KeyFile: filepath.Join(t.TempDir(), "mesh.key")}, reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

const echo = "/wanledger/test-echo/1"

// roundTrip opens a stream from a to b and has b echo a line.
func roundTrip(ctx context.Context, a *Host, b peer.ID) (string, error) {
	s, err := a.Libp2p().NewStream(ctx, b, echo)
	if err != nil {
		return "", err
	}
	defer s.Close()
	if _, err := s.Write([]byte("ping\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(s).ReadString('\n')
	return strings.TrimSpace(line), err
}

func serveEcho(h *Host) {
	h.Libp2p().SetStreamHandler(echo, func(s network.Stream) {
		defer s.Close()
		line, err := bufio.NewReader(s).ReadString('\n')
		if err == nil {
			s.Write([]byte(line))
		}
	})
}

func TestRegisteredGatewaysConnectOverTCPAndQUIC(t *testing.T) {
	for _, c := range []struct{ name, listen, proto string }{
		{"tcp", "/ip4/127.0.0.1/tcp/0", "tcp"},
		{"quic", "/ip4/127.0.0.1/udp/0/quic-v1", "quic-v1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := newLedger(t)
			a, b := newHost(t, l.registry(), c.listen), newHost(t, l.registry(), c.listen)
			l.register("AMSP", a)
			l.register("BMSP", b)
			serveEcho(b)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			id, err := a.Dial(ctx, "BMSP")
			if err != nil {
				t.Fatal(err)
			}
			if id != b.ID() {
				t.Fatalf("dialled %s, want %s", id, b.ID())
			}
			got, err := roundTrip(ctx, a, id)
			if err != nil || got != "ping" {
				t.Fatalf("echo %q, %v", got, err)
			}
			conns := a.Libp2p().Network().ConnsToPeer(id)
			if len(conns) == 0 || !strings.Contains(conns[0].RemoteMultiaddr().String(), "/"+c.proto) {
				t.Fatalf("connections %v, want %s", conns, c.proto)
			}
			if _, err := a.Dial(ctx, "NoneMSP"); err == nil || !strings.Contains(err.Error(), "registered no gateway mesh endpoint") {
				t.Fatalf("dialled an organisation with no endpoint: %v", err)
			}
		})
	}
}

// refused checks that from cannot talk to to: dial fails, or, where the
// dialler finishes its side of the handshake before the other side refuses
// (TCP), no stream opens and the connection goes.
func refused(ctx context.Context, t *testing.T, from *Host, to peer.ID, dial func() error) {
	t.Helper()
	if dial() == nil {
		if got, err := roundTrip(ctx, from, to); err == nil {
			t.Fatalf("a refused peer's stream was answered %q", got)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(from.Libp2p().Network().ConnsToPeer(to)) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("a refused connection stays open")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if sw, ok := from.Libp2p().Network().(*swarm.Swarm); ok {
		sw.Backoff().Clear(to) // let the next test dial at once
	}
}

func TestUnregisteredPeerRefusedBothWays(t *testing.T) {
	l := newLedger(t)
	b := newHost(t, l.registry())
	l.register("BMSP", b)
	serveEcho(b)
	// c runs the same software but is not on the ledger; its own registry
	// (the ledger's) lets it try to reach b.
	c := newHost(t, l.registry())
	serveEcho(c)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	refused(ctx, t, c, b.ID(), func() error { _, err := c.Dial(ctx, "BMSP"); return err })
	if n := len(b.Libp2p().Network().ConnsToPeer(c.ID())); n != 0 {
		t.Fatalf("b holds %d connections to the unregistered peer", n)
	}
	err := b.Libp2p().Connect(ctx, peer.AddrInfo{ID: c.ID(), Addrs: c.Libp2p().Addrs()})
	if err == nil || !strings.Contains(err.Error(), "gater") {
		t.Fatalf("a registered gateway dialled an unregistered peer: %v", err)
	}
}

func TestGaterFollowsTheLedger(t *testing.T) {
	l := newLedger(t)
	b := newHost(t, l.registry())
	l.register("BMSP", b)
	serveEcho(b)
	c := newHost(t, l.registry())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dial := func() error { _, err := c.Dial(ctx, "BMSP"); return err }
	refused(ctx, t, c, b.ID(), dial)
	l.register("CMSP", c)
	if _, err := c.Dial(ctx, "BMSP"); err != nil {
		t.Fatalf("registered, still refused: %v", err)
	}
	if got, err := roundTrip(ctx, c, b.ID()); err != nil || got != "ping" {
		t.Fatalf("echo %q, %v", got, err)
	}
	l.apply("CMSP", nil) // the endpoint is gone from the ledger
	for _, conn := range c.Libp2p().Network().ConnsToPeer(b.ID()) {
		conn.Close()
	}
	refused(ctx, t, c, b.ID(), dial)
	// Registered again under a new key: the old one stays refused.
	l.apply("CMSP", &record.GatewayEndpoint{MSPID: "CMSP", PeerID: b.ID().String(), Addrs: b.Addrs()})
	refused(ctx, t, c, b.ID(), dial)
}

func TestKeyPersistsAcrossRestarts(t *testing.T) {
	l := newLedger(t)
	key := filepath.Join(t.TempDir(), "keys", "mesh.key")
	first, err := New(context.Background(), Config{KeyFile: key}, l.registry())
	if err != nil {
		t.Fatal(err)
	}
	id := first.ID()
	first.Close()
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v, %v", fi, err)
	}
	again, err := New(context.Background(), Config{KeyFile: key}, l.registry())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.ID() != id {
		t.Fatalf("peer ID %s after a restart, was %s", again.ID(), id)
	}
	if err := os.Chmod(key, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := New(context.Background(), Config{KeyFile: key}, l.registry()); err == nil || !strings.Contains(err.Error(), "mode 0640") {
		t.Fatalf("started with a group-readable key: %v", err)
	}
}
