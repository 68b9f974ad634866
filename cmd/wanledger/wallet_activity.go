package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/internal/presentation"
	"github.com/wanledger/wanledger/internal/wallet"
)

// gatewayActivity is one gateway's answer to the holder.
type gatewayActivity struct {
	URL string `json:"url"`
	api.HolderActivity
}

// newWalletActivity is `wallet activity`: who verified the holder's
// licences and who accessed data about them, asked of each gateway with a
// challenge signed by the holder's key (no API key).
func newWalletActivity(open func() (*wallet.Wallet, error), asJSON *bool) *cobra.Command {
	var urls []string
	c := &cobra.Command{Use: "activity [ID...] --url GATEWAY...", Short: "Who verified your licences and who accessed data about you, as each gateway logs it (signed with the holder key)",
		Long: `Asks each gateway (--url, repeatable) for a challenge, signs it with the wallet's holder key, and
lists the presentations of the licences (default: every licence in the wallet) that gateway verified,
and the ledger's accesses and denials of data about their holder pseudonyms. Each verifying gateway
keeps its own log (docs/adr/0019-who-verified-log.md): ask every gateway you presented to.`,
		RunE: func(cmd *cobra.Command, ids []string) error {
			if len(urls) == 0 {
				return usagef("give at least one --url GATEWAY")
			}
			wl, err := open()
			if err != nil {
				return err
			}
			key, err := wl.Key()
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				cs, err := wl.List()
				if err != nil {
					return err
				}
				for _, c := range cs {
					ids = append(ids, c.Content.ID)
				}
			}
			if len(ids) == 0 {
				return usagef("the wallet holds no licence")
			}
			var out []gatewayActivity
			for _, u := range urls {
				base, err := gatewayURL(u)
				if err != nil {
					return err
				}
				c := apiclient.New(base, "")
				ch, err := c.HolderChallenge(cmd.Context())
				if err != nil {
					return err
				}
				sig, err := presentation.SignActivity(key, ch.Challenge, ch.Audience, ids)
				if err != nil {
					return err
				}
				a, err := c.HolderActivity(cmd.Context(), api.HolderActivityRequest{Challenge: ch.Challenge, PublicKey: key.Public().Hex(),
					Signature: hex.EncodeToString(sig), Licences: ids})
				if err != nil {
					return err
				}
				out = append(out, gatewayActivity{URL: base, HolderActivity: *a})
			}
			if *asJSON {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			for _, a := range out {
				printActivity(cmd.OutOrStdout(), a)
			}
			return nil
		}}
	c.Flags().StringArrayVar(&urls, "url", nil, "a gateway's URL (repeatable)")
	return c
}

// purposeCell is a verification's purpose code with its labels, if any.
func purposeCell(v api.VerificationEntry) string {
	if v.PurposeZh == "" && v.PurposeEn == "" {
		return cell(v.Purpose)
	}
	return fmt.Sprintf("%s (%s / %s)", v.Purpose, v.PurposeZh, v.PurposeEn)
}

func printActivity(w io.Writer, a gatewayActivity) {
	fmt.Fprintf(w, "%s: %d verifications, %d accesses\n", a.URL, len(a.Verifications), len(a.Accesses))
	for _, v := range a.Verifications {
		fmt.Fprintf(w, "  verified %s  %s by %s (%s) for %s, purpose %s: %s\n", v.At.Format(time.RFC3339), v.LicenceID, v.VerifierMSP, v.Verifier, v.Audience, purposeCell(v), v.Outcome)
	}
	for _, r := range a.Accesses {
		fmt.Fprintf(w, "  %-8s %s  %s of %s's %s, purpose %s\n", r.Kind, r.At.Format(time.RFC3339), r.Requester, r.Owner, r.DatasetID, r.Purpose)
	}
}
