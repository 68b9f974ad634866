package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/network"
)

// clientOptions are the flags of the gateway client commands.
type clientOptions struct {
	net    *networkOptions
	url    string
	key    string
	as     string
	asJSON bool
	// given are the --url and --key flags of every command group, to
	// tell whether one was given on the command line.
	given []*pflag.Flag
}

func (o *clientOptions) register(c *cobra.Command) {
	f := c.PersistentFlags()
	f.StringVar(&o.url, "url", os.Getenv("WANLEDGER_URL"), "gateway URL ($WANLEDGER_URL)")
	f.StringVar(&o.key, "key", os.Getenv("WANLEDGER_KEY"), "API key ($WANLEDGER_KEY)")
	f.StringVar(&o.as, "as", "", "ORG/ROLE: use that demo key of the local run directory, e.g. hefei/issuer (not with --url or --key)")
	f.BoolVar(&o.asJSON, "json", false, "print the answer as JSON")
	o.given = append(o.given, f.Lookup("url"), f.Lookup("key"))
}

// urlOrKeyGiven tells whether --url or --key was on the command line.
func (o *clientOptions) urlOrKeyGiven() bool {
	return slices.ContainsFunc(o.given, func(f *pflag.Flag) bool { return f.Changed })
}

// client resolves the gateway and key: --as from the run directory's demo
// keys (never together with --url or --key), else --url and --key.
func (o *clientOptions) client() (*apiclient.Client, error) {
	if o.as != "" {
		return o.demoClient()
	}
	if o.url == "" || o.key == "" {
		return nil, usagef("give --url and --key (or $WANLEDGER_URL and $WANLEDGER_KEY), or --as ORG/ROLE")
	}
	base, err := gatewayURL(o.url)
	if err != nil {
		return nil, err
	}
	return apiclient.New(base, o.key), nil
}

// demoClient is the client of --as ORG/ROLE: a demo role's key of the
// local run directory.
func (o *clientOptions) demoClient() (*apiclient.Client, error) {
	if o.urlOrKeyGiven() {
		return nil, usagef("give --as or --url/--key, not both")
	}
	org, role, ok := strings.Cut(o.as, "/")
	if !ok || org == "" {
		return nil, usagef("--as wants ORG/ROLE, e.g. hefei/issuer")
	}
	if role != keys.RoleAdmin && role != keys.RoleOperator && network.DemoUser(role) == "" {
		return nil, usagef("--as %s: no demo role %q; want admin, operator or one of %s", o.as, role, strings.Join(demoRoleNames(), ", "))
	}
	home, topo, err := o.net.resolve(false)
	if err != nil {
		return nil, err
	}
	if err := network.Home(home).CheckOrg(topo, org); err != nil {
		return nil, usagef("--as %s: %w", o.as, err)
	}
	k, err := network.Home(home).DemoKey(org, role)
	if err != nil {
		return nil, err
	}
	return apiclient.New(k.Gateway, k.Key), nil
}

// demoRoleNames are the roles --as accepts, beside admin and operator.
func demoRoleNames() []string {
	var names []string
	for _, r := range record.Roles {
		if network.DemoUser(string(r)) != "" {
			names = append(names, string(r))
		}
	}
	return names
}

// gatewayURL checks a --url: only scheme://host[:port], with an optional
// trailing slash; a path, query, fragment or user would redirect every
// request. It returns the URL without the slash.
func gatewayURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawPath != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return "", usagef("--url %q: want only http://HOST:PORT or https://HOST:PORT (no path, query or user)", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// run makes the client, runs one typed call and prints its answer.
func run[T any](o *clientOptions, cmd *cobra.Command, f func(*apiclient.Client, context.Context) (T, error)) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	v, err := f(c, cmd.Context())
	if err != nil {
		return err
	}
	return o.show(cmd.OutOrStdout(), v)
}

// show prints a typed answer.
func (o *clientOptions) show(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return o.print(w, b)
}

func (o *clientOptions) print(w io.Writer, raw json.RawMessage) error {
	if o.asJSON {
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			return err
		}
		buf.WriteByte('\n')
		_, err := buf.WriteTo(w)
		return err
	}
	return printHuman(w, raw)
}

// readJSONFile reads a request body from a file ("-" for standard input).
func readJSONFile(cmd *cobra.Command, path string) (json.RawMessage, error) {
	b, err := readInput(cmd, path, 16<<20)
	if err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, usagef("%s is not JSON", path)
	}
	return b, nil
}

// readRequest reads a request of type T from a JSON file, refusing fields T
// does not have.
func readRequest[T any](cmd *cobra.Command, path string) (T, error) {
	var v T
	b, err := readJSONFile(cmd, path)
	if err != nil {
		return v, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, usagef("%s: %v", path, err)
	}
	return v, nil
}

// fileCommand posts the request a JSON file holds.
func fileCommand[Req, Resp any](o *clientOptions, use, short string, f func(*apiclient.Client, context.Context, Req) (Resp, error)) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			req, err := readRequest[Req](cmd, a[0])
			if err != nil {
				return err
			}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (Resp, error) { return f(c, ctx, req) })
		}}
}

// getCommand shows the object of one ID.
func getCommand[Resp any](o *clientOptions, use, short string, f func(*apiclient.Client, context.Context, string) (Resp, error)) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (Resp, error) { return f(c, ctx, a[0]) })
		}}
}

// parseTime reads an optional RFC 3339 flag.
func parseTime(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, usagef("--%s %q: want RFC 3339, e.g. 2026-01-01T00:00:00+08:00", flag, v)
	}
	return t, nil
}

// newClientCommands builds the gateway client commands.
func newClientCommands(net *networkOptions) []*cobra.Command {
	o := &clientOptions{net: net}
	return []*cobra.Command{o.licenceCommands(), o.verifyCommand(), o.registryCommands(), o.whoamiCommand(), o.keysCommands(),
		o.shareCommands(), o.auditCommands(), o.handoffCommands(), newSealCommand(), o.snapshotCommand(),
		o.dataCommands(), o.meshCommands(), o.fetchCommand()}
}

func (o *clientOptions) licenceCommands() *cobra.Command {
	licence := &cobra.Command{Use: "licence", Short: "E-licences, through a gateway"}
	o.register(licence)
	var fresh bool
	get := getCommand(o, "get ID", "Show a licence", func(c *apiclient.Client, ctx context.Context, id string) (*api.LicenceRead[*record.Licence], error) {
		return c.Licence(ctx, id, fresh)
	})
	get.Flags().BoolVar(&fresh, "fresh", false, "read the ledger, not the gateway's cache")
	var at string
	status := &cobra.Command{Use: "status ID", Short: "A licence's status at a time", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			t, err := parseTime("at", at)
			if err != nil {
				return err
			}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.LicenceStatus(ctx, a[0], t) })
		}}
	status.Flags().StringVar(&at, "at", "", "RFC 3339 time (default now)")
	history := getCommand(o, "history ID", "Every version of a licence", (*apiclient.Client).LicenceHistory)
	list := pageCommand(o, "list", "Licences of a holder or an issuing agency", []param{{name: "holder", usage: "holder pseudonym"}, {name: "issuer", usage: "issuing agency ID"}},
		func(ctx context.Context, c *apiclient.Client, v map[string]string, p apiclient.Paging) (*api.Read[record.Page[*record.Licence]], error) {
			if (v["holder"] == "") == (v["issuer"] == "") {
				return nil, usagef("give exactly one of --holder and --issuer")
			}
			return c.Licences(ctx, v["holder"], v["issuer"], p)
		})
	licence.AddCommand(get, status, history, list, o.issueCommand(), o.renewCommand(),
		o.statusChange("suspend"), o.statusChange("reinstate"), o.statusChange("revoke"))
	return licence
}

// statusChange suspends, reinstates or revokes a licence.
func (o *clientOptions) statusChange(action string) *cobra.Command {
	var r reasonFlags
	var effectiveAt string
	c := &cobra.Command{Use: action + " ID", Short: strings.ToUpper(action[:1]) + action[1:] + " a licence", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			at, err := parseTime("effective-at", effectiveAt)
			if err != nil {
				return err
			}
			req := api.StatusChangeRequest{ReasonRequest: r.request(), EffectiveAt: at}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) {
				return c.ChangeStatus(ctx, a[0], action, req)
			})
		}}
	r.add(c)
	if action == "revoke" {
		c.Flags().StringVar(&effectiveAt, "effective-at", "", "RFC 3339: invalid since (past or now, never future)")
	}
	return c
}

func (o *clientOptions) verifyCommand() *cobra.Command {
	var fields []string
	var cred credentialFlags
	var at string
	var fresh bool
	var pres presentationFlags
	var off offlineFlags
	verify := &cobra.Command{Use: "verify ID", Short: "Verify a licence, with disclosed fields NAME=VALUE:SALT or from a holder's credential file, or a holder's --presentation (online, or --offline against a snapshot); exits 3 if NOT VALID", Args: cobra.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, a []string) error {
			if off.file != "" {
				return o.verifyOffline(cmd, a, off, pres, at)
			}
			if pres.text != "" || len(a) == 0 {
				return o.verifyPresentation(cmd, a, pres)
			}
			req := api.VerifyRequest{LicenceID: a[0]}
			disclosed, err := cred.disclosed(a[0], len(fields) > 0)
			if err != nil {
				return err
			}
			req.Disclosed = disclosed
			for _, f := range fields {
				name, rest, ok := strings.Cut(f, "=")
				i := strings.LastIndexByte(rest, ':')
				if !ok || i < 0 || name == "" {
					return usagef("--field %q: want NAME=VALUE:SALT", f)
				}
				req.Disclosed = append(req.Disclosed, api.Disclosure{Name: name, Value: rest[:i], Salt: rest[i+1:]})
			}
			t, err := parseTime("at", at)
			if err != nil {
				return err
			}
			if !t.IsZero() {
				req.At = &t
			}
			c, err := o.client()
			if err != nil {
				return err
			}
			v, err := c.Verify(cmd.Context(), req, fresh)
			if err != nil {
				return err
			}
			if err := o.show(cmd.OutOrStdout(), v); err != nil {
				return err
			}
			if !v.Valid || v.Stale {
				return notValid(v.LicenceID, v.Stale)
			}
			return nil
		}}
	o.register(verify)
	verify.Flags().StringArrayVar(&fields, "field", nil, "a disclosed field NAME=VALUE:SALT (repeatable)")
	cred.register(verify)
	verify.Flags().StringVar(&at, "at", "", "RFC 3339 time to judge at (default now); with --offline, also the time the snapshot's age is taken at")
	verify.Flags().BoolVar(&fresh, "fresh", false, "read the ledger, not the gateway's cache")
	pres.register(o, verify)
	off.register(verify)
	return verify
}

// reasonFlags are --reason CODE and --reason-text TEXT: the gateway puts the
// code and the text's SM3 digest on the ledger, never the text.
type reasonFlags struct{ code, text string }

func (r *reasonFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&r.code, "reason", "", "reason code, from the lists in docs/chaincode.md (required)")
	c.Flags().StringVar(&r.text, "reason-text", "", "free text; only its SM3 digest goes on the ledger, keep the text yourself")
	c.MarkFlagRequired("reason") //nolint:errcheck // the flag exists
}

func (r *reasonFlags) request() api.ReasonRequest {
	return api.ReasonRequest{Reason: r.code, ReasonText: r.text}
}
