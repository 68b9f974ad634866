// Package nodeops reads the operations endpoints of a network's nodes: a
// Fabric peer's or orderer's /healthz and Prometheus /metrics (Fabric's
// operations service), a wanledger gateway's /healthz and /metrics, a
// relay's /healthz and /status. `wanledger status` and a gateway's
// GET /v1/network both read nodes through it (Read, Watcher).
//
// The endpoints are read over plain HTTP (no proxy, no redirects), each
// answer bounded in size; a caller bounds each read with its context.
// Metrics are parsed with the Prometheus text parser
// (github.com/prometheus/common/expfmt).
package nodeops

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/wanledger/wanledger/api"
)

// Bounds of what is read of an endpoint's answer, in bytes.
const (
	MaxMetrics = 4 << 20 // /metrics (a peer's is some 100 KB)
	MaxStatus  = 1 << 20 // a relay's /status
	maxHealth  = 4 << 10 // /healthz
)

// client reads operations endpoints: never through a proxy, never
// following a redirect; each request's context bounds it.
var client = &http.Client{
	Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute,
		ResponseHeaderTimeout: 30 * time.Second},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get asks an operations endpoint (host:port) for a path and reads at
// most limit bytes of a 200 answer; an answer of another status is an
// *UnhealthyError.
func get(ctx context.Context, addr, path string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	var ue *url.Error
	if errors.As(err, &ue) { // the address is the caller's: say the path and why
		return nil, fmt.Errorf("%s: %w", path, ue.Err)
	}
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxHealth)) // what it says, if it can be read
		return nil, &UnhealthyError{Path: path, Status: resp.StatusCode, Body: strings.TrimSpace(string(body))}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: %w %d bytes", path, ErrTooLarge, limit)
	}
	return b, nil
}

// ErrTooLarge is an answer longer than its bound: the node answered, but
// what it said is not read.
var ErrTooLarge = errors.New("the answer passes")

// UnhealthyError is an operations endpoint's answer other than 200: the
// node is up, but says it is not well (Fabric's /healthz answers 503 with
// its failed checks).
type UnhealthyError struct {
	Path   string
	Status int
	Body   string // at most 4 KiB
}

func (e *UnhealthyError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("%s: HTTP %d", e.Path, e.Status)
	}
	return fmt.Sprintf("%s: HTTP %d: %s", e.Path, e.Status, e.Body)
}

// Health asks a node's operations endpoint for /healthz: nil if it
// answers 200, an *UnhealthyError if it answers otherwise.
func Health(ctx context.Context, addr string) error {
	_, err := get(ctx, addr, "/healthz", maxHealth)
	return err
}

// Metrics is a scrape of a node's /metrics: its metric families by name.
type Metrics map[string]*dto.MetricFamily

// Scrape reads and parses a node's /metrics (the Prometheus text format).
func Scrape(ctx context.Context, addr string) (Metrics, error) {
	b, err := get(ctx, addr, "/metrics", MaxMetrics)
	if err != nil {
		return nil, err
	}
	return ParseMetrics(bytes.NewReader(b))
}

// ParseMetrics parses the Prometheus text format.
func ParseMetrics(r io.Reader) (Metrics, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return fams, nil
}

// Value is the value of a metric without labels (a gauge, counter or
// untyped sample).
func (m Metrics) Value(name string) (float64, bool) {
	for _, s := range m[name].GetMetric() {
		if len(s.GetLabel()) == 0 {
			return value(s), true
		}
	}
	return 0, false
}

// Channel is the value of a metric labelled only with the channel.
func (m Metrics) Channel(name, channel string) (float64, bool) {
	v, ok := m.ByChannel(name)[channel]
	return v, ok
}

// ByChannel is the values of a metric labelled only with a channel, by
// channel.
func (m Metrics) ByChannel(name string) map[string]float64 {
	out := map[string]float64{}
	for _, s := range m[name].GetMetric() {
		if l := s.GetLabel(); len(l) == 1 && l[0].GetName() == "channel" {
			out[l[0].GetValue()] = value(s)
		}
	}
	return out
}

func value(s *dto.Metric) float64 {
	switch {
	case s.Gauge != nil:
		return s.GetGauge().GetValue()
	case s.Counter != nil:
		return s.GetCounter().GetValue()
	default:
		return s.GetUntyped().GetValue()
	}
}

// RelayStatus reads a relay's directions from its /status.
func RelayStatus(ctx context.Context, addr string) ([]api.RelayDirection, error) {
	b, err := get(ctx, addr, "/status", MaxStatus)
	if err != nil {
		return nil, err
	}
	var st struct {
		Directions []api.RelayDirection `json:"directions"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("relay status: %w", err)
	}
	return st.Directions, nil
}

// down reports whether err means the node did not answer at all.
func down(err error) bool {
	var u *UnhealthyError
	return err != nil && !errors.As(err, &u) && !errors.Is(err, ErrTooLarge)
}
