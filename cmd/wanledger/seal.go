package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/internal/issuance"
)

// newSealCommand builds `seal keygen`, which works offline.
func newSealCommand() *cobra.Command {
	seal := &cobra.Command{Use: "seal", Short: "An issuing agency's SM2 seal keys, made locally"}
	var out string
	var asJSON bool
	keygen := &cobra.Command{Use: "keygen", Short: "Make an SM2 seal key: the private key to a new PEM file (mode 0600), its public key in hex to stdout",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := issuance.GenerateSealKey(out)
			if err != nil {
				return err
			}
			if !asJSON {
				fmt.Fprintf(cmd.ErrOrStderr(), "seal key written to %s (keep it secret); register this public key for the agency:\n", out)
			}
			return printKey(cmd.OutOrStdout(), asJSON, out, key.Public().Hex())
		}}
	keygen.Flags().StringVar(&out, "out", "", "the new private key file (PEM); an existing file is never overwritten")
	keygen.Flags().BoolVar(&asJSON, "json", false, `print {"file", "publicKey"} as JSON`)
	keygen.MarkFlagRequired("out") //nolint:errcheck // the flag exists
	seal.AddCommand(keygen)
	return seal
}
