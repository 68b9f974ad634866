// Package gateway is an organisation's gateway: the HTTP API that
// applications, verifiers and auditors use, a Fabric client, and a Badger
// cache of licences, types, accreditations and seal keys kept current from
// the ledger's blocks.
package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/verifier"
)

// Gateway is a running gateway.
type Gateway struct {
	cfg    *config.Config
	log    *slog.Logger
	ledger Ledger
	chain  chain // blocks and height; nil in handler tests
	store  *cache.Store
	keys   *keys.Keys
	judge  *verifier.Verifier // one per gateway: its memo of verified seals
	reg    *prometheus.Registry
	m      metrics

	peerHeight atomic.Uint64
	lastSync   atomic.Int64 // unix nanoseconds when the cache last had every block
}

// chain is what the cache follower needs of Fabric.
type chain interface {
	Blocks(ctx context.Context, start uint64) (<-chan *common.Block, error)
	Height(ctx context.Context) (uint64, error)
}

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	lag      prometheus.Gauge
	height   prometheus.Gauge
}

func newMetrics(reg *prometheus.Registry) metrics {
	m := metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wanledger_gateway_requests_total", Help: "HTTP requests by operation and status."}, []string{"operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wanledger_gateway_request_seconds", Help: "HTTP request latency by operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"operation"}),
		lag:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "wanledger_gateway_cache_lag_blocks", Help: "Blocks the peer has that the cache has not applied."}),
		height: prometheus.NewGauge(prometheus.GaugeOpts{Name: "wanledger_gateway_cache_height", Help: "Blocks the cache reflects."}),
	}
	reg.MustRegister(m.requests, m.latency, m.lag, m.height)
	return m
}

// New assembles a gateway from its parts.
func New(cfg *config.Config, log *slog.Logger, ledger Ledger, ch chain, store *cache.Store, ks *keys.Keys) *Gateway {
	reg := prometheus.NewRegistry()
	return &Gateway{cfg: cfg, log: log, ledger: ledger, chain: ch, store: store, keys: ks, judge: verifier.New(0), reg: reg, m: newMetrics(reg)}
}

// Run runs a gateway from its configuration until ctx ends, then shuts the
// HTTP server down gracefully.
func Run(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	ks, err := keys.LoadKeys(cfg.KeysFile)
	if err != nil {
		return err
	}
	store, err := cache.Open(cfg.DataDir, log.With("component", "cache"))
	if err != nil {
		return err
	}
	defer store.Close()
	fab, err := DialFabric(cfg)
	if err != nil {
		return err
	}
	defer fab.Close()
	g := New(cfg, log, fab, fab, store, ks)
	return g.Serve(ctx)
}

// Serve runs the cache follower and the HTTP servers (plain, and mutual
// TLS if configured) until ctx ends, then shuts them down gracefully.
func (g *Gateway) Serve(ctx context.Context) error {
	listeners, err := g.listen()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() { // the follower ends with ctx
		defer close(done)
		g.follow(ctx)
	}()
	var servers []*http.Server
	errc := make(chan error, len(listeners))
	for _, ln := range listeners {
		srv := &http.Server{Handler: g.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
		servers = append(servers, srv)
		g.log.Info("gateway listening", "addr", ln.Addr().String(), "org", g.cfg.MSPID, "channel", g.cfg.Channel)
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	cancel()
	shut, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	for _, srv := range servers {
		err = errors.Join(err, ignoreClosed(srv.Shutdown(shut)))
	}
	<-done
	g.log.Info("gateway stopped")
	return ignoreClosed(err)
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// listen opens the plain listener and, if configured, the mutual-TLS one,
// which accepts only clients whose certificate the configured CA issued.
func (g *Gateway) listen() ([]net.Listener, error) {
	ln, err := net.Listen("tcp", g.cfg.Listen)
	if err != nil {
		return nil, err
	}
	m := g.cfg.MTLS
	if m == nil {
		return []net.Listener{ln}, nil
	}
	cfg, err := mtlsConfig(m)
	if err != nil {
		ln.Close()
		return nil, err
	}
	tl, err := tls.Listen("tcp", m.Listen, cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	return []net.Listener{ln, tl}, nil
}

func mtlsConfig(m *config.MTLSConfig) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(m.Cert, m.Key)
	if err != nil {
		return nil, fmt.Errorf("mtls: %w", err)
	}
	ca, err := os.ReadFile(m.ClientCA)
	if err != nil {
		return nil, fmt.Errorf("mtls: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("mtls: %s holds no certificate", m.ClientCA)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}, nil
}

// Handler is the whole HTTP surface: the API under /v1 and operations.
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", g.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(g.reg, promhttp.HandlerOpts{}))
	api := http.NewServeMux()
	g.registerAPI(api)
	mux.Handle("/v1/", g.requireKey(api))
	return mux
}

// readyz answers 200 when the ledger answers and the cache has every block.
func (g *Gateway) readyz(w http.ResponseWriter, r *http.Request) {
	lag, stale := g.lag()
	if stale || g.chain == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "not ready", "cacheLagBlocks": lag, "stale": stale})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "cacheLagBlocks": lag})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client may have gone
}

// lag is how many blocks the cache is behind the peer, and whether it is
// stale.
func (g *Gateway) lag() (uint64, bool) {
	h, err := g.store.Height()
	if err != nil {
		return 0, true
	}
	var lag uint64
	if p := g.peerHeight.Load(); p > h {
		lag = p - h
	}
	return lag, g.stale()
}

// stale reports whether the cache has gone without confirming it has every
// block for longer than MaxStaleness.
func (g *Gateway) stale() bool {
	return time.Since(time.Unix(0, g.lastSync.Load())) > g.cfg.MaxStaleness.Duration
}

// follow applies every block's validated writes to the cache from its
// height on (chaincode events play no part), and keeps the peer's height to
// measure the lag. It reconnects after errors and returns when ctx ends.
func (g *Gateway) follow(ctx context.Context) {
	if g.chain == nil {
		return
	}
	polled := make(chan struct{})
	go func() { // ends with ctx, before follow returns
		defer close(polled)
		g.pollHeight(ctx)
	}()
	defer func() { <-polled }()
	for ctx.Err() == nil {
		if err := g.followOnce(ctx); err != nil && ctx.Err() == nil {
			g.log.Warn("block stream ended; reconnecting", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

func (g *Gateway) followOnce(ctx context.Context) error {
	start, err := g.store.Height()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := g.chain.Blocks(ctx, start)
	if err != nil {
		return err
	}
	for b := range blocks {
		writes, err := cache.BlockWrites(b, g.cfg.Chaincode)
		if err != nil {
			return err
		}
		if _, err := g.store.ApplyBlock(b.GetHeader().GetNumber(), writes); err != nil {
			return err
		}
		g.noteHeight()
	}
	return errors.New("block stream closed")
}

// pollHeight asks the peer for its height every second.
func (g *Gateway) pollHeight(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		hctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		h, err := g.chain.Height(hctx)
		cancel()
		if err == nil {
			g.peerHeight.Store(h)
			g.noteHeight()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// noteHeight updates the lag metrics, and the sync time when caught up.
func (g *Gateway) noteHeight() {
	h, err := g.store.Height()
	if err != nil {
		return
	}
	g.m.height.Set(float64(h))
	p := g.peerHeight.Load()
	if p <= h {
		g.lastSync.Store(time.Now().UnixNano())
		g.m.lag.Set(0)
		return
	}
	g.m.lag.Set(float64(p - h))
}

// ledgerRecords reads verification records from the ledger.
type ledgerRecords struct {
	ctx      context.Context
	ledger   Ledger
	identity string
}

func (r ledgerRecords) get(contract, fn, id string, v any) error {
	out, err := r.ledger.Evaluate(r.ctx, r.identity, contract, fn, id)
	if err != nil {
		ae := fromLedger(err)
		if ae.Code == string(record.CodeNotFound) || ae.Code == string(record.CodeNotAccredited) {
			return fmt.Errorf("%w: %s", verifier.ErrNotFound, ae.Message)
		}
		return ae
	}
	return json.Unmarshal(out, v)
}

func (r ledgerRecords) Licence(id string) (*record.Licence, error) {
	var l record.Licence
	return &l, r.get("licence", "Get", id, &l)
}

func (r ledgerRecords) Grant(id string) (*record.Accreditation, error) {
	var a record.Accreditation
	return &a, r.get("registry", "GetGrant", id, &a)
}

func (r ledgerRecords) SealKey(id string) (*record.SealKey, error) {
	var k record.SealKey
	return &k, r.get("registry", "GetSealKey", id, &k)
}
