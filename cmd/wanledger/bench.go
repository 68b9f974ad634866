package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/internal/loadgen"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/bench"
)

// benchGOGC is the bench's garbage collector target unless GOGC is set.
// The load generator keeps a heap of a few MiB: at Go's default it
// collects every second or so, and on one core (taskset) each collection's
// mark phase delays the requests due meanwhile, which the open loop counts
// against the system measured. At 800 it collects some eight times less.
const benchGOGC = 800

// quietCollector sets benchGOGC, unless the operator chose GOGC.
func quietCollector() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(benchGOGC)
	}
}

// benchFlags are the flags of `wanledger bench`.
type benchFlags struct {
	org, owner, rate, prefix, acks string
	clients, requests              int
	duration, timeout              time.Duration
	asJSON                         bool
}

func newBench(o *networkOptions) *cobra.Command {
	var f benchFlags
	c := &cobra.Command{Use: "bench OPERATION...",
		Short: "Drive the running network's gateway with a load and report throughput, latency percentiles and failures by code, against Fabric's own write rate",
		Long: `Runs each operation in turn against an organisation's gateway of the network in the run directory
(--home), with its demo keys and the demo's files, under one load: a closed loop of --clients
clients, each sending its next request when its last is answered, or with --rate an open loop
where request i is due at i/rate and timed from then (docs/bench.md). Operations:

` + bench.Describe() + `
With baseline among them, every operation's throughput is also given as a ratio to the
baseline's (ADR 31). Failed requests are counted by code, never retried; the exit code is 0
when the run completed, whatever failed in it.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.bench(cmd, args, f) }}
	fl := c.Flags()
	fl.StringVar(&f.org, "org", "hefei", "the organisation whose gateway and demo keys are used (issuing needs the demo agency's, hefei)")
	fl.StringVar(&f.owner, "owner", "", "fetch: the organisation whose dataset --org's requester fetches, a member of --org's channel (default: its first other member)")
	fl.IntVar(&f.clients, "clients", 64, "clients, each with one request in flight (with --rate: the most requests in flight)")
	fl.StringVar(&f.rate, "rate", "", "an open loop of this many requests a second, e.g. 200/s (also 200, or 12000/m)")
	fl.DurationVar(&f.duration, "duration", 10*time.Second, "how long each operation starts requests")
	fl.IntVar(&f.requests, "requests", 0, "start at most this many requests an operation (0: no limit; revoke in a closed loop needs one)")
	fl.DurationVar(&f.timeout, "timeout", loadgen.DefaultTimeout, "a request not answered within this fails with TIMEOUT")
	fl.StringVar(&f.prefix, "prefix", "", "begin every licence ID and baseline key with this (default bench-<time>)")
	fl.StringVar(&f.acks, "acks", "", "write every acknowledged write to this new file, a JSON object a line: operation, key, txId, block")
	fl.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	return c
}

// parseRate reads --rate: N, N/s or N/m.
func parseRate(s string) (float64, error) {
	n, unit := s, time.Second
	if v, ok := strings.CutSuffix(s, "/s"); ok {
		n = v
	} else if v, ok := strings.CutSuffix(s, "/m"); ok {
		n, unit = v, time.Minute
	}
	r, err := strconv.ParseFloat(n, 64)
	if err != nil || !(r > 0 && r <= 1e6) { // NaN too
		return 0, usagef("--rate %q: want a positive number of requests a second, e.g. 200/s (or N/m)", s)
	}
	return r * float64(time.Second) / float64(unit), nil
}

func (o *networkOptions) bench(cmd *cobra.Command, ops []string, f benchFlags) error {
	quietCollector()
	load := loadgen.Load{Clients: f.clients, Duration: f.duration, Requests: f.requests, Timeout: f.timeout}
	if f.rate != "" {
		r, err := parseRate(f.rate)
		if err != nil {
			return err
		}
		load.Rate = r
	}
	if f.prefix == "" {
		f.prefix = bench.DefaultPrefix(time.Now())
	}
	cfg := bench.Config{Org: f.org, Owner: f.owner, Operations: ops, Load: load, Prefix: f.prefix, Progress: cmd.ErrOrStderr(),
		Deploy: func(ctx context.Context) (bool, error) {
			nw, err := o.open(cmd, false)
			if err != nil {
				return false, err
			}
			nw.Out = cmd.ErrOrStderr()
			return nw.DeployBaseline(ctx)
		}}
	if err := cfg.Validate(); err != nil {
		return usageErr(err)
	}
	home, topo, err := o.resolve(false)
	if err != nil {
		return err
	}
	org, ok := topo.Org(f.org)
	if !ok {
		return usagef("--org %q: no such organisation in %s", f.org, home)
	}
	cfg.Org = org.Name
	if cfg.Owner, err = fetchOwner(topo, org.Name, f.owner); err != nil && slices.Contains(ops, "fetch") {
		return err
	}
	cfg.Home, cfg.RelayLag, cfg.Nodes = network.Home(home), topo.RelayLag, topo.Nodes()
	var acks *os.File
	if f.acks != "" {
		if acks, err = os.OpenFile(f.acks, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
			return usageErr(err)
		}
		defer acks.Close()
	}
	rep, err := bench.Run(cmd.Context(), cfg)
	if rep == nil {
		return err
	}
	if acks != nil {
		err = errors.Join(err, writeAcks(acks, rep))
	}
	if len(rep.Operations) > 0 { // what ran, also when a later operation failed
		out := rep.WriteTable
		if f.asJSON {
			out = rep.WriteJSON
		}
		err = errors.Join(out(cmd.OutOrStdout()), err)
	}
	return err
}

// fetchOwner is the organisation named by --owner, or the first member of
// org's gateway channel after org whose gateway serves it too. It must be
// another organisation on that channel: the bench fetches within one
// channel.
func fetchOwner(topo network.Topology, org, flag string) (string, error) {
	ch := topo.GatewayChannel(org)
	if flag != "" {
		o, ok := topo.Org(flag)
		if !ok || o.Name == org || topo.GatewayChannel(o.Name) != ch {
			return "", usagef("--owner %q: want another organisation whose gateway serves channel %s, as %s's does", flag, ch, org)
		}
		return o.Name, nil
	}
	c, _ := topo.Channel(ch)
	for _, m := range c.Members {
		if m != org && topo.GatewayChannel(m) == ch {
			return m, nil
		}
	}
	return "", usagef("fetch: no other organisation's gateway serves channel %s, as %s's does", ch, org)
}

// writeAcks writes each acknowledged write of the report, a JSON object a
// line, and closes the file.
func writeAcks(f *os.File, rep *bench.Report) error {
	enc := json.NewEncoder(f)
	for _, o := range rep.Operations {
		for _, a := range o.Acks {
			line := struct {
				Operation string `json:"operation"`
				Key       string `json:"key"`
				TxID      string `json:"txId"`
				Block     uint64 `json:"block"`
			}{o.Operation, a.Key, a.TxID, a.Block}
			if err := enc.Encode(line); err != nil {
				return fmt.Errorf("--acks %s: %w", f.Name(), err)
			}
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--acks %s: %w", f.Name(), err)
	}
	return nil
}
