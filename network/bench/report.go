package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/loadgen"
)

// Report is a run's outcome, as `wanledger bench --json` prints it.
type Report struct {
	Load    LoadReport `json:"load"`
	Org     string     `json:"org"`
	Gateway string     `json:"gateway"`
	CPUs    int        `json:"cpus"` // the CPUs the bench may run on (its affinity: taskset lowers it)
	// Baseline is the baseline's writes a second, the mean of its runs in
	// this report; absent without one.
	Baseline   *float64   `json:"baselineWritesPerSecond,omitempty"`
	Operations []OpReport `json:"operations"`
}

// LoadReport is the load every operation ran under.
type LoadReport struct {
	Mode            string  `json:"mode"` // "open" or "closed"
	Rate            float64 `json:"rate,omitempty"`
	Clients         int     `json:"clients"`
	DurationSeconds float64 `json:"durationSeconds"`
	Requests        int     `json:"requests,omitempty"`
}

// OpReport is one operation's result.
type OpReport struct {
	Operation string `json:"operation"`
	Unit      string `json:"unit"` // what an item is: licences, writes, verdicts, changes
	loadgen.Result
	ElapsedSeconds    float64 `json:"elapsedSeconds"`
	RequestsPerSecond float64 `json:"requestsPerSecond"`
	ItemsPerSecond    float64 `json:"itemsPerSecond"`
	// XBaseline is ItemsPerSecond ÷ the baseline's writes a second.
	XBaseline *float64 `json:"xBaseline,omitempty"`
	// CPU is the network's CPU time per item; absent when the bench could
	// not read it (no node runs on this machine).
	CPU *CPUReport `json:"cpu,omitempty"`
}

func newReport(c Config, gateway string) *Report {
	l := LoadReport{Mode: "closed", Clients: c.Load.Clients, DurationSeconds: c.Load.Duration.Seconds(), Requests: c.Load.Requests}
	if c.Load.Open() {
		l.Mode, l.Rate = "open", c.Load.Rate
	}
	return &Report{Load: l, Org: c.Org, Gateway: gateway, CPUs: runtime.NumCPU(), Operations: []OpReport{}}
}

// add adds an operation's result and sets every ratio to the baseline's
// mean rate, and mean CPU time a write, so far.
func (r *Report) add(name string, res loadgen.Result, cpu *CPUReport) {
	r.Operations = append(r.Operations, OpReport{Operation: name, Unit: operations[name].unit, Result: res,
		ElapsedSeconds: res.Elapsed.Seconds(), RequestsPerSecond: res.PerSecond(), ItemsPerSecond: res.ItemsPerSecond(), CPU: cpu})
	var sum, cpuSum float64
	var n, cpuN int
	for _, o := range r.Operations {
		if o.Operation != "baseline" {
			continue
		}
		sum, n = sum+o.ItemsPerSecond, n+1
		if o.CPU != nil {
			cpuSum, cpuN = cpuSum+o.CPU.TotalMsPerItem, cpuN+1
		}
	}
	if n == 0 || sum == 0 {
		return
	}
	base := sum / float64(n)
	r.Baseline = &base
	for i := range r.Operations {
		x := r.Operations[i].ItemsPerSecond / base
		r.Operations[i].XBaseline = &x
		if c := r.Operations[i].CPU; c != nil && cpuN > 0 && cpuSum > 0 {
			cx := c.TotalMsPerItem / (cpuSum / float64(cpuN))
			c.XBaseline = &cx
		}
	}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report as a table, then the failures by code.
func (r *Report) WriteTable(w io.Writer) error {
	load := fmt.Sprintf("closed loop, %d clients", r.Load.Clients)
	if r.Load.Mode == "open" {
		load = fmt.Sprintf("open loop, %g/s, %d clients", r.Load.Rate, r.Load.Clients)
	}
	if r.Load.Requests > 0 {
		load += fmt.Sprintf(", at most %d requests", r.Load.Requests)
	}
	fmt.Fprintf(w, "%s, %gs an operation; gateway of %s (%s); the bench on %d CPUs\n\n", load, r.Load.DurationSeconds, r.Org, r.Gateway, r.CPUs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\trequests\tfailed\treq/s\titems/s\t×baseline\tp50 ms\tp90 ms\tp99 ms\tmax ms\t")
	for _, o := range r.Operations {
		x := "-"
		if o.XBaseline != nil {
			x = fmt.Sprintf("%.2f", *o.XBaseline)
		}
		l := o.Latency
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f %s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t\n", o.Operation, o.Requests, o.Failed,
			o.RequestsPerSecond, o.ItemsPerSecond, o.Unit, x, l.P50, l.P90, l.P99, l.Max)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	r.writeCPU(w)
	for _, o := range r.Operations {
		if o.Failed == 0 {
			continue
		}
		var parts []string
		for _, code := range o.ErrorCodes() {
			parts = append(parts, fmt.Sprintf("%s %d", code, o.Errors[code]))
		}
		fmt.Fprintf(w, "%s failed: %s\n", o.Operation, strings.Join(parts, ", "))
		for _, code := range o.ErrorCodes() {
			fmt.Fprintf(w, "  first %s: %s\n", code, o.ErrorSamples[code])
		}
	}
	return nil
}

// CodeOf names a failure: the gateway's error code, a check's code
// (NOT_VALID, NOT_HOLDER_BOUND), TIMEOUT for a request past its timeout,
// TRANSPORT for a connection that failed, else ERROR.
func CodeOf(err error) string {
	var (
		ae *api.Error
		ce *CheckError
		ne net.Error
	)
	switch {
	case errors.As(err, &ae):
		return ae.Code
	case errors.As(err, &ce):
		return ce.Code
	case errors.Is(err, context.DeadlineExceeded):
		return "TIMEOUT"
	case errors.As(err, &ne):
		return "TRANSPORT"
	}
	return "ERROR"
}
