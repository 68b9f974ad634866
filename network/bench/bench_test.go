package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/loadgen"
	"github.com/wanledger/wanledger/network"
)

func TestValidateRefusesWhatCannotRun(t *testing.T) {
	ok := Config{Org: "hefei", Owner: "anhui", Operations: []string{"baseline", "issue", "fetch"}, Load: loadgen.Load{Clients: 64, Duration: time.Second}, Prefix: "bench-1"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good configuration: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no operation", func(c *Config) { c.Operations = nil }, "at least one operation"},
		{"an unknown operation", func(c *Config) { c.Operations = []string{"issue", "mint"} }, `no operation "mint"`},
		{"revoke in an unbounded closed loop", func(c *Config) { c.Operations = []string{"revoke"} }, "revoke"},
		{"fetch from its own organisation", func(c *Config) { c.Operations, c.Owner = []string{"fetch"}, c.Org }, "fetch"},
		{"a prefix that is no ID", func(c *Config) { c.Prefix = "a/b" }, "prefix"},
		{"a prefix too long", func(c *Config) { c.Prefix = strings.Repeat("p", MaxPrefix+1) }, "prefix"},
		{"no clients", func(c *Config) { c.Load.Clients = 0 }, "clients"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			if !errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want a usage error about %q", err, tt.want)
			}
		})
	}
	c := ok
	c.Operations, c.Load.Requests = []string{"revoke"}, 100
	if err := c.Validate(); err != nil {
		t.Errorf("revoke with a number of requests: %v", err)
	}
}

func TestEveryOperationIsDescribed(t *testing.T) {
	if len(operations) != len(Names()) {
		t.Errorf("%d operations, %d names", len(operations), len(Names()))
	}
	for _, n := range Names() {
		if o, ok := operations[n]; !ok || o.what == "" || o.unit == "" || o.setup == nil {
			t.Errorf("operation %s: %+v", n, o)
		}
		if !strings.Contains(Describe(), "  "+n+" ") {
			t.Errorf("Describe() leaves %s out", n)
		}
	}
}

func TestCodeOfNamesEachFailure(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("issue: %w", &api.Error{Status: http.StatusConflict, Code: "ALREADY_EXISTS"}), "ALREADY_EXISTS"},
		{&CheckError{CodeNotValid, "licence BL-0001: valid false"}, CodeNotValid},
		{fmt.Errorf("post: %w", context.DeadlineExceeded), "TIMEOUT"},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, "TRANSPORT"},
		{errors.New("boom"), "ERROR"},
	}
	for _, tt := range tests {
		if got := CodeOf(tt.err); got != tt.want {
			t.Errorf("CodeOf(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// result is a run of n succeeded requests of items each over elapsed.
func result(n, items int, elapsed time.Duration, errs map[string]int) loadgen.Result {
	failed := 0
	for _, c := range errs {
		failed += c
	}
	samples := map[string]string{}
	for c := range errs {
		samples[c] = c + " (HTTP 409): the transaction did not commit"
	}
	return loadgen.Result{Requests: n + failed, Succeeded: n, Failed: failed, Items: n * items, Elapsed: elapsed, Errors: errs, ErrorSamples: samples,
		Latency: loadgen.Latency{P50: 10, P90: 20, P99: 40, Max: 80, Mean: 12}}
}

// spent is the CPU report of items over a 10 s window in which the peers
// worked peerMs and the gateways gatewayMs, besides an idle 10 ms a second
// of the peers' and 5 of the gateways'.
func spent(items int, peerMs, gatewayMs float64) *CPUReport {
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	t0 := time.Unix(1e9, 0)
	idleStart := cpuSample{at: t0.Add(-5 * time.Second), used: map[network.Kind]time.Duration{network.KindPeer: 0, network.KindGateway: 0}}
	start := cpuSample{at: t0, used: map[network.Kind]time.Duration{network.KindPeer: ms(50), network.KindGateway: ms(25)}}
	end := cpuSample{at: t0.Add(10 * time.Second), used: map[network.Kind]time.Duration{
		network.KindPeer: ms(50 + 100 + peerMs), network.KindGateway: ms(25 + 50 + gatewayMs)}}
	return cpuSpent(start, end, items, idleRate(idleStart, start))
}

// Each operation's rate is set against the mean of the baseline's runs,
// those after it too; the JSON has the shape docs/bench.md gives.
func TestTheReportSetsEachRateAgainstTheBaseline(t *testing.T) {
	c := Config{Org: "hefei", Load: loadgen.Load{Clients: 64, Duration: 10 * time.Second}}
	r := newReport(c, "http://127.0.0.1:31150")
	r.add("issue", result(900, 1, 10*time.Second, map[string]int{"CONFLICT": 3, "UNAVAILABLE": 1}), spent(900, 2700, 900))
	if r.Baseline != nil || r.Operations[0].XBaseline != nil || r.Operations[0].CPU.XBaseline != nil {
		t.Fatal("a ratio without a baseline run")
	}
	r.add("baseline", result(1000, 1, 10*time.Second, map[string]int{}), spent(1000, 1000, 0))
	r.add("batch", result(50, 50, 10*time.Second, map[string]int{}), nil)
	r.add("baseline", result(1200, 1, 10*time.Second, map[string]int{}), spent(1200, 1200, 0))
	if c := r.Operations[0].CPU; c.MsPerItem["peer"] != 3 || c.MsPerItem["gateway"] != 1 || c.TotalMsPerItem != 4 ||
		c.IdleMsPerSecond != 15 || c.XBaseline == nil || *c.XBaseline != 4 {
		t.Errorf("issue's CPU %+v, want 3 ms a licence of the peers', 1 of the gateways' (idle subtracted), 4 × the baseline's 1", c)
	}
	for i, want := range []float64{90.0 / 110, 100.0 / 110, 250.0 / 110, 120.0 / 110} {
		o := r.Operations[i]
		if o.XBaseline == nil || *o.XBaseline < want-1e-9 || *o.XBaseline > want+1e-9 {
			t.Errorf("%s: ×baseline %v, want %g", o.Operation, o.XBaseline, want)
		}
	}

	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Load struct {
			Mode            string  `json:"mode"`
			Clients         int     `json:"clients"`
			DurationSeconds float64 `json:"durationSeconds"`
		} `json:"load"`
		Org        string   `json:"org"`
		Gateway    string   `json:"gateway"`
		CPUs       int      `json:"cpus"`
		Baseline   *float64 `json:"baselineWritesPerSecond"`
		Operations []struct {
			Operation         string   `json:"operation"`
			Unit              string   `json:"unit"`
			Requests          int      `json:"requests"`
			Succeeded         int      `json:"succeeded"`
			Failed            int      `json:"failed"`
			Items             int      `json:"items"`
			ElapsedSeconds    float64  `json:"elapsedSeconds"`
			RequestsPerSecond float64  `json:"requestsPerSecond"`
			ItemsPerSecond    float64  `json:"itemsPerSecond"`
			XBaseline         *float64 `json:"xBaseline"`
			CPU               *struct {
				MsPerItem       map[string]float64 `json:"msPerItem"`
				TotalMsPerItem  float64            `json:"totalMsPerItem"`
				WindowSeconds   float64            `json:"windowSeconds"`
				IdleMsPerSecond float64            `json:"idleMsPerSecond"`
				XBaseline       *float64           `json:"xBaseline"`
			} `json:"cpu"`
			Latency      map[string]float64 `json:"latencyMs"`
			Errors       map[string]int     `json:"errors"`
			ErrorSamples map[string]string  `json:"errorSamples"`
		} `json:"operations"`
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("the JSON report has another shape: %v", err)
	}
	issue := doc.Operations[0]
	if doc.Load.Mode != "closed" || doc.Load.Clients != 64 || doc.Load.DurationSeconds != 10 || doc.Org != "hefei" || doc.CPUs < 1 ||
		doc.Baseline == nil || *doc.Baseline != 110 || len(doc.Operations) != 4 {
		t.Errorf("report %+v", doc)
	}
	if issue.Operation != "issue" || issue.Unit != "licences" || issue.Requests != 904 || issue.Failed != 4 || issue.Errors["CONFLICT"] != 3 ||
		issue.ItemsPerSecond != 90 || issue.ElapsedSeconds != 10 || issue.Latency["p99"] != 40 || len(issue.Latency) != 5 || len(issue.ErrorSamples) != 2 {
		t.Errorf("issue %+v", issue)
	}
	if b := doc.Operations[2]; b.Items != 2500 || b.RequestsPerSecond != 5 || b.ItemsPerSecond != 250 {
		t.Errorf("batch %+v", b)
	}

	buf.Reset()
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"closed loop, 64 clients, 10s an operation; gateway of hefei (http://127.0.0.1:31150)", "×baseline",
		"90.0 licences", "0.82", "250.0 licences", "2.27", "issue failed: CONFLICT 3, UNAVAILABLE 1",
		"  issue     4.00 (4.00 × the baseline's): peer 3.00, gateway 1.00; idle 15 ms/s over 10 s",
		"  first CONFLICT: CONFLICT (HTTP 409): the transaction did not commit"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
}
