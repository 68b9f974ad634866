//go:build faults

package faults

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network/bench"
)

// report is what a fault test reports: in its log, and as report.json in
// its temporary directory.
type report struct {
	Fault   string      `json:"fault"`
	Offered offeredLoad `json:"loadOffered"`
	Faults  []injected  `json:"faultsInjected"`
	tally
	// Requests are the load's requests, Failed those that failed, by code.
	Requests int            `json:"requests"`
	Failed   map[string]int `json:"failedByCode"`
	// RecoverySeconds is the longest recovery of the faults injected.
	RecoverySeconds float64 `json:"recoverySeconds"`
	// Checks are the test's own findings beside the tally (state hashes,
	// cache against ledger, versions relayed), by name.
	Checks map[string]any `json:"checks,omitempty"`
}

// offeredLoad is the load the fault ran under.
type offeredLoad struct {
	Operations      []string `json:"operations"`
	Rate            float64  `json:"ratePerSecond"`
	Clients         int      `json:"clients"`
	DurationSeconds float64  `json:"durationSeconds"`
	// Planned is the requests the open loop planned.
	Planned int `json:"planned"`
}

// injected is one fault: what, to which node, when (seconds into the
// load's timed part), and its recovery (what it measures, and how long).
type injected struct {
	What            string  `json:"what"`
	Node            string  `json:"node"`
	AtSeconds       float64 `json:"atSeconds"`
	DownSeconds     float64 `json:"downSeconds,omitempty"` // until it was started again (ready)
	Recovery        string  `json:"recovery"`
	RecoverySeconds float64 `json:"recoverySeconds"`
}

// String describes the load: "issue at 20/s by 32 clients for 30s".
func (o offeredLoad) String() string {
	return fmt.Sprintf("%s at %g/s by %d clients for %gs", strings.Join(o.Operations, ", "), o.Rate, o.Clients, o.DurationSeconds)
}

// newReport starts the report of a fault under the load r.
func newReport(fault string, r *load) *report {
	return &report{Fault: fault, Offered: offeredLoad{Operations: r.ops, Rate: r.load.Rate, Clients: r.load.Clients,
		DurationSeconds: r.load.Duration.Seconds(), Planned: r.load.Planned() * len(r.ops)}, Checks: map[string]any{}}
}

// fault adds a fault f injected at `at`, whose recovery ran from `from`
// to `to` (to zero: none measured).
func (rp *report) fault(r *load, f injected, at, from, to time.Time) {
	r.mu.Lock()
	first := r.first
	r.mu.Unlock()
	f.AtSeconds = secs(at.Sub(first))
	if !to.IsZero() {
		f.RecoverySeconds = secs(to.Sub(from))
		rp.RecoverySeconds = max(rp.RecoverySeconds, f.RecoverySeconds)
	}
	rp.Faults = append(rp.Faults, f)
}

// finish adds the load's outcome and the ledger's tally, logs the report
// and writes it to the test's temporary directory; the test fails if a
// write was lost or duplicated.
func (rp *report) finish(t *testing.T, rep *bench.Report, tl tally) {
	t.Helper()
	rp.tally, rp.Failed = tl, map[string]int{}
	for _, o := range rep.Operations {
		rp.Requests += o.Requests
		for code, n := range o.Errors {
			rp.Failed[code] += n
		}
	}
	b, err := json.MarshalIndent(rp, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var faults []string
	for _, f := range rp.Faults {
		faults = append(faults, f.What+" "+f.Node)
	}
	t.Logf("%s: load %s; faults: %s; %d requests, acknowledged %d, lost %d, duplicated %d, committed but not acknowledged %d, failed %v; recovery %.1f s",
		rp.Fault, rp.Offered, strings.Join(faults, ", "), rp.Requests, rp.Acknowledged, rp.Lost, rp.Duplicated, rp.InDoubt, rp.Failed, rp.RecoverySeconds)
	t.Logf("report %s:\n%s", path, b)
	if rp.Lost != 0 || rp.Duplicated != 0 {
		t.Errorf("%d acknowledged writes lost, %d duplicated; first problems:\n%s", rp.Lost, rp.Duplicated, strings.Join(tl.problems, "\n"))
	}
	if rp.Acknowledged == 0 {
		t.Error("the load had no write acknowledged")
	}
}

func secs(d time.Duration) float64 {
	return float64(d.Round(10*time.Millisecond)) / float64(time.Second)
}

// unexpected are the failures, by code, of codes other than those allowed.
func unexpected(failed map[string]int, allowed ...string) map[string]int {
	out := map[string]int{}
	for code, n := range failed {
		if !slices.Contains(allowed, code) {
			out[code] = n
		}
	}
	return out
}
