package main

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/internal/snapshot"
	"github.com/wanledger/wanledger/internal/wallet"
)

// newWalletPresent builds `wallet present`.
func newWalletPresent(open func() (*wallet.Wallet, error), asJSON *bool) *cobra.Command {
	var disclose []string
	var nonce, audience, qrFile string
	var qrTerminal, offline, force bool
	c := &cobra.Command{Use: "present ID --nonce N --audience VERIFIER", Short: "Present a licence to a verifier: the chosen fields and a key binding signed by the holder's key, as text and QR code",
		Long: `Prints the compact presentation (docs/credential-format.md) on stdout: the licence reference,
the disclosures of the fields named by --disclose (none if absent), and a key binding signed by
the wallet's holder key over the verifier's nonce, its name (--audience), the time and the digest
of the rest. --qr writes it as a PNG QR code to a new file (--force: over an existing one), --qr-terminal draws it on stderr; a presentation too
large for one QR code is an error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			wl, err := open()
			if err != nil {
				return err
			}
			p, err := wl.Present(args[0], disclose, nonce, audience, time.Now())
			if err != nil {
				return err
			}
			if offline {
				if p, err = withContent(wl, args[0], p); err != nil {
					return err
				}
			}
			if qrFile != "" || qrTerminal {
				code, err := wallet.NewQR(p)
				if err != nil {
					return err
				}
				if qrFile != "" {
					err := code.WritePNG(qrFile, force)
					if errors.Is(err, fs.ErrExist) {
						return usagef("%s: %v", qrFile, errFileExists)
					}
					if err != nil {
						return err
					}
				}
				if qrTerminal {
					if err := code.WriteTerminal(cmd.ErrOrStderr()); err != nil {
						return err
					}
				}
			}
			if *asJSON {
				return writeJSON(cmd.OutOrStdout(), struct {
					Presentation string `json:"presentation"`
				}{p})
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), p)
			return err
		}}
	c.Flags().StringSliceVar(&disclose, "disclose", nil, "the fields to disclose, e.g. name,creditCode (default none: the key binding alone proves the holder)")
	c.Flags().StringVar(&nonce, "nonce", "", "the verifier's nonce (8 to 128 of A-Z a-z 0-9 . _ : / -)")
	c.Flags().StringVar(&audience, "audience", "", "the verifier the presentation is for (1 to 128 of A-Z a-z 0-9 . _ : / -)")
	c.Flags().StringVar(&qrFile, "qr", "", "also write the presentation as a QR code to this new PNG file (mode 0600)")
	c.Flags().BoolVar(&force, "force", false, "with --qr: write over an existing file")
	c.Flags().BoolVar(&qrTerminal, "qr-terminal", false, "also draw the QR code on stderr")
	c.Flags().BoolVar(&offline, "offline", false, "prefix the licence's sealed content, for a verifier with no network (verify --offline)")
	for _, f := range []string{"nonce", "audience"} {
		c.MarkFlagRequired(f) //nolint:errcheck // the flag exists
	}
	return c
}

// withContent is the offline form of a presentation: the credential's
// sealed content, then the presentation (docs/credential-format.md).
func withContent(wl *wallet.Wallet, id, p string) (string, error) {
	c, err := wl.Get(id)
	if err != nil {
		return "", err
	}
	return snapshot.Offline(c, p)
}
