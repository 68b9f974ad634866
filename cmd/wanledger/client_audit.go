package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/hashlist"
)

// bodyCheck is one body held against an access record's digest: where the
// body came from (a file, or the record's own signed request), the digest
// the record holds ("" if none), the one computed here, and whether they
// match.
type bodyCheck struct {
	From              string `json:"from" doc:"file, or record: the record's own signed request"`
	Recorded          string `json:"recorded" doc:"the record's digest, hex; empty if it holds none"`
	Computed          string `json:"computed,omitempty" doc:"the digest computed here, hex"`
	SignatureVerified *bool  `json:"signatureVerified,omitempty" doc:"from record: whether the signed request's signature verifies with its certificate"`
	Matches           bool   `json:"matches" doc:"the digests are equal (and, from record, the signature verifies)"`
	Problem           string `json:"problem,omitempty" doc:"why it does not match, beyond the digests"`
}

// accessCheck is audit verify's answer. A body not given is absent.
type accessCheck struct {
	AccessID    string     `json:"accessId"`
	Kind        string     `json:"kind" doc:"access or denial"`
	Reason      string     `json:"reason,omitempty" doc:"a denial's code"`
	BlockHeight uint64     `json:"blockHeight" doc:"the height the record was read at"`
	Request     *bodyCheck `json:"request,omitempty"`
	Response    *bodyCheck `json:"response,omitempty"`
	Matches     bool       `json:"matches" doc:"every body given matches"`
}

// auditVerifyCommand checks bodies against an access record: it reads the
// record through the gateway (GET /v1/accesses/{id}) and computes the
// digests here, streaming each file, so a body of any size can be checked.
func (o *clientOptions) auditVerifyCommand() *cobra.Command {
	var accessID, reqFile, respFile string
	var fromRecord bool
	c := &cobra.Command{Use: "verify --access ID [--request FILE | --request-from-record] [--response FILE]",
		Short: "Check bodies against an access record's digests, computed here (any size): the request's SM3, the response's SM3 hash list; exit 1 if one given does not match",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case accessID == "":
				return usagef("--access is required: the access record's ID")
			case reqFile != "" && fromRecord:
				return usagef("give --request or --request-from-record, not both")
			case reqFile == "" && !fromRecord && respFile == "":
				return usagef("give --request FILE, --request-from-record or --response FILE")
			case reqFile == "-" && respFile == "-":
				return usagef("only one of --request and --response can be standard input")
			}
			var req, resp io.ReadCloser
			for _, f := range []struct {
				path string
				to   *io.ReadCloser
			}{{reqFile, &req}, {respFile, &resp}} {
				if f.path == "" {
					continue
				}
				r, err := openInput(cmd, f.path)
				if err != nil {
					return err
				}
				defer r.Close()
				*f.to = r
			}
			cl, err := o.client()
			if err != nil {
				return err
			}
			return o.checkAccess(cmd, cl, accessID, req, resp, fromRecord)
		}}
	fl := c.Flags()
	fl.StringVar(&accessID, "access", "", "the access record's ID (required)")
	fl.StringVar(&reqFile, "request", "", "a file of the request's bytes (the canonical signed request), '-' for standard input")
	fl.BoolVar(&fromRecord, "request-from-record", false, "check the record's own signed request: its signature verifies and its canonical bytes hash to the request digest")
	fl.StringVar(&respFile, "response", "", "a file of the response's bytes (fetch --raw's output), '-' for standard input")
	return c
}

// checkAccess reads the record and checks each body given against it,
// and prints the outcome; a mismatch is exit 1.
func (o *clientOptions) checkAccess(cmd *cobra.Command, c *apiclient.Client, id string, req, resp io.Reader, fromRecord bool) error {
	read, err := c.Access(cmd.Context(), id)
	if err != nil {
		return err
	}
	rec := read.Data
	if rec == nil {
		return fmt.Errorf("the gateway's answer holds no access record")
	}
	v := &accessCheck{AccessID: rec.ID, Kind: rec.Kind, Reason: rec.Reason, BlockHeight: read.BlockHeight}
	switch {
	case fromRecord:
		v.Request = signedRequestCheck(rec)
	case req != nil:
		h := gm.NewSM3()
		if v.Request, err = fileCheck(req, h, func() []byte { return h.Sum(nil) }, rec.RequestDigest); err != nil {
			return err
		}
	}
	if resp != nil {
		h := hashlist.New()
		if v.Response, err = fileCheck(resp, h, func() []byte { d := h.Sum(); return d[:] }, rec.ResponseDigest); err != nil {
			return err
		}
		if rec.Kind == record.KindDenial {
			v.Response.Matches, v.Response.Problem = false, "the record is a denial: no response was sent"
		}
	}
	v.Matches = (v.Request == nil || v.Request.Matches) && (v.Response == nil || v.Response.Matches)
	if o.asJSON {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), string(b))
	} else {
		printAccessCheck(cmd.OutOrStdout(), v, rec)
	}
	if !v.Matches {
		return &exitErr{code: exitError, err: fmt.Errorf("a body given does not match access record %s", rec.ID), printed: true}
	}
	return nil
}

// fileCheck hashes r, streamed (any size), into h, whose digest is sum,
// and compares the digest with the recorded one.
func fileCheck(r io.Reader, h io.Writer, sum func() []byte, recorded string) (*bodyCheck, error) {
	if _, err := io.Copy(h, r); err != nil {
		return nil, usageErr(fmt.Errorf("cannot read input file: %w", err))
	}
	b := &bodyCheck{From: "file", Recorded: recorded, Computed: hex.EncodeToString(sum())}
	b.Matches = recorded != "" && b.Computed == recorded
	if recorded == "" {
		b.Problem = "the record holds no digest of this body"
	}
	return b, nil
}

// signedRequestCheck checks the record's own signed request: its signature
// verifies with its certificate, and its canonical bytes hash to the
// record's request digest.
func signedRequestCheck(rec *record.AccessRecord) *bodyCheck {
	b := &bodyCheck{From: "record", Recorded: rec.RequestDigest}
	if rec.Signed == nil {
		b.Problem = "the record holds no signed request (a denial keeps only its digest)"
		return b
	}
	_, err := rec.Signed.Verify()
	ok := err == nil
	b.SignatureVerified = &ok
	if err != nil {
		b.Problem = "the signed request does not verify: " + err.Error()
	}
	if b.Computed, err = rec.Signed.Digest(); err != nil {
		b.Problem = "the signed request has no canonical bytes: " + err.Error()
	}
	b.Matches = ok && b.Computed != "" && b.Computed == rec.RequestDigest
	return b
}

// printAccessCheck prints the check for a person: each body's outcome,
// the record's digest beside the computed one.
func printAccessCheck(w io.Writer, v *accessCheck, rec *record.AccessRecord) {
	fmt.Fprintf(w, "access record %s (block height %d)\n", v.AccessID, v.BlockHeight)
	if v.Kind == record.KindDenial {
		fmt.Fprintf(w, "kind:      denial (%s): the access was refused, no response was sent\n", v.Reason)
	} else {
		fmt.Fprintf(w, "kind:      %s of %s by %s, dataset %s, recorded by %s\n", v.Kind, strings.Join(rec.Fields, ","), rec.Requester, rec.DatasetID, rec.RecordedBy)
	}
	for _, b := range []struct {
		name     string
		check    *bodyCheck
		recorded string
	}{{"request", v.Request, rec.RequestDigest}, {"response", v.Response, rec.ResponseDigest}} {
		if b.check == nil {
			fmt.Fprintf(w, "%-9s  not given\n", b.name+":")
			fmt.Fprintf(w, "  recorded  %s\n", orNone(b.recorded, rec.Kind))
			continue
		}
		outcome := "match"
		if !b.check.Matches {
			outcome = "NO MATCH"
		}
		from := "the file given"
		if b.check.From == "record" {
			from = "the record's signed request"
			if b.check.SignatureVerified != nil && *b.check.SignatureVerified {
				from += ", its signature verifies"
			}
		}
		fmt.Fprintf(w, "%-9s  %s (%s)\n", b.name+":", outcome, from)
		fmt.Fprintf(w, "  recorded  %s\n", orNone(b.check.Recorded, rec.Kind))
		fmt.Fprintf(w, "  computed  %s\n", orNone(b.check.Computed, ""))
		if b.check.Problem != "" {
			fmt.Fprintf(w, "  %s\n", b.check.Problem)
		}
	}
}

// orNone is a digest, or what stands for its absence.
func orNone(d, kind string) string {
	switch {
	case d != "":
		return d
	case kind == record.KindDenial:
		return "none (a denial)"
	}
	return "none"
}
