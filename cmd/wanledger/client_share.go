package main

import (
	"net/http"
	"strings"

	"github.com/spf13/cobra"
)

func (o *clientOptions) shareCommands() *cobra.Command {
	c := &cobra.Command{Use: "share", Short: "Datasets, data-sharing authorizations and accesses, through a gateway"}
	o.register(c)
	var r reasonFlags
	list := o.queryCommand("list", "Authorizations by --owner or --requester", "/v1/authorizations",
		param{name: "owner", usage: "owner MSP ID"}, param{name: "requester", usage: "requester MSP ID"})
	revoke := &cobra.Command{Use: "revoke ID", Short: "Revoke an authorization", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return o.call(cmd, http.MethodPost, "/v1/authorizations/"+pathEscape(a[0])+"/revoke", r.body())
		}}
	r.add(revoke)
	c.AddCommand(
		o.fileCommand("register-dataset FILE", "Register a dataset of your organisation (JSON: id, fields, description)", "/v1/datasets"),
		o.getCommand("dataset ID", "Show a dataset", "/v1/datasets/"),
		o.queryCommand("datasets", "Registered datasets", "/v1/datasets"),
		o.fileCommand("grant FILE", "Grant an authorization on a dataset your organisation registered (JSON)", "/v1/authorizations"),
		o.fileCommand("access FILE", "Record an access (JSON access request)", "/v1/accesses"),
		o.fileCommand("deny FILE", "Record a refused access (JSON denial)", "/v1/denials"),
		o.getCommand("get ID", "Show an authorization", "/v1/authorizations/"),
		list, revoke)
	return c
}

func (o *clientOptions) auditCommands() *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "The access trail, through a gateway"}
	o.register(c)
	trace := o.queryCommand("trace", "Accesses and denials by one dimension in a time window", "/v1/audit/trace",
		param{name: "by", usage: "dataset, requester, owner, subject, authorization or time", required: true},
		param{name: "key", usage: "the dataset ID, MSP ID, pseudonym or authorization ID"},
		param{name: "from", usage: "RFC 3339 start of the window"},
		param{name: "to", usage: "RFC 3339 end of the window (exclusive)"})
	c.AddCommand(trace, o.fileCommand("verify FILE", "Check bodies against an access record (JSON {accessId, request, response})", "/v1/audit/verify"))
	return c
}

func (o *clientOptions) handoffCommands() *cobra.Command {
	c := &cobra.Command{Use: "handoff", Short: "Cross-region service handoffs, through a gateway"}
	o.register(c)
	list := o.queryCommand("list", "An organisation's handoffs in a status", "/v1/handoffs",
		param{name: "org", usage: "MSP ID", required: true},
		param{name: "status", usage: "open, accepted, rejected, in-progress, completed or cancelled", def: "open"})
	c.AddCommand(o.fileCommand("open FILE", "Open a handoff (JSON)", "/v1/handoffs"), o.getCommand("get ID", "Show a handoff", "/v1/handoffs/"), list)
	var r reasonFlags
	var result string
	for _, action := range []string{"accept", "reject", "start", "complete", "cancel"} {
		m := &cobra.Command{Use: action + " ID", Short: strings.ToUpper(action[:1]) + action[1:] + " a handoff", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, a []string) error {
				body := r.body()
				if result != "" {
					body["resultDigest"] = result
				}
				return o.call(cmd, http.MethodPost, "/v1/handoffs/"+pathEscape(a[0])+"/"+action, body)
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

// reasonFlags are --reason CODE and --reason-text TEXT: the gateway puts the
// code and the text's SM3 digest on the ledger, never the text.
type reasonFlags struct{ code, text string }

func (r *reasonFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&r.code, "reason", "", "reason code, from the lists in docs/chaincode.md (required)")
	c.Flags().StringVar(&r.text, "reason-text", "", "free text; only its SM3 digest goes on the ledger, keep the text yourself")
	c.MarkFlagRequired("reason") //nolint:errcheck // the flag exists
}

func (r *reasonFlags) body() map[string]string {
	b := map[string]string{}
	if r.code != "" {
		b["reason"] = r.code
	}
	if r.text != "" {
		b["reasonText"] = r.text
	}
	return b
}
