package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
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
			bases := make([]string, len(urls))
			for i, u := range urls {
				b, err := gatewayURL(u)
				if err != nil {
					return err
				}
				bases[i] = b
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
			var out []any
			failed := 0
			for _, u := range bases {
				a, err := askActivity(cmd, u, key, ids)
				if err != nil {
					failed++
					fmt.Fprintf(cmd.ErrOrStderr(), "wanledger: %s: %s\n", u, errorText(err))
					out = append(out, gatewayFailure{URL: u, Error: errorObjectOf(err)})
					continue
				}
				out = append(out, a)
				if !*asJSON {
					printActivity(cmd.OutOrStdout(), a)
				}
			}
			if *asJSON {
				if err := writeJSON(cmd.OutOrStdout(), out); err != nil {
					return err
				}
			}
			if failed > 0 {
				return &exitErr{code: exitError, err: fmt.Errorf("%d of %d gateways did not answer", failed, len(urls)), printed: true}
			}
			return nil
		}}
	c.Flags().StringArrayVar(&urls, "url", nil, "a gateway's URL (repeatable)")
	return c
}

// gatewayFailure is, in --json, a gateway that did not answer: its URL
// and the error, as --json prints an error.
type gatewayFailure struct {
	URL   string      `json:"url"`
	Error errorObject `json:"error"`
}

// askActivity asks the gateway at base for the holder's activity of the
// licences ids, signing its challenge with key.
func askActivity(cmd *cobra.Command, base string, key *gm.PrivateKey, ids []string) (gatewayActivity, error) {
	c := apiclient.New(base, "")
	ch, err := c.HolderChallenge(cmd.Context())
	if err != nil {
		return gatewayActivity{}, err
	}
	sig, err := presentation.SignActivity(key, ch.Challenge, ch.Audience, ids)
	if err != nil {
		return gatewayActivity{}, err
	}
	a, err := c.HolderActivity(cmd.Context(), api.HolderActivityRequest{Challenge: ch.Challenge, PublicKey: key.Public().Hex(),
		Signature: hex.EncodeToString(sig), Licences: ids})
	if err != nil {
		return gatewayActivity{}, err
	}
	return gatewayActivity{URL: base, HolderActivity: *a}, nil
}

// purposeCell is a verification's purpose code with its labels, if any.
func purposeCell(v api.VerificationEntry) string {
	if v.PurposeZh == "" && v.PurposeEn == "" {
		return cell(v.Purpose)
	}
	return fmt.Sprintf("%s (%s / %s)", v.Purpose, v.PurposeZh, v.PurposeEn)
}

// outcome is a verification's outcome for a person: valid, NOT VALID with
// the check that failed (a lower-case check name), or refused with the
// refusal's code (upper case).
func outcome(o string) (text string, valid, refused bool) {
	switch {
	case o == "valid":
		return "valid", true, false
	case o != "" && strings.ToUpper(o) == o:
		return "refused (" + cell(o) + ")", false, true
	}
	return "NOT VALID (failed check " + cell(o) + ")", false, false
}

// licenceState is a licence's status for a person: the status, the
// reason code and effective time of a change other than issuance, the end
// of validity, where it was relayed from, and whether the cache was stale.
func licenceState(l api.HolderLicence, stale bool) string {
	var b strings.Builder
	b.WriteString(string(l.Status))
	if c := l.Change; c != nil && c.Status != record.StatusActive {
		fmt.Fprintf(&b, " (%s) from %s", cell(c.Reason), c.EffectiveAt.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, ", valid to %s", l.ValidTo.Format(time.RFC3339))
	if l.RelayedFrom != nil {
		fmt.Fprintf(&b, ", relayed from %s", l.RelayedFrom.Channel)
	}
	if stale {
		b.WriteString(" (the gateway's cache is stale: it may have changed since)")
	}
	return b.String()
}

// printActivity prints one gateway's answer: a count of the verifications
// by outcome, then a line for each licence's status, each verification and
// each access.
func printActivity(w io.Writer, a gatewayActivity) {
	valid, refused := 0, 0
	for _, v := range a.Verifications {
		switch _, ok, no := outcome(v.Outcome); {
		case ok:
			valid++
		case no:
			refused++
		}
	}
	notValid := ""
	if n := len(a.Verifications) - valid - refused; n > 0 {
		notValid = fmt.Sprintf(", %d not valid", n)
	}
	fmt.Fprintf(w, "%s: %d verifications (%d valid%s, %d refused), %d accesses\n", a.URL, len(a.Verifications), valid, notValid, refused, len(a.Accesses))
	for _, l := range a.Licences {
		fmt.Fprintf(w, "  licence %s: %s\n", l.ID, licenceState(l, a.Stale))
	}
	for _, v := range a.Verifications {
		text, _, _ := outcome(v.Outcome)
		disclosed := "no fields disclosed"
		if len(v.Disclosed) > 0 {
			disclosed = "disclosed " + strings.Join(v.Disclosed, ", ")
		}
		fmt.Fprintf(w, "  %s: %s shown to %s (%s), purpose %s, %s, at %s\n", text, v.LicenceID, cell(v.VerifierMSP), v.Audience, purposeCell(v), disclosed, v.At.Format(time.RFC3339))
	}
	for _, r := range a.Accesses {
		fmt.Fprintf(w, "  %-8s %s  %s of %s's %s, purpose %s\n", r.Kind, r.At.Format(time.RFC3339), r.Requester, r.Owner, r.DatasetID, r.Purpose)
	}
}
