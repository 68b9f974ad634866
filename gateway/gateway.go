// Package gateway assembles an organisation's gateway and runs it: the HTTP
// API (gateway/httpapi) over the service layer (gateway/service) over
// Fabric (gateway/fabric), a Badger cache (gateway/cache) kept current from
// the ledger's blocks by the follower here, and the operations endpoints
// (/healthz, /readyz, /metrics). docs/adr/0013-gateway-layers.md describes
// the layers.
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
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/datasets"
	"github.com/wanledger/wanledger/gateway/fabric"
	"github.com/wanledger/wanledger/gateway/httpapi"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/gateway/pages"
	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/gateway/verifier"
	"github.com/wanledger/wanledger/gateway/vlog"
)

// Gateway is a running gateway.
type Gateway struct {
	cfg    *config.Config
	log    *slog.Logger
	ledger service.Ledger
	chain  chain // blocks and height; nil in handler tests
	clock  service.Clock
	store  *cache.Store
	keys   *keys.Keys
	judge  *verifier.Verifier    // one per gateway: its memo of verified seals
	pres   service.Presentations // nonces, challenges and the verification log (presentations.go)
	budget *httpapi.Budget       // request body bytes held at once
	reg    *prometheus.Registry
	m      metrics
	rows   *datasets.Store // rows of owned datasets; nil in handler tests
	mesh   service.Mesh    // the libp2p host; nil in handler tests
	fetch  service.Fetcher // the fetch protocol's requester; nil in handler tests
	watch  *watch          // the network as GET /v1/network reads it (watch.go)

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
	reg.MustRegister(m.requests, m.latency, m.lag, m.height,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// New assembles a gateway from its parts; clock is its only time (nil:
// time.Now).
func New(cfg *config.Config, log *slog.Logger, ledger service.Ledger, ch chain, store *cache.Store, ks *keys.Keys, clock service.Clock) *Gateway {
	if clock == nil {
		clock = time.Now
	}
	size, wait := cfg.BodyBudget, cfg.Timeouts.BodyWait.Duration
	if size == 0 {
		size = config.DefaultBodyBudget
	}
	if wait == 0 {
		wait = config.DefaultTimeouts.BodyWait.Duration
	}
	g := &Gateway{cfg: cfg, log: log, ledger: ledger, chain: ch, clock: clock, store: store, keys: ks, judge: verifier.New(0),
		budget: httpapi.NewBudget(size, wait), reg: prometheus.NewRegistry()}
	g.m = newMetrics(g.reg)
	g.pres = presentations(cfg)
	g.watch = newWatch(g)
	g.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "wanledger_gateway_body_bytes_in_flight", Help: "Request body bytes held at once, of bodyBudget."},
		func() float64 { return float64(g.budget.InFlight()) }))
	return g
}

// Run runs a gateway from its configuration until ctx ends, then shuts the
// HTTP server down gracefully.
func Run(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	ks, err := keys.LoadKeys(cfg.KeysFile)
	if err != nil {
		return err
	}
	store, err := cache.Open(cfg.DataDir, cfg.Channel, log.With("component", "cache"), uint64(cfg.CacheMinFree))
	if err != nil {
		return err
	}
	defer store.Close()
	fab, err := fabric.Dial(cfg)
	if err != nil {
		return err
	}
	defer fab.Close()
	g := New(cfg, log, fab, fab, store, ks, time.Now)
	if g.pres.Log, err = vlog.Open(cfg.Presentations.LogDir, cfg.Presentations.LogRetention.Duration, log.With("component", "verification-log")); err != nil {
		return err
	}
	defer g.pres.Log.Close()
	rows, host, closeData, err := openDataPlane(ctx, cfg, store, log)
	if err != nil {
		return err
	}
	defer closeData()
	g.rows, g.mesh = rows, meshView{host}
	if g.fetch, err = startFetch(cfg, fab, store, rows, host, log); err != nil {
		return err
	}
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
		t := g.cfg.Timeouts
		srv := &http.Server{Handler: g.Handler(), ReadHeaderTimeout: t.ReadHeader.Duration, ReadTimeout: t.Read.Duration,
			WriteTimeout: t.Write.Duration, IdleTimeout: t.Idle.Duration}
		servers = append(servers, srv)
		g.log.Info("gateway listening", "addr", ln.Addr().String(), "org", g.cfg.MSPID, "channel", g.cfg.Channel)
		go func() { errc <- srv.Serve(ln) }()
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	cancel()
	shut, stop := context.WithTimeout(context.Background(), g.cfg.Timeouts.Shutdown.Duration)
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

// Handler is the whole HTTP surface: the API under /v1, operations, and
// the pages ("/" and /ui/, package pages).
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		out := map[string]any{"status": "ok"}
		if g.mesh != nil {
			out["mesh"] = map[string]any{"peerId": g.mesh.ID(), "addrs": g.mesh.Addrs()}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /readyz", g.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(g.reg, promhttp.HandlerOpts{}))
	svc := service.New(service.Options{Ledger: g.ledger, Store: g.store, Clock: g.clock, Verifier: g.judge, Stale: g.stale,
		MaxStaleness: g.cfg.MaxStaleness.Duration, Log: g.log, Presentations: g.pres,
		MSPID: g.cfg.MSPID, Rows: g.rows, Mesh: g.mesh, Fetcher: g.fetch, Watch: g.watch})
	ids := make([]string, len(g.cfg.Identities))
	for i, id := range g.cfg.Identities {
		ids[i] = id.Name
	}
	mux.Handle("/v1/", httpapi.New(httpapi.Options{Service: svc, Keys: g.keys, Identities: ids, MSPID: g.cfg.MSPID, PublicURL: g.cfg.PublicURL, Log: g.log, Budget: g.budget, Snapshot: g.snapshotSource(),
		Uploads: httpapi.Uploads{MaxBytes: g.cfg.Datasets.MaxUpload, Timeout: g.cfg.Datasets.UploadTimeout.Duration},
		Observe: func(op string, status int, d time.Duration) {
			g.m.latency.WithLabelValues(op).Observe(d.Seconds())
			g.m.requests.WithLabelValues(op, strconv.Itoa(status)).Inc()
		}}))
	pages.New(g.log).Register(mux)
	return dated(g.clock, httpapi.RefuseUncleanPaths(mux))
}

// dated gives every answer the Date of the gateway's clock, by which the
// pages time what the gateway's records say in its clock (a nonce's
// expiry; docs/pages.md), rather than the Go server's default, the
// machine's.
func dated(clock func() time.Time, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", clock().UTC().Format(http.TimeFormat))
		h.ServeHTTP(w, r)
	})
}

// readyz answers 200 when the ledger answers, the cache has every block
// and its disk has the reserve free.
func (g *Gateway) readyz(w http.ResponseWriter, r *http.Request) {
	lag, stale := g.lag()
	full := errors.Is(g.store.Space(), cache.ErrDiskFull)
	if stale || full || g.chain == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "not ready", "cacheLagBlocks": lag, "stale": stale, "cacheDiskFull": full})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "cacheLagBlocks": lag})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client may have gone
}
