package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/internal/auditreport"
)

// auditReportCommand is `audit report --by D [--value V] [--from] [--to]
// FILE`: save the gateway's signed report of a whole trace.
func (o *clientOptions) auditReportCommand() *cobra.Command {
	var q api.AuditQuery
	var from, to string
	c := &cobra.Command{Use: "report --by DIMENSION [--value V] [--from T] [--to T] FILE",
		Short: "Save the gateway's signed report of a whole trace (at most 10,000 records) to FILE (mode 0644; not overwritten), for audit check-report",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			var err error
			if q.From, err = parseTime("from", from); err != nil {
				return err
			}
			if q.To, err = parseTime("to", to); err != nil {
				return err
			}
			if err := q.Check(); err != nil {
				return usageErr(err)
			}
			cl, err := o.client()
			if err != nil {
				return err
			}
			data, err := cl.AuditReport(cmd.Context(), q)
			if err != nil {
				return err
			}
			if err := createFile(a[0], data); err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "saved %s (%d bytes)\n", a[0], len(data))
			return err
		}}
	fl := c.Flags()
	fl.StringVar(&q.By, "by", "", "dataset, requester, owner, subject, authorization or time (required)")
	fl.StringVar(&q.Key, "value", "", "the dimension's value: a dataset ID, MSP ID, holder pseudonym or authorization ID (none for --by time)")
	fl.StringVar(&from, "from", "", "RFC 3339 start of the window")
	fl.StringVar(&to, "to", "", "RFC 3339 end of the window (exclusive)")
	return c
}

// createFile writes data to a new file, never over one.
func createFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if os.IsExist(err) {
		return usagef("%s: %v", path, errFileExists)
	}
	if err != nil {
		return usageErr(err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// auditCheckReportCommand is `audit check-report FILE --msp ID`: the
// report's signature, by the organisation trusted, then each entry and the
// trace's completeness against the ledger, through the gateway.
func (o *clientOptions) auditCheckReportCommand() *cobra.Command {
	var off offlineFlags
	c := &cobra.Command{Use: "check-report FILE --msp ID [--ca FILE]",
		Short: "Check a signed audit report: its signature by the organisation --msp names, and against the ledger (through the gateway) that every entry is there unchanged and no record of its query below its height is missing; exit 3 if it does not hold",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			if off.msp == "" {
				return usagef("--msp is required: the organisation trusted to sign the report")
			}
			data, err := readInput(cmd, a[0], auditreport.MaxFile)
			if err != nil {
				return err
			}
			trust, err := o.trust(cmd, off)
			if err != nil {
				return usageErr(err)
			}
			p, err := auditreport.Parse(data, auditreport.Trust(trust), time.Now())
			if err != nil {
				return &exitErr{code: exitNotValid, err: fmt.Errorf("report %s refused: %w", a[0], err)}
			}
			cl, err := o.client()
			if err != nil {
				return err
			}
			r, err := auditreport.Check(cmd.Context(), p, clientLedger{cl})
			if err != nil {
				return err
			}
			if o.asJSON {
				if err := writeJSON(cmd.OutOrStdout(), r); err != nil {
					return err
				}
			} else {
				printReportCheck(cmd.OutOrStdout(), p, r)
			}
			if !r.Matches {
				return &exitErr{code: exitNotValid, err: fmt.Errorf("report %s differs from the ledger in %d ways", a[0], len(r.Differences)), printed: true}
			}
			return nil
		}}
	fl := c.Flags()
	fl.StringVar(&off.msp, "msp", "", "the MSP ID of the organisation trusted to sign the report (required; a member of its channel)")
	fl.StringVar(&off.ca, "ca", "", "PEM CA certificate(s) of that organisation (default: its MSP in the run directory's crypto material)")
	return c
}

// clientLedger reads the ledger through a gateway, for a report's check.
type clientLedger struct{ c *apiclient.Client }

func (l clientLedger) Entry(ctx context.Context, id string) (api.AuditEntry, error) {
	e, err := l.c.AuditEntry(ctx, id)
	if ae := (*api.Error)(nil); errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return api.AuditEntry{}, fmt.Errorf("%w: %s", auditreport.ErrNotFound, ae.Message)
	}
	if err != nil {
		return api.AuditEntry{}, err
	}
	return e.Data, nil
}

func (l clientLedger) Trace(ctx context.Context, q api.AuditQuery, max int) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	p := apiclient.Paging{Limit: 200}
	for {
		page, err := l.c.Trace(ctx, apiclient.TraceQuery{By: q.By, Value: q.Key, From: q.From, To: q.To}, p)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Data.Items {
			ids = append(ids, r.ID)
		}
		if len(ids) > max {
			return nil, fmt.Errorf("the query now traces more than %d records", max)
		}
		if p.Cursor = page.Data.Bookmark; p.Cursor == "" || seen[p.Cursor] {
			return ids, nil
		}
		seen[p.Cursor] = true
	}
}

// printReportCheck prints a check for a person: what the report says, who
// signed it, and each difference.
func printReportCheck(w io.Writer, p *auditreport.Parsed, r *auditreport.Result) {
	q := p.Query
	what := "the trail by " + q.By
	if q.Key != "" {
		what += " " + q.Key
	}
	fmt.Fprintf(w, "report:    %s on %s, %d accesses and %d denials, made %s at ledger height %d\n",
		what, p.Channel, p.Accesses, p.Denials, p.GeneratedAt.Format(time.RFC3339), p.LedgerHeight)
	fmt.Fprintf(w, "signed by: %s (%s): the signature verifies\n", r.MSPID, r.Signer)
	if r.Matches {
		fmt.Fprintf(w, "ledger:    all %d entries match; no record of the query below height %d is missing\n", r.Entries, r.LedgerHeight)
		return
	}
	fmt.Fprintf(w, "ledger:    %d DIFFERENCES in %d entries\n", len(r.Differences), r.Entries)
	for _, d := range r.Differences {
		switch d.Problem {
		case auditreport.Changed:
			fmt.Fprintf(w, "  %s  changed: %s differ from the ledger's\n", d.ID, strings.Join(d.Members, ", "))
		case auditreport.Missing:
			fmt.Fprintf(w, "  %s  missing: the ledger holds no such record\n", d.ID)
		case auditreport.Unlisted:
			fmt.Fprintf(w, "  %s  unlisted: the ledger traces it in block %d, below the report's height\n", d.ID, d.Block)
		}
	}
}
