package main

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api/apiclient"
)

// dataCommands import, list and delete the rows of the organisation's
// datasets that its gateway keeps.
func (o *clientOptions) dataCommands() *cobra.Command {
	c := &cobra.Command{Use: "data", Short: "Rows of your organisation's datasets, kept encrypted at its gateway"}
	o.register(c)
	var dataset string
	imp := &cobra.Command{Use: "import --dataset ID FILE.csv|FILE.jsonl",
		Short: "Replace a dataset's rows at the gateway with a CSV (header row of field names) or JSON-lines file; an optional _subject column holds subject pseudonyms",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			if dataset == "" {
				return usagef("--dataset is required")
			}
			var ct string
			switch strings.ToLower(filepath.Ext(a[0])) {
			case ".csv":
				ct = "text/csv"
			case ".jsonl", ".ndjson":
				ct = "application/x-ndjson"
			default:
				return usagef("%s: name a .csv or .jsonl file", a[0])
			}
			f, err := openInput(cmd, a[0])
			if err != nil {
				return err
			}
			defer f.Close()
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) {
				return c.ImportRows(ctx, dataset, ct, f)
			})
		}}
	imp.Flags().StringVar(&dataset, "dataset", "", "the dataset's ID, as registered on the ledger")
	list := &cobra.Command{Use: "list", Short: "The datasets whose rows the gateway keeps", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.RowsList(ctx) })
		}}
	del := &cobra.Command{Use: "delete ID", Short: "Delete a dataset's rows at the gateway (its registration stays on the ledger)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) {
				return map[string]string{"deleted": a[0]}, c.DeleteRows(ctx, a[0])
			})
		}}
	c.AddCommand(imp, list, getCommand(o, "info ID", "Describe a dataset's rows at the gateway", (*apiclient.Client).Rows), del)
	return c
}

// meshCommands show and register the gateway's mesh endpoint.
func (o *clientOptions) meshCommands() *cobra.Command {
	c := &cobra.Command{Use: "mesh", Short: "The gateway's libp2p mesh host and the endpoints on the ledger"}
	o.register(c)
	status := &cobra.Command{Use: "status", Short: "The gateway's peer ID and addresses, and every registered endpoint", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.Mesh(ctx) })
		}}
	register := &cobra.Command{Use: "register", Short: "Publish the gateway's peer ID and addresses on the ledger (the organisation's admin key)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.RegisterMesh(ctx) })
		}}
	c.AddCommand(status, register)
	return c
}
