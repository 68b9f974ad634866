package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/wallet"
)

// newWalletCommand builds `wallet …`: the holder's key and credentials,
// and presentations made from them, all local.
func newWalletCommand() *cobra.Command {
	var dir string
	var asJSON bool
	open := func() (*wallet.Wallet, error) {
		if dir == "" {
			d, err := wallet.DefaultDir()
			if err != nil {
				return nil, usageErr(err)
			}
			dir = d
		}
		return wallet.Open(dir), nil
	}
	w := &cobra.Command{Use: "wallet", Short: "A licence holder's wallet: the holder's SM2 key, credentials, presentations (local, no gateway)"}
	w.PersistentFlags().StringVar(&dir, "wallet", "", "the wallet directory (default wanledger/wallet under the user's configuration directory)")
	w.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON")

	initCmd := &cobra.Command{Use: "init", Short: "Make the holder's SM2 key (mode 0600; never over an existing one) and print its public key for the issuer",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wl, err := open()
			if err != nil {
				return err
			}
			pub, err := wl.Init()
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "holder key written to %s (keep it secret); give the issuer this public key:\n", wl.KeyFile())
			return printKey(cmd.OutOrStdout(), asJSON, wl.KeyFile(), pub.Hex())
		}}
	keyCmd := &cobra.Command{Use: "key", Short: "Print the holder's public key (hex), which an issuer puts in a draft's holder.publicKey",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wl, err := open()
			if err != nil {
				return err
			}
			key, err := wl.Key()
			if err != nil {
				return err
			}
			return printKey(cmd.OutOrStdout(), asJSON, wl.KeyFile(), key.Public().Hex())
		}}
	importCmd := &cobra.Command{Use: "import FILE", Short: "Check a credential file (issued to this wallet's key) and keep it in the wallet",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wl, err := open()
			if err != nil {
				return err
			}
			c, err := wl.Import(args[0])
			if err != nil {
				return inputErr(args[0], err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), summarise(c))
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "licence %s imported (%d fields)\n", c.Content.ID, len(c.Disclosures))
			return err
		}}
	listCmd := &cobra.Command{Use: "list", Short: "The wallet's licences", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wl, err := open()
			if err != nil {
				return err
			}
			cs, err := wl.List()
			if err != nil {
				return err
			}
			out := make([]licenceSummary, len(cs))
			for i, c := range cs {
				out[i] = summarise(c)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return printSummaries(cmd.OutOrStdout(), out)
		}}
	showCmd := &cobra.Command{Use: "show ID", Short: "A licence in the wallet and its field values (salts are not shown)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wl, err := open()
			if err != nil {
				return err
			}
			c, err := wl.Get(args[0])
			if err != nil {
				return err
			}
			s := summarise(c)
			for _, d := range c.Disclosures {
				s.Values = append(s.Values, fieldValue{d.Name, d.Value})
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), s)
			}
			return printShow(cmd.OutOrStdout(), s)
		}}
	w.AddCommand(initCmd, keyCmd, importCmd, listCmd, showCmd, newWalletPresent(open, &asJSON), newWalletActivity(open, &asJSON))
	return w
}

// licenceSummary is what list and show print of a credential.
type licenceSummary struct {
	LicenceID       string       `json:"licenceId"`
	Type            string       `json:"type"`
	AgencyID        string       `json:"agencyId"`
	Region          string       `json:"region"`
	SealKeyID       string       `json:"sealKeyId"`
	HolderPseudonym string       `json:"holderPseudonym"`
	ValidFrom       time.Time    `json:"validFrom"`
	ValidTo         time.Time    `json:"validTo"`
	Fields          []string     `json:"fields"`
	Values          []fieldValue `json:"values,omitempty"`
}

type fieldValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func summarise(c credential.Credential) licenceSummary {
	k := c.Content
	s := licenceSummary{LicenceID: k.ID, Type: k.Type, AgencyID: k.AgencyID, Region: k.Region, SealKeyID: k.SealKeyID,
		HolderPseudonym: k.HolderPseudonym, ValidFrom: k.ValidFrom, ValidTo: k.ValidTo, Fields: []string{}}
	for _, f := range k.Fields {
		s.Fields = append(s.Fields, f.Name)
	}
	return s
}

func printSummaries(w io.Writer, ls []licenceSummary) error {
	if len(ls) == 0 {
		_, err := fmt.Fprintln(w, "no licences in the wallet")
		return err
	}
	for _, s := range ls {
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\tvalid %s to %s\t%d fields\n", s.LicenceID, s.Type, s.AgencyID, s.Region,
			s.ValidFrom.Format(time.RFC3339), s.ValidTo.Format(time.RFC3339), len(s.Fields)); err != nil {
			return err
		}
	}
	return nil
}

func printShow(w io.Writer, s licenceSummary) error {
	fmt.Fprintf(w, "licence %s (type %s) issued by %s in %s, seal key %s\nvalid %s to %s (as issued; a renewal extends it on the ledger)\nholder %s\n",
		s.LicenceID, s.Type, s.AgencyID, s.Region, s.SealKeyID, s.ValidFrom.Format(time.RFC3339), s.ValidTo.Format(time.RFC3339), s.HolderPseudonym)
	for _, v := range s.Values {
		if _, err := fmt.Fprintf(w, "  %s: %s\n", v.Name, v.Value); err != nil {
			return err
		}
	}
	return nil
}

func printKey(w io.Writer, asJSON bool, file, pub string) error {
	if asJSON {
		return writeJSON(w, struct {
			File      string `json:"file"`
			PublicKey string `json:"publicKey"`
		}{file, pub})
	}
	_, err := fmt.Fprintln(w, pub)
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
