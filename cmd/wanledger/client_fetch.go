package main

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
)

// fetchCommand fetches rows of another organisation's dataset through the
// caller's gateway.
func (o *clientOptions) fetchCommand() *cobra.Command {
	var r api.FetchRequest
	var fields, out string
	var raw bool
	c := &cobra.Command{Use: "fetch --authorization ID --dataset ID --fields a,b --purpose P [--subject S]... [--out FILE]",
		Short: "Fetch rows of another organisation's dataset under an authorization (requester): JSON lines of field→value on stdout, or in a new FILE with --out; the access record's ID and digests on stderr (on stdout with --out)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if r.AuthorizationID == "" || r.DatasetID == "" || fields == "" || r.Purpose == "" {
				return usagef("--authorization, --dataset, --fields and --purpose are required")
			}
			r.Fields = strings.Split(fields, ",")
			ask := record.DataRequest{AuthorizationID: r.AuthorizationID, DatasetID: r.DatasetID, Fields: r.Fields, Purpose: r.Purpose, Subjects: r.Subjects}
			if err := ask.CheckAsked(); err != nil { // as the gateway checks it
				return usagef("%s", strings.TrimPrefix(err.Error(), string(record.CodeOf(err))+": "))
			}
			cl, err := o.client()
			if err != nil {
				return err
			}
			var w, info io.Writer = cmd.OutOrStdout(), cmd.ErrOrStderr()
			var file *os.File
			kept := false
			if out != "" {
				f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if os.IsExist(err) {
					return usagef("%s: %v", out, errFileExists)
				}
				if err != nil {
					return usageErr(err)
				}
				w, info, file = f, cmd.OutOrStdout(), f
				defer func() {
					if !kept { // the file this command created: of no use, and in the way of a retry
						f.Close()      //nolint:errcheck // removed next
						os.Remove(out) //nolint:errcheck // the error reported is the fetch's
					}
				}()
			}
			accept := apiclient.FetchRows
			if raw {
				accept = apiclient.FetchResponse
			}
			got, err := cl.Fetch(cmd.Context(), r, accept, w)
			if err != nil {
				return err
			}
			if file != nil {
				if err := file.Close(); err != nil {
					return err
				}
				kept = true
			}
			return o.show(info, got)
		}}
	o.register(c)
	fl := c.Flags()
	fl.StringVar(&r.AuthorizationID, "authorization", "", "the authorization's ID")
	fl.StringVar(&r.DatasetID, "dataset", "", "the dataset's ID")
	fl.StringVar(&fields, "fields", "", "the fields, comma-separated, in the order of the columns wanted")
	fl.StringVar(&r.Purpose, "purpose", "", "the purpose code")
	fl.StringArrayVar(&r.Subjects, "subject", nil, "a subject pseudonym to restrict the rows to (repeatable)")
	fl.StringVar(&out, "out", "", "write the rows to this new file (mode 0600; not overwritten; removed if the fetch fails)")
	fl.BoolVar(&raw, "raw", false, "the response bytes the access record's digest covers, for an audit's check, instead of JSON lines")
	return c
}
