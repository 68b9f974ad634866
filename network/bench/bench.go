// Package bench is `wanledger bench`: it drives a running network's
// gateway with the operations of the project (issuing licences alone and
// in batches, verifying, verifying holders' presentations, suspending and
// revoking, fetching another organisation's data) and with the baseline chaincode's blind write, under a load of
// package loadgen, and reports each one's throughput, latency percentiles
// and failures by code, and its throughput as a ratio to the baseline's
// measured in the same run (ADR 31).
//
// Everything it needs comes from the run directory: the organisation's
// demo API keys (and the data owner's, for fetch), and the demo's seal
// key, province salt, citizen's wallet and credential of licence BL-0001
// (network.SeedDemo).
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/loadgen"
	"github.com/wanledger/wanledger/network"
)

// Config is one run of the bench.
type Config struct {
	Home network.Home
	// Org is the organisation whose gateway and demo keys the operations
	// use; the issuing operations need the demo agency's, Hefei's.
	Org string
	// Owner is the organisation whose dataset the fetch operation fetches,
	// through Org's gateway as Org's requester: another member of the
	// channel Org's gateway serves; the fetch operation needs one.
	Owner string
	// Operations are run one after the other, in this order (Names).
	Operations []string
	Load       loadgen.Load
	// Prefix begins every licence ID and baseline key the run writes.
	Prefix string
	// Deploy defines the baseline chaincode on the channels if it is not
	// (network.DeployBaseline); the baseline operation calls it.
	Deploy func(context.Context) (bool, error)
	// RelayLag, if set, tells how many source blocks the network's relays
	// have yet to carry (network.Topology.RelayLag): before an operation
	// the bench waits until they carried everything.
	RelayLag func(context.Context) (uint64, error)
	// Nodes are the network's processes whose CPU time each operation's
	// report divides by its items (CPUReport); with none, or none running
	// on this machine, the report has no CPU figures.
	Nodes []network.Node
	// Progress receives a line as each step starts and ends.
	Progress io.Writer
	// Observe, if not nil, is told of each timed request of an operation
	// as it ends (loadgen.Options.Observe), for a caller that acts while
	// the load runs, as the fault tests do.
	Observe func(operation string, o loadgen.Outcome)
}

// ErrUsage marks a configuration that cannot run.
var ErrUsage = errors.New("bench")

// Validate checks the configuration before anything is sent; its errors
// wrap ErrUsage.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Operations) == 0 {
		errs = append(errs, fmt.Errorf("name at least one operation: %s", strings.Join(Names(), ", ")))
	}
	for _, name := range c.Operations {
		if !slices.Contains(Names(), name) {
			errs = append(errs, fmt.Errorf("no operation %q: want %s", name, strings.Join(Names(), ", ")))
		}
	}
	if err := c.Load.Validate(); err != nil {
		errs = append(errs, err)
	}
	if slices.Contains(c.Operations, "fetch") && c.Owner == c.Org {
		errs = append(errs, fmt.Errorf("fetch fetches another organisation's data: its owner cannot be %s", c.Org))
	}
	if slices.Contains(c.Operations, "revoke") && c.Load.Planned() == 0 {
		errs = append(errs, errors.New("revoke revokes a licence a request, issued beforehand: give a rate, or a number of requests"))
	}
	if err := record.CheckID("prefix", c.Prefix); err != nil || len(c.Prefix) > MaxPrefix {
		errs = append(errs, fmt.Errorf("prefix %.70q: want 1 to %d of A-Z a-z 0-9 . _ : -", c.Prefix, MaxPrefix))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return nil
}

// MaxPrefix is the longest prefix: an ID is at most 64 characters, and
// "-POS-I" takes up to 16.
const MaxPrefix = 48

// key is the ID of item i of the operation at position pos (from 1) of the
// run: PREFIX-POS-I.
func (c *Config) key(pos, i int) string {
	return c.Prefix + "-" + strconv.Itoa(pos) + "-" + strconv.Itoa(i)
}

// DefaultPrefix is a prefix of its own for a run started at t:
// "bench-" and the time in base 36.
func DefaultPrefix(t time.Time) string { return "bench-" + strconv.FormatInt(t.UnixMilli(), 36) }

// Before each operation the bench waits until the relays carried every
// block (at most maxRelayWait), then settle, for the peers and the
// gateway's cache to take in the last writes.
const (
	settle       = 2 * time.Second
	maxRelayWait = 10 * time.Minute
)

// Run runs each operation in turn and reports them.
func Run(ctx context.Context, c Config) (*Report, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	d, err := c.open()
	if err != nil {
		return nil, err
	}
	rep := newReport(c, d.url)
	for pos, name := range c.Operations {
		fmt.Fprintf(c.Progress, "==> %s: setting up\n", name)
		op, err := operations[name].setup(ctx, d, pos+1)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", name, err)
		}
		if err := d.quiet(ctx); err != nil {
			return rep, err
		}
		idle, start, metered, err := d.idle(ctx)
		if err != nil {
			return rep, err
		}
		fmt.Fprintf(c.Progress, "==> %s: %s\n", name, c.Load)
		opts := loadgen.Options{CodeOf: CodeOf, Producers: op.producers}
		if c.Observe != nil {
			opts.Observe = func(o loadgen.Outcome) { c.Observe(name, o) }
		}
		res := loadgen.Run(ctx, c.Load, op, opts)
		var cpu *CPUReport
		if metered && ctx.Err() == nil {
			if err := d.quiet(ctx); err != nil {
				return rep, err
			}
			end, _ := sampleCPU(c.Home, c.Nodes)
			cpu = cpuSpent(start, end, res.Items, idle)
		}
		rep.add(name, res, cpu)
		fmt.Fprintf(c.Progress, "    %d requests, %.1f %s/s, p99 %.1f ms, %d failed\n", res.Requests, res.ItemsPerSecond(), operations[name].unit, res.Latency.P99, res.Failed)
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	return rep, nil
}

// quiet waits until the relays carried every block, saying so every 10
// s, then settle. A relay that cannot tell, or a wait past maxRelayWait,
// is reported and not waited for.
func (d *deps) quiet(ctx context.Context) error {
	start, said := time.Now(), time.Time{}
	for d.RelayLag != nil {
		lag, err := d.RelayLag(ctx)
		switch {
		case err != nil:
			fmt.Fprintf(d.Progress, "    not waiting for the relays: %v\n", err)
		case lag > 0 && time.Since(start) > maxRelayWait:
			fmt.Fprintf(d.Progress, "    the relays still have %d blocks to carry after %s; going on\n", lag, maxRelayWait)
		case lag > 0:
			if time.Since(said) >= 10*time.Second {
				fmt.Fprintf(d.Progress, "    waiting for the relays to carry %d blocks\n", lag)
				said = time.Now()
			}
			if err := sleep(ctx, time.Second); err != nil {
				return err
			}
			continue
		}
		break
	}
	return sleep(ctx, settle)
}

// idleTime is how long the bench measures the network's idle CPU use
// before each operation.
const idleTime = 5 * time.Second

// idle measures the nodes' CPU use a second over idleTime with no load,
// and returns it with the sample that ends it; metered is false when no
// node runs on this machine.
func (d *deps) idle(ctx context.Context) (rate map[network.Kind]float64, end cpuSample, metered bool, err error) {
	start, ok := sampleCPU(d.Home, d.Nodes)
	if !ok {
		return nil, cpuSample{}, false, nil
	}
	if err := sleep(ctx, idleTime); err != nil {
		return nil, cpuSample{}, false, err
	}
	end, _ = sampleCPU(d.Home, d.Nodes)
	return idleRate(start, end), end, true, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deps are what the operations share: the configuration, and a client of
// the organisation's gateway per demo role.
type deps struct {
	Config
	url     string
	hc      *http.Client
	clients map[string]*apiclient.Client
}

// open reads the organisation's demo keys: one client a role, all over one
// HTTP client that keeps a connection a client alive.
func (c Config) open() (*deps, error) {
	// A connection a client, and one a producer (present has one a client).
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * c.Load.Clients, IdleConnTimeout: time.Minute}}
	d := &deps{Config: c, hc: hc, clients: map[string]*apiclient.Client{}}
	for _, role := range []string{"issuer", "verifier"} {
		cl, err := d.client(c.Org, role)
		if err != nil {
			return nil, err
		}
		d.url, d.clients[role] = cl.URL, cl
	}
	return d, nil
}

// client is a client of org's gateway with its demo key of role.
func (d *deps) client(org, role string) (*apiclient.Client, error) {
	k, err := d.Home.DemoKey(org, role)
	if err != nil {
		return nil, err
	}
	return &apiclient.Client{URL: k.Gateway, Key: k.Key, HTTP: d.hc}, nil
}
