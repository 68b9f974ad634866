package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/issuance"
)

// issueBatch is how many licences one batch request carries (the gateway's
// and the chaincode's maximum).
const issueBatch = 50

// issueFlags are the local secrets and the output directory of `licence issue`.
type issueFlags struct {
	sealKey, provinceSalt, credentials string
}

func (o *clientOptions) issueCommand() *cobra.Command {
	var f issueFlags
	c := &cobra.Command{Use: "issue FILE",
		Short: "Issue licences from clear drafts (one, or a JSON list issued 50 at a time), sealed locally; writes each holder's credential file",
		Long: `Issue licences from clear drafts: a JSON object, or a JSON list of them (docs/issuing.md).
Salts, field digests, the holder pseudonym and the seal signature are computed here; only they go
to the gateway, never a clear value or a citizen ID. Each accepted licence's holder credential
(clear values with their salts) is written to DIR/LICENCE-ID.json, mode 0600.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error { return o.issue(cmd, a[0], f) }}
	c.Flags().StringVar(&f.sealKey, "seal-key", "", "the agency's seal key (PEM, as wanledger seal keygen writes it)")
	c.Flags().StringVar(&f.provinceSalt, "province-salt", "", "the province's holder salt file (hex)")
	c.Flags().StringVar(&f.credentials, "credentials", "", "directory for the holders' credential files")
	for _, name := range []string{"seal-key", "province-salt", "credentials"} {
		c.MarkFlagRequired(name) //nolint:errcheck // the flag exists
	}
	return c
}

// issued is the result of one issued licence.
type issued struct {
	LicenceID   string `json:"licenceId"`
	TxID        string `json:"txId"`
	BlockNumber uint64 `json:"blockNumber"`
	Credential  string `json:"credential"` // the holder's credential file
}

// issue seals every draft locally, then submits them: one alone, a list in
// batches with progress on stderr. A batch's credential files are staged
// before it is submitted and appear once the ledger accepted it.
func (o *clientOptions) issue(cmd *cobra.Command, path string, f issueFlags) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	sealed, list, err := sealDrafts(cmd, c, path, f)
	if err != nil {
		return err
	}
	var results []issued
	for i := 0; i < len(sealed); i += issueBatch {
		chunk := sealed[i:min(i+issueBatch, len(sealed))]
		res, err := submitChunk(cmd, c, chunk, list, f.credentials)
		if err != nil {
			if i > 0 {
				return fmt.Errorf("licences %d-%d (the %d before were issued): %w", i+1, i+len(chunk), i, err)
			}
			return err
		}
		results = append(results, res...)
		if list {
			fmt.Fprintf(cmd.ErrOrStderr(), "issued %d/%d (transaction %s, block %d)\n", len(results), len(sealed), res[0].TxID, res[0].BlockNumber)
		}
	}
	return o.printIssued(cmd.OutOrStdout(), results, list)
}

// sealDrafts reads the drafts and the agency's secrets, checks each draft
// against its type and its seal key against the registered one, and seals
// them all before anything is submitted.
func sealDrafts(cmd *cobra.Command, c *apiclient.Client, path string, f issueFlags) ([]*issuance.Issued, bool, error) {
	body, err := readJSONFile(cmd, path)
	if err != nil {
		return nil, false, err
	}
	drafts, list, err := issuance.ParseDrafts(body)
	if err != nil {
		return nil, false, usagef("%s: %w", path, err)
	}
	key, err := issuance.ReadSealKey(f.sealKey)
	if err != nil {
		return nil, false, usageErr(err)
	}
	salt, err := issuance.ReadProvinceSalt(f.provinceSalt)
	if err != nil {
		return nil, false, usageErr(err)
	}
	if err := credentialsDir(f.credentials); err != nil {
		return nil, false, err
	}
	for _, d := range drafts {
		if _, err := os.Lstat(issuance.CredentialFile(f.credentials, d.ID)); !errors.Is(err, os.ErrNotExist) {
			return nil, false, fmt.Errorf("a credential file of licence %s is in %s already", d.ID, f.credentials)
		}
	}
	recs, err := ledgerRecords(cmd, c, drafts)
	if err != nil {
		return nil, false, err
	}
	out, err := recs.SealAll(drafts, key, salt)
	if err != nil {
		return nil, false, usageErr(err)
	}
	return out, list, nil
}

// ledgerRecords reads the licence types and the seal keys the drafts name
// from the gateway.
func ledgerRecords(cmd *cobra.Command, c *apiclient.Client, drafts []issuance.Draft) (issuance.Records, error) {
	recs := issuance.Records{Types: map[string]*record.LicenceType{}, SealKeys: map[string]*record.SealKey{}}
	types, seals := issuance.Needs(drafts)
	for _, code := range types {
		t, err := c.LicenceType(cmd.Context(), code)
		if err != nil {
			return recs, fmt.Errorf("licence type %s: %w", code, err)
		}
		recs.Types[code] = t.Data
	}
	for _, id := range seals {
		k, err := c.SealKey(cmd.Context(), id, true)
		if err != nil {
			return recs, fmt.Errorf("seal key %s: %w", id, err)
		}
		recs.SealKeys[id] = k.Data
	}
	return recs, nil
}

// credentialsDir makes the credentials directory (mode 0700) if it is
// missing; a path that is not a directory is a usage error.
func credentialsDir(dir string) error {
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return usagef("--credentials %s is not a directory", dir)
	}
	return nil
}

// checkSealKey checks, on the ledger, that the seal key ID names the
// agency's key whose private half is key.
func checkSealKey(cmd *cobra.Command, c *apiclient.Client, keyID, agency string, key *gm.PrivateKey) error {
	k, err := c.SealKey(cmd.Context(), keyID, true)
	if err != nil {
		return fmt.Errorf("seal key %s: %w", keyID, err)
	}
	return issuance.CheckSealKey(k.Data, keyID, agency, key)
}

// submitChunk stages the chunk's credentials, submits it and, once the
// ledger accepted it, gives the credential files their names. A refusal
// removes the staged files; an unknown outcome keeps them.
func submitChunk(cmd *cobra.Command, c *apiclient.Client, chunk []*issuance.Issued, list bool, dir string) ([]issued, error) {
	var staged []*issuance.PendingCredential
	discard := func() {
		for _, p := range staged {
			p.Discard()
		}
	}
	for _, is := range chunk {
		p, err := issuance.StageCredential(dir, is.Credential)
		if err != nil {
			discard()
			return nil, err
		}
		staged = append(staged, p)
	}
	var txID string
	var block uint64
	var err error
	if list {
		reqs := make([]api.IssueRequest, len(chunk))
		for i, is := range chunk {
			reqs[i] = is.Request
		}
		var tx *api.Tx[*record.BatchResult]
		if tx, err = c.IssueBatch(cmd.Context(), reqs); err == nil {
			txID, block = tx.TxID, tx.BlockNumber
		}
	} else {
		var tx *api.Tx[*record.Licence]
		if tx, err = c.Issue(cmd.Context(), chunk[0].Request); err == nil {
			txID, block = tx.TxID, tx.BlockNumber
		}
	}
	var refused *api.Error
	if errors.As(err, &refused) && refused.Status/100 == 4 {
		discard()
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%w; the outcome is unknown: `wanledger licence get %s` tells whether it was issued; the credentials stay as pending files (%s, …)",
			err, chunk[0].Request.Content.ID, staged[0].Pending())
	}
	out := make([]issued, len(chunk))
	for i, p := range staged {
		path, err := p.Commit()
		if err != nil {
			return nil, err
		}
		out[i] = issued{LicenceID: chunk[i].Request.Content.ID, TxID: txID, BlockNumber: block, Credential: path}
	}
	return out, nil
}

// printIssued prints the results: as JSON, an object for one draft and a
// list for a list of them; else a line each.
func (o *clientOptions) printIssued(w io.Writer, results []issued, list bool) error {
	if o.asJSON {
		if !list {
			return writeJSON(w, results[0])
		}
		return writeJSON(w, results)
	}
	for _, r := range results {
		if _, err := fmt.Fprintf(w, "%s issued (transaction %s, block %d); holder credential %s\n", r.LicenceID, r.TxID, r.BlockNumber, r.Credential); err != nil {
			return err
		}
	}
	return nil
}

func (o *clientOptions) renewCommand() *cobra.Command {
	var validTo, sealKey, sealKeyID string
	c := &cobra.Command{Use: "renew ID", Short: "Renew a licence: read it, re-seal its content locally with the new valid-to, submit the seal",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			to, err := time.Parse(time.RFC3339, validTo)
			if err != nil {
				return usagef("--valid-to: want RFC 3339, e.g. 2031-01-01T00:00:00+08:00: %w", err)
			}
			key, err := issuance.ReadSealKey(sealKey)
			if err != nil {
				return usageErr(err)
			}
			c, err := o.client()
			if err != nil {
				return err
			}
			l, err := c.Licence(cmd.Context(), a[0], true)
			if err != nil {
				return err
			}
			req, err := issuance.Renew(l.Data.Content, to, sealKeyID, key)
			if err != nil {
				return err
			}
			if err := checkSealKey(cmd, c, req.SealKeyID, l.Data.AgencyID, key); err != nil {
				return err
			}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.Renew(ctx, a[0], req) })
		}}
	c.Flags().StringVar(&validTo, "valid-to", "", "the new valid-to, RFC 3339, whole seconds")
	c.Flags().StringVar(&sealKey, "seal-key", "", "the seal key to sign with (PEM)")
	c.Flags().StringVar(&sealKeyID, "seal-key-id", "", "its registered ID (default: the key the licence names now)")
	for _, name := range []string{"valid-to", "seal-key"} {
		c.MarkFlagRequired(name) //nolint:errcheck // the flag exists
	}
	return c
}
