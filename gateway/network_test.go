package gateway

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/relay"
	"github.com/wanledger/wanledger/gateway/relayconfig"
)

// nodeServer serves a node's handler on a loopback port that stays its
// own across a stop and a start, as a restarted node's does.
type nodeServer struct {
	t    *testing.T
	addr string
	h    http.Handler
	srv  *http.Server
}

func serveNode(t *testing.T, h http.Handler) *nodeServer {
	n := &nodeServer{t: t, addr: "127.0.0.1:0", h: h}
	n.start()
	t.Cleanup(n.stop)
	return n
}

func (n *nodeServer) start() {
	n.t.Helper()
	ln, err := net.Listen("tcp", n.addr)
	if err != nil {
		n.t.Fatal(err)
	}
	n.addr = ln.Addr().String()
	n.srv = &http.Server{Handler: n.h, ReadHeaderTimeout: time.Second}
	go n.srv.Serve(ln) //nolint:errcheck // ends with stop
}

func (n *nodeServer) stop() {
	if err := n.srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		n.t.Error(err)
	}
}

// newRelay is a relay of anhui and delta, whose /healthz and /status are
// served; it relays nothing (it is not started).
func newRelay(t *testing.T) *relay.Relay {
	t.Helper()
	cfg := &relayconfig.Config{Org: "anhui", MSPID: "AnhuiMSP", DataDir: t.TempDir(),
		Channels: []relayconfig.Channel{{Name: "anhui", Members: []string{"AnhuiMSP"}}, {Name: "delta", Members: []string{"AnhuiMSP"}}}}
	r, err := relay.New(cfg, map[string]relay.Ledger{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// advance moves the chain's clock, the gateway's too.
func (c *chainLedger) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// peerOps serves what nodeops reads of a Fabric peer's operations
// endpoint: /healthz, and /metrics in the Prometheus text format with the
// peer's ledger_blockchain_height: 1 block of anhui, 9 of delta.
func peerOps(t *testing.T) *nodeServer {
	return serveNode(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.Write([]byte(`{"status":"OK","time":"2026-01-01T00:00:00Z"}`))
		case "/metrics":
			w.Write([]byte("# HELP ledger_blockchain_height Height of the chain in blocks.\n# TYPE ledger_blockchain_height gauge\n" +
				"ledger_blockchain_height{channel=\"anhui\"} 1\nledger_blockchain_height{channel=\"delta\"} 9\n"))
		default:
			http.NotFound(w, r)
		}
	}))
}

// watching is a gateway that watches another gateway, a relay, a peer
// whose port nothing listens on, a peer whose organisation is on anhui
// and has left delta, and a chaincode server's listener.
type watching struct {
	*world
	relay *nodeServer
}

func newWatching(t *testing.T) *watching {
	other := newWorld(t)
	rl := serveNode(t, newRelay(t).Handler())
	bengbu := peerOps(t)
	cc, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	gone, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone.Close()
	w := newWorldWith(t, func(c *config.Config) {
		c.Listen = "127.0.0.1:17160"
		c.Watch = config.Watch{MaxAge: config.Duration{Duration: time.Second}, Nodes: []config.WatchedNode{
			{Name: "gateway.wuhu", Kind: api.NodeGateway, MSPID: "WuhuMSP", Address: strings.TrimPrefix(other.srv.URL, "http://")},
			{Name: "relay.anhui", Kind: api.NodeRelay, MSPID: "AnhuiMSP", Address: rl.addr},
			{Name: "peer.hefei", Kind: api.NodePeer, MSPID: "HefeiMSP", Address: gone.Addr().String()},
			{Name: "peer.bengbu", Kind: api.NodePeer, MSPID: "BengbuMSP", Address: bengbu.addr, Channels: []string{"anhui"}},
			{Name: "chaincode.hefei", Kind: api.NodeChaincode, MSPID: "HefeiMSP", Address: cc.Addr().String()},
		}}
	})
	return &watching{world: w, relay: rl}
}

// network is GET /v1/network as the operator.
func (w *watching) network(t *testing.T) (api.NetworkStatus, map[string]api.NodeReading) {
	t.Helper()
	var st api.NetworkStatus
	w.must("Operator", http.MethodGet, "/v1/network", nil, &st)
	byName := map[string]api.NodeReading{}
	for _, n := range st.Nodes {
		byName[n.Name] = n
	}
	return st, byName
}

// GET /v1/network answers the gateway itself first, then each watched
// node in the configuration's order, read from its operations endpoint; a
// node that does not answer is down and the call still succeeds. A peer's
// channel its organisation has left is answered as left, without a height,
// and the channels' summary does not count it. A reading is answered again
// within watch.maxAge, read anew after it.
func TestTheNetworkIsReadFromEachWatchedNode(t *testing.T) {
	w := newWatching(t)
	w.must("ProvinceAdmin", http.MethodPut, "/v1/registry/types/BL", api.LicenceTypeRequest{Name: "营业执照", MaxValidityDays: 3650,
		Fields: []record.FieldSpec{{Name: "name", Type: "string", Required: true}}}, nil)
	st, nodes := w.network(t)
	var names []string
	for _, n := range st.Nodes {
		names = append(names, n.Name)
	}
	if strings.Join(names, " ") != "gateway.hefei gateway.wuhu relay.anhui peer.hefei peer.bengbu chaincode.hefei" || !st.At.Equal(w.chain.Now()) {
		t.Fatalf("nodes %v at %v", names, st.At)
	}
	self := nodes["gateway.hefei"]
	if !self.Self || self.Health != api.HealthOK || self.MSPID != "HefeiMSP" || self.Address != "127.0.0.1:17160" || self.Cache == nil ||
		self.Cache.Height != 1 || self.Cache.Stale || len(self.Channels) != 1 || self.Channels[0] != (api.ChannelHeight{Channel: "anhui", Height: 1}) {
		t.Errorf("the gateway itself: %+v (cache %+v)", self, self.Cache)
	}
	if g := nodes["gateway.wuhu"]; g.Self || g.Health != api.HealthOK || g.Cache == nil || g.Problem != "" || !g.ReadAt.Equal(w.chain.Now()) {
		t.Errorf("another gateway: %+v", g)
	}
	if r := nodes["relay.anhui"]; r.Health != api.HealthOK || len(r.Relay) != 2 || r.Relay[0].Source != "anhui" || r.Relay[1].Source != "delta" {
		t.Errorf("the relay: %+v", r)
	}
	if p := nodes["peer.hefei"]; p.Health != api.HealthDown || !strings.Contains(p.Problem, "refused") {
		t.Errorf("a peer that does not answer: %+v", p)
	}
	if p := nodes["peer.bengbu"]; p.Health != api.HealthOK || p.Problem != "" || len(p.Channels) != 1 || p.Channels[0] != (api.ChannelHeight{Channel: "anhui", Height: 1}) ||
		len(p.LeftChannels) != 1 || p.LeftChannels[0] != "delta" {
		t.Errorf("a peer whose organisation left delta: %+v", p)
	}
	if c := nodes["chaincode.hefei"]; c.Health != api.HealthOK {
		t.Errorf("a chaincode server that accepts: %+v", c)
	}
	if len(st.Channels) != 1 || st.Channels[0] != (api.ChannelSummary{Channel: "anhui", Height: 1}) {
		t.Errorf("channels: %+v", st.Channels)
	}

	w.relay.stop()
	if _, nodes := w.network(t); nodes["relay.anhui"].Health != api.HealthOK {
		t.Errorf("within maxAge the reading is not the last one: %+v", nodes["relay.anhui"])
	}
	w.chain.advance(time.Second)
	if _, nodes := w.network(t); nodes["relay.anhui"].Health != api.HealthDown || nodes["relay.anhui"].Relay != nil {
		t.Errorf("a relay stopped: %+v", nodes["relay.anhui"])
	}
	w.relay.start()
	w.chain.advance(time.Second)
	if _, nodes := w.network(t); nodes["relay.anhui"].Health != api.HealthOK || !nodes["relay.anhui"].ReadAt.Equal(w.chain.Now()) {
		t.Errorf("the relay back: %+v", nodes["relay.anhui"])
	}
}

// The network is the operator's and the admin's: any other role is
// refused, and the operator's key reaches no ledger operation.
func TestOnlyOperatorsAndAdminsReadTheNetwork(t *testing.T) {
	w := newWatching(t)
	for _, c := range []struct {
		as, method, path string
		status           int
		code             string
	}{
		{"Admin", http.MethodGet, "/v1/network", http.StatusOK, ""},
		{"Operator", http.MethodGet, "/v1/keys/self", http.StatusOK, ""},
		{"Verifier", http.MethodGet, "/v1/network", http.StatusForbidden, "FORBIDDEN"},
		{"Auditor", http.MethodGet, "/v1/network", http.StatusForbidden, "FORBIDDEN"},
		{"", http.MethodGet, "/v1/network", http.StatusUnauthorized, api.CodeUnauthenticated},
		{"Operator", http.MethodPost, "/v1/network", http.StatusMethodNotAllowed, api.CodeMethodNotAllowed},
		{"Operator", http.MethodGet, "/v1/network/peer.hefei", http.StatusNotFound, "NOT_FOUND"},
		{"Operator", http.MethodGet, "/v1/licences/BL-1", http.StatusForbidden, "FORBIDDEN"},
		{"Operator", http.MethodGet, "/v1/audit/trace?by=time", http.StatusForbidden, "FORBIDDEN"},
		{"Operator", http.MethodGet, "/v1/keys", http.StatusForbidden, "FORBIDDEN"},
	} {
		st, code := w.coded(c.as, c.method, c.path, nil, nil)
		if st != c.status || code != c.code {
			t.Errorf("%s %s as %q: %d %s, want %d %s", c.method, c.path, c.as, st, code, c.status, c.code)
		}
	}
}

// Once its cache has gone longer than maxStaleness without every block,
// the gateway reports itself failing, and says why.
func TestAStaleGatewayReportsItselfFailing(t *testing.T) {
	w := newWorldWith(t, func(c *config.Config) { c.MaxStaleness = config.Duration{Duration: time.Second} })
	w.chain.advance(2 * time.Second)
	var st api.NetworkStatus
	w.must("Operator", http.MethodGet, "/v1/network", nil, &st)
	if self := st.Nodes[0]; len(st.Nodes) != 1 || self.Health != api.HealthFailing || !self.Cache.Stale || !strings.Contains(self.Problem, "stale") || self.Cache.SyncedAt == nil {
		t.Errorf("a stale gateway: %+v", st.Nodes)
	}
}
