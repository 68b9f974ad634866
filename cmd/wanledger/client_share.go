package main

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
)

func (o *clientOptions) shareCommands() *cobra.Command {
	c := &cobra.Command{Use: "share", Short: "Datasets, data-sharing authorizations and refusals, through a gateway"}
	o.register(c)
	var r reasonFlags
	list := pageCommand(o, "list", "Authorizations by --owner or --requester", []param{{name: "owner", usage: "owner MSP ID"}, {name: "requester", usage: "requester MSP ID"}},
		func(ctx context.Context, c *apiclient.Client, v map[string]string, p apiclient.Paging) (*api.Read[record.Page[*record.Authorization]], error) {
			if (v["owner"] == "") == (v["requester"] == "") {
				return nil, usagef("give exactly one of --owner and --requester")
			}
			return c.Authorizations(ctx, v["owner"], v["requester"], p)
		})
	revoke := &cobra.Command{Use: "revoke ID", Short: "Revoke an authorization", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) {
				return c.RevokeAuthorization(ctx, a[0], r.request())
			})
		}}
	r.add(revoke)
	datasets := pageCommand(o, "datasets", "Registered datasets", nil,
		func(ctx context.Context, c *apiclient.Client, _ map[string]string, p apiclient.Paging) (*api.Read[record.Page[record.Dataset]], error) {
			return c.Datasets(ctx, p)
		})
	c.AddCommand(
		fileCommand(o, "register-dataset FILE", "Register a dataset of your organisation (JSON: id, fields, description)", (*apiclient.Client).RegisterDataset),
		getCommand(o, "dataset ID", "Show a dataset", (*apiclient.Client).Dataset),
		datasets,
		fileCommand(o, "grant FILE", "Grant an authorization on a dataset your organisation registered (JSON authorization request)", (*apiclient.Client).GrantAuthorization),
		fileCommand(o, "deny FILE", "Record a refused access (JSON denial)", (*apiclient.Client).RecordDenial),
		getCommand(o, "get ID", "Show an authorization", (*apiclient.Client).Authorization),
		list, revoke)
	return c
}

// traceDimensions are audit trace's --by values.
var traceDimensions = []string{"dataset", "requester", "owner", "subject", "authorization", "time"}

func (o *clientOptions) auditCommands() *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "The access trail, through a gateway"}
	o.register(c)
	trace := pageCommand(o, "trace", "Accesses and denials by one dimension (--by, --value) in a time window",
		[]param{
			{name: "by", usage: "dataset, requester, owner, subject, authorization or time", required: true},
			{name: "value", usage: "the dimension's value: a dataset ID, MSP ID, holder pseudonym or authorization ID (none for --by time)"},
			{name: "from", usage: "RFC 3339 start of the window"},
			{name: "to", usage: "RFC 3339 end of the window (exclusive)"},
		},
		func(ctx context.Context, c *apiclient.Client, v map[string]string, p apiclient.Paging) (*api.Read[record.Page[*record.AccessRecord]], error) {
			switch by := v["by"]; {
			case !slices.Contains(traceDimensions, by):
				return nil, usagef("--by %q: want one of %s", by, strings.Join(traceDimensions, ", "))
			case by != "time" && v["value"] == "":
				return nil, usagef("--by %s needs --value", by)
			}
			from, err := parseTime("from", v["from"])
			if err != nil {
				return nil, err
			}
			to, err := parseTime("to", v["to"])
			if err != nil {
				return nil, err
			}
			return c.Trace(ctx, apiclient.TraceQuery{By: v["by"], Value: v["value"], From: from, To: to}, p)
		})
	c.AddCommand(trace, o.auditVerifyCommand(), o.auditReportCommand(), o.auditCheckReportCommand())
	return c
}

func (o *clientOptions) handoffCommands() *cobra.Command {
	c := &cobra.Command{Use: "handoff", Short: "Cross-region service handoffs, through a gateway"}
	o.register(c)
	list := pageCommand(o, "list", "An organisation's handoffs in a status",
		[]param{{name: "org", usage: "MSP ID", required: true}, {name: "status", usage: "open, accepted, rejected, in-progress, completed or cancelled", def: "open"}},
		func(ctx context.Context, c *apiclient.Client, v map[string]string, p apiclient.Paging) (*api.Read[record.Page[record.HandoffView]], error) {
			return c.Handoffs(ctx, v["org"], v["status"], p)
		})
	c.AddCommand(fileCommand(o, "open FILE", "Open a handoff (JSON handoff request)", (*apiclient.Client).OpenHandoff),
		getCommand(o, "get ID", "Show a handoff", (*apiclient.Client).Handoff), list)
	for _, action := range []string{"accept", "reject", "start", "complete", "cancel"} {
		var r reasonFlags
		var result string
		m := &cobra.Command{Use: action + " ID", Short: strings.ToUpper(action[:1]) + action[1:] + " a handoff", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, a []string) error {
				move := api.HandoffMove{Reason: r.code, ReasonText: r.text, ResultDigest: result}
				return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) {
					return c.MoveHandoff(ctx, a[0], action, move)
				})
			}}
		switch action {
		case "reject", "cancel":
			r.add(m)
		case "complete":
			m.Flags().StringVar(&result, "result", "", "SM3 digest of the result, hex (required)")
			m.MarkFlagRequired("result") //nolint:errcheck // the flag exists
		}
		c.AddCommand(m)
	}
	return c
}
