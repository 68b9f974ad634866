package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/network"
)

// clientOptions are the flags of the gateway client commands.
type clientOptions struct {
	net    *networkOptions
	url    string
	key    string
	as     string
	asJSON bool
}

func (o *clientOptions) register(c *cobra.Command) {
	f := c.PersistentFlags()
	f.StringVar(&o.url, "url", os.Getenv("WANLEDGER_URL"), "gateway URL ($WANLEDGER_URL)")
	f.StringVar(&o.key, "key", os.Getenv("WANLEDGER_KEY"), "API key ($WANLEDGER_KEY)")
	f.StringVar(&o.as, "as", "", "ORG/ROLE: use that demo key of the local run directory, e.g. hefei/issuer")
	f.BoolVar(&o.asJSON, "json", false, "print the answer as JSON")
}

// client resolves the gateway and key: --as from the run directory's demo
// keys, else --url and --key.
func (o *clientOptions) client() (*apiclient.Client, error) {
	if o.as != "" {
		org, role, ok := strings.Cut(o.as, "/")
		if !ok {
			return nil, fmt.Errorf("--as wants ORG/ROLE, e.g. hefei/issuer")
		}
		home := o.net.home
		if home == "" {
			h, err := network.DefaultHome()
			if err != nil {
				return nil, err
			}
			home = h
		}
		k, err := network.Home(home).DemoKey(org, role)
		if err != nil {
			return nil, err
		}
		return apiclient.New(k.Gateway, k.Key), nil
	}
	if o.url == "" || o.key == "" {
		return nil, errors.New("give --url and --key (or $WANLEDGER_URL and $WANLEDGER_KEY), or --as ORG/ROLE")
	}
	return apiclient.New(strings.TrimRight(o.url, "/"), o.key), nil
}

// call runs one request and prints its answer.
func (o *clientOptions) call(cmd *cobra.Command, method, path string, body any) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	var out json.RawMessage
	if err := c.Do(cmd.Context(), method, path, body, &out); err != nil {
		return err
	}
	return o.print(cmd.OutOrStdout(), out)
}

func (o *clientOptions) print(w io.Writer, raw json.RawMessage) error {
	if o.asJSON {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return printHuman(w, raw)
}

// printHuman prints an answer as tables: its envelope (height, transaction)
// first, then its data: a list of rows or a record of fields.
func printHuman(w io.Writer, raw json.RawMessage) error {
	var top map[string]any
	if err := json.Unmarshal(raw, &top); err != nil {
		_, err := fmt.Fprintln(w, string(raw))
		return err
	}
	if _, ok := top["checks"]; ok {
		return printVerdict(w, raw)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	data, hasData := top["data"]
	if !hasData {
		data = top // a verdict, for one, has no envelope
	}
	for _, k := range []string{"blockHeight", "source", "txId", "blockNumber"} {
		if v, ok := top[k]; ok && hasData {
			fmt.Fprintf(tw, "%s:\t%v\n", k, v)
		}
	}
	switch d := data.(type) {
	case map[string]any:
		if items, ok := d["items"].([]any); ok {
			printRows(tw, items)
			if b, _ := d["bookmark"].(string); b != "" {
				fmt.Fprintf(tw, "next page: --cursor '%s'\n", b)
			}
		} else {
			printRecord(tw, d)
		}
	case []any:
		printRows(tw, d)
	default:
		fmt.Fprintf(tw, "%v\n", d)
	}
	return tw.Flush()
}

// printVerdict prints a verification's verdict and its reasons.
func printVerdict(w io.Writer, raw json.RawMessage) error {
	var v struct {
		LicenceID   string `json:"licenceId"`
		Valid       bool   `json:"valid"`
		Status      string `json:"status"`
		At          string `json:"at"`
		BlockHeight uint64 `json:"blockHeight"`
		Source      string `json:"source"`
		Stale       bool   `json:"stale"`
		Checks      []struct {
			Name   string `json:"name"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	verdict := "VALID"
	if !v.Valid {
		verdict = "NOT VALID"
	}
	fmt.Fprintf(w, "%s %s at %s (status %s; block height %d, %s", v.LicenceID, verdict, v.At, cell(v.Status), v.BlockHeight, v.Source)
	if v.Stale {
		fmt.Fprint(w, ", STALE")
	}
	fmt.Fprintln(w, ")")
	for _, c := range v.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		if c.Detail != "" {
			fmt.Fprintf(w, "  %s %s: %s\n", mark, c.Name, c.Detail)
		} else {
			fmt.Fprintf(w, "  %s %s\n", mark, c.Name)
		}
	}
	return nil
}

func printRecord(tw io.Writer, m map[string]any) {
	for _, k := range sortedKeys(m) {
		fmt.Fprintf(tw, "%s:\t%s\n", k, cell(m[k]))
	}
}

// printRows prints a list of objects with their scalar fields as columns.
func printRows(tw io.Writer, items []any) {
	if len(items) == 0 {
		fmt.Fprintln(tw, "(none)")
		return
	}
	first, ok := items[0].(map[string]any)
	if !ok {
		for _, it := range items {
			fmt.Fprintln(tw, cell(it))
		}
		return
	}
	var cols []string
	for _, k := range sortedKeys(first) {
		if _, nested := first[k].(map[string]any); !nested {
			if _, list := first[k].([]any); !list {
				cols = append(cols, k)
			}
		}
	}
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(cols, "\t")))
	for _, it := range items {
		m, _ := it.(map[string]any)
		var row []string
		for _, c := range cols {
			row = append(row, cell(m[c]))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// cell renders a value in one line, shortening long ones.
func cell(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "-"
	case string:
		if x == "" {
			return "-"
		}
		s = x
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		s = string(b)
	default:
		s = fmt.Sprint(x)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// readJSONFile reads a request body from a file ("-" for standard input).
func readJSONFile(cmd *cobra.Command, path string) (json.RawMessage, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(cmd.InOrStdin())
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("%s is not JSON", path)
	}
	return b, nil
}

func pathEscape(s string) string { return url.PathEscape(s) }

func query(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// newClientCommands builds licence, verify, share, audit and handoff.
func newClientCommands(net *networkOptions) []*cobra.Command {
	o := &clientOptions{net: net}
	licence := &cobra.Command{Use: "licence", Short: "E-licences, through a gateway"}
	o.register(licence)
	var fresh bool
	get := &cobra.Command{Use: "get ID", Short: "Show a licence", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return o.call(cmd, http.MethodGet, "/v1/licences/"+pathEscape(a[0])+query("fresh", boolArg(fresh)), nil)
		}}
	get.Flags().BoolVar(&fresh, "fresh", false, "read the ledger, not the gateway's cache")
	var at string
	status := &cobra.Command{Use: "status ID", Short: "A licence's status at a time", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return o.call(cmd, http.MethodGet, "/v1/licences/"+pathEscape(a[0])+"/status"+query("at", at), nil)
		}}
	status.Flags().StringVar(&at, "at", "", "RFC 3339 time (default now)")
	history := &cobra.Command{Use: "history ID", Short: "Every version of a licence", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return o.call(cmd, http.MethodGet, "/v1/licences/"+pathEscape(a[0])+"/history", nil)
		}}
	list := o.queryCommand("list", "Licences of a holder or an issuing agency", "/v1/licences",
		param{name: "holder", usage: "holder pseudonym"}, param{name: "issuer", usage: "issuing agency ID"})
	var r reasonFlags
	var effectiveAt string
	change := func(action string) *cobra.Command {
		c := &cobra.Command{Use: action + " ID", Short: strings.ToUpper(action[:1]) + action[1:] + " a licence", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, a []string) error {
				body := r.body()
				if effectiveAt != "" {
					body["effectiveAt"] = effectiveAt
				}
				return o.call(cmd, http.MethodPost, "/v1/licences/"+pathEscape(a[0])+"/"+action, body)
			}}
		r.add(c)
		if action == "revoke" {
			c.Flags().StringVar(&effectiveAt, "effective-at", "", "RFC 3339: invalid since (past or now, never future)")
		}
		return c
	}
	licence.AddCommand(get, status, history, list, o.issueCommand(), o.renewCommand(), change("suspend"), change("reinstate"), change("revoke"))

	var fields []string
	var cred credentialFlags
	verify := &cobra.Command{Use: "verify ID", Short: "Verify a licence, with disclosed fields NAME=VALUE:SALT or from a holder's credential file", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			req := map[string]any{"licenceId": a[0]}
			disclosed, err := cred.disclosed(a[0], len(fields) > 0)
			if err != nil {
				return err
			}
			for _, f := range fields {
				name, rest, ok1 := strings.Cut(f, "=")
				i := strings.LastIndexByte(rest, ':')
				if !ok1 || i < 0 {
					return fmt.Errorf("--field %q: want NAME=VALUE:SALT", f)
				}
				disclosed = append(disclosed, map[string]string{"name": name, "value": rest[:i], "salt": rest[i+1:]})
			}
			if len(disclosed) > 0 {
				req["disclosed"] = disclosed
			}
			if at != "" {
				req["at"] = at
			}
			return o.call(cmd, http.MethodPost, "/v1/verify"+query("fresh", boolArg(fresh)), req)
		}}
	o.register(verify)
	verify.Flags().StringArrayVar(&fields, "field", nil, "a disclosed field NAME=VALUE:SALT (repeatable)")
	cred.register(verify)
	verify.Flags().StringVar(&at, "at", "", "RFC 3339 time to judge at (default now)")
	verify.Flags().BoolVar(&fresh, "fresh", false, "read the ledger, not the gateway's cache")

	return []*cobra.Command{licence, verify, o.shareCommands(), o.auditCommands(), o.handoffCommands(), newSealCommand()}
}

// param is a query parameter of a listing, set by the flag of its name.
type param struct {
	name, usage, def string
	required         bool
}

// queryCommand GETs path with its parameters and the paging flags --limit
// and --cursor as the query.
func (o *clientOptions) queryCommand(use, short, path string, params ...param) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var kv []string
			for _, name := range append(paramNames(params), "limit", "cursor") {
				v, err := cmd.Flags().GetString(name)
				if err != nil {
					return err
				}
				kv = append(kv, name, v)
			}
			return o.call(cmd, http.MethodGet, path+query(kv...), nil)
		}}
	for _, p := range params {
		c.Flags().String(p.name, p.def, p.usage)
		if p.required {
			c.MarkFlagRequired(p.name) //nolint:errcheck // the flag exists
		}
	}
	c.Flags().String("limit", "", "page size")
	c.Flags().String("cursor", "", "the next page's cursor")
	return c
}

func paramNames(params []param) []string {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.name
	}
	return names
}

func boolArg(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// fileCommand posts a JSON file to path.
func (o *clientOptions) fileCommand(use, short, path string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			body, err := readJSONFile(cmd, a[0])
			if err != nil {
				return err
			}
			return o.call(cmd, http.MethodPost, path, body)
		}}
}

// getCommand shows the object at prefix + ID.
func (o *clientOptions) getCommand(use, short, prefix string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return o.call(cmd, http.MethodGet, prefix+pathEscape(a[0]), nil)
		}}
}
