// Package relay is the process that carries records from one channel to
// another, run by an organisation that is a member of both: for each
// direction it follows the source channel's blocks from a checkpoint, takes
// the records of the kinds it carries (mutually recognised licences, and
// the handoffs, authorizations and access records that cross channels)
// that valid transactions wrote, has the source's peers endorse their
// export (the record's party's, its own and further members' up to a
// majority), and submits those proofs to the target channel, whose
// chaincode checks them against the source organisations its governance
// registered.
//
// Exactly once, in order: the checkpoint moves past a block only after the
// import of its changes committed on the target, and it is replaced
// atomically. After a crash the relay reads again from the checkpoint and
// imports again what it may have imported already; the chaincode leaves
// any version it holds, or an earlier one, unchanged, so each record
// version is applied once and never after a later one.
package relay

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/fabric"
	"github.com/wanledger/wanledger/gateway/relayconfig"
)

type metrics struct {
	lagBlocks, lagSeconds *prometheus.GaugeVec
	relayed, errors       *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	dir := []string{"source", "target"}
	m := &metrics{
		lagBlocks:  prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "wanledger_relay_lag_blocks", Help: "Source blocks not yet relayed, by direction."}, dir),
		lagSeconds: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "wanledger_relay_lag_seconds", Help: "Age of the oldest source change read and not yet imported, by direction."}, dir),
		relayed:    prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wanledger_relay_relayed_total", Help: "Record versions applied on the target, by direction and kind."}, append(dir, "kind")),
		errors:     prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wanledger_relay_errors_total", Help: "Failures, by direction and error code."}, append(dir, "code")),
	}
	reg.MustRegister(m.lagBlocks, m.lagSeconds, m.relayed, m.errors, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Ledger is one channel as the relay reads and writes it.
type Ledger interface {
	Source
	Target
}

// Relay is the running relay: its directions and its HTTP endpoints.
type Relay struct {
	dirs []*direction
	m    *metrics
	reg  *prometheus.Registry
}

// New makes the relay's directions over the given channels (by name).
func New(cfg *relayconfig.Config, channels map[string]Ledger, log *slog.Logger) (*Relay, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	r := &Relay{reg: prometheus.NewRegistry()}
	r.m = newMetrics(r.reg)
	for _, d := range cfg.Directions() {
		r.dirs = append(r.dirs, &direction{Direction: d, cfg: cfg, src: channels[d.Source.Name], dst: channels[d.Target.Name],
			file: checkpointFile(cfg.DataDir, d), log: log, m: r.m, sleep: sleep,
			st: api.RelayDirection{Source: d.Source.Name, Target: d.Target.Name}})
	}
	return r, nil
}

// sleep waits d or until ctx ends; false if ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Statuses returns every direction's status now, and sets the lag gauges.
func (r *Relay) Statuses() []api.RelayDirection {
	now := time.Now()
	var out []api.RelayDirection
	for _, d := range r.dirs {
		s := d.status(now)
		r.m.lagBlocks.WithLabelValues(s.Source, s.Target).Set(float64(s.LagBlocks))
		r.m.lagSeconds.WithLabelValues(s.Source, s.Target).Set(s.LagSeconds)
		out = append(out, s)
	}
	return out
}

// Handler serves /metrics (Prometheus), /status (JSON: the directions'
// Status) and /healthz.
func (r *Relay) Handler() http.Handler {
	mux := http.NewServeMux()
	prom := promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, req *http.Request) {
		r.Statuses()
		prom.ServeHTTP(w, req)
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(struct { //nolint:errchkjson // the client went away
			Directions []api.RelayDirection `json:"directions"`
		}{r.Statuses()})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) }) //nolint:errcheck
	return mux
}

// Start runs every direction until ctx ends; the returned function waits
// for them to stop.
func (r *Relay) Start(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, d := range r.dirs {
		wg.Go(func() { d.pollHeight(ctx) })
		wg.Go(func() { d.run(ctx) })
	}
	return wg.Wait
}

// Run connects to the peer as the configured identity, once per channel,
// serves the HTTP endpoints and relays until ctx ends (SIGTERM), then
// stops: an import under way is abandoned, its checkpoint not moved.
func Run(ctx context.Context, cfg *relayconfig.Config, log *slog.Logger) error {
	channels := map[string]Ledger{}
	for _, ch := range cfg.Channels {
		f, err := fabric.Dial(&config.Config{MSPID: cfg.MSPID, Peer: cfg.Peer, Channel: ch.Name, Chaincode: cfg.Chaincode,
			Identities: []config.Identity{{Name: identity, MSPDir: cfg.MSPDir}}, Timeouts: config.DefaultTimeouts})
		if err != nil {
			return err
		}
		defer f.Close()
		channels[ch.Name] = f
	}
	r, err := New(cfg, channels, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: r.Handler(), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("relay started", "listen", cfg.Listen, "directions", len(r.dirs))
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	wait := r.Start(ctx)
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	stop()
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = errors.Join(err, srv.Shutdown(shut))
	wait()
	log.Info("relay stopped")
	return err
}
