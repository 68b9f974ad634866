package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/presentation"
)

// presentationFlags are verify's --presentation TEXT|@FILE, --nonce and
// --purpose.
type presentationFlags struct{ text, nonce, purpose string }

func (p *presentationFlags) register(o *clientOptions, verify *cobra.Command) {
	verify.Flags().StringVar(&p.text, "presentation", "", "a holder's compact presentation, or @FILE holding it (instead of ID): verified as holder-bound")
	verify.Flags().StringVar(&p.nonce, "nonce", "", "with --presentation: the nonce this gateway issued for it (default: the one the presentation names)")
	verify.Flags().StringVar(&p.purpose, "purpose", "", "with --presentation: why the licence is checked, a purpose code logged for the holder: "+
		purposeCodes()+", or one the gateway's configuration adds")
	nonce := &cobra.Command{Use: "nonce", Short: "Ask the gateway for a single-use nonce to give a holder (with its verifier name, the audience)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.client()
			if err != nil {
				return err
			}
			n, err := c.Nonce(cmd.Context(), "")
			if err != nil {
				return err
			}
			if o.asJSON {
				return o.show(cmd.OutOrStdout(), n)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "nonce %s\naudience %s\nexpires %s\n", n.Nonce, n.Audience, n.ExpiresAt.Format("2006-01-02T15:04:05Z07:00"))
			return err
		}}
	verify.AddCommand(nonce)
}

// purposeCodes lists the published purpose codes.
func purposeCodes() string {
	codes := make([]string, len(api.Purposes))
	for i, p := range api.Purposes {
		codes[i] = p.Code
	}
	return strings.Join(codes, ", ")
}

// maxPresentationFile bounds a presentation file's bytes.
const maxPresentationFile = presentation.MaxLen + 1024

// read is the presentation's text, from the flag or @FILE ("@-": standard
// input), trimmed of surrounding white space.
func (p presentationFlags) read(cmd *cobra.Command) (string, error) {
	path, ok := strings.CutPrefix(p.text, "@")
	if !ok {
		return strings.TrimSpace(p.text), nil
	}
	b, err := readInput(cmd, path, maxPresentationFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// verifyPresentation sends a presentation for a holder-bound verdict.
func (o *clientOptions) verifyPresentation(cmd *cobra.Command, args []string, p presentationFlags) error {
	switch {
	case p.text == "":
		return usagef("give a licence ID, or --presentation TEXT|@FILE")
	case len(args) > 0:
		return usagef("give a licence ID or --presentation, not both")
	case p.purpose != "" && !api.PurposeCodeForm.MatchString(p.purpose):
		return usagef("--purpose %q is not a purpose code (a-z 0-9 -, at most 32): %s, or one the gateway adds", p.purpose, purposeCodes())
	}
	text, err := p.read(cmd)
	if err != nil {
		return err
	}
	nonce := p.nonce
	if nonce == "" {
		parsed, err := presentation.Parse(text)
		if err != nil {
			return fmt.Errorf("the presentation is refused: %w", err)
		}
		nonce = parsed.Nonce
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	v, err := c.VerifyPresentation(cmd.Context(), api.PresentationRequest{Presentation: text, Nonce: nonce, Purpose: p.purpose})
	if err != nil {
		return err
	}
	if err := o.show(cmd.OutOrStdout(), v); err != nil {
		return err
	}
	if !v.Valid || v.Stale {
		return notValid(v.LicenceID, v.Stale)
	}
	return nil
}

// printAssurance says what a verdict vouches for, and the disclosed fields.
func printAssurance(w io.Writer, assurance string, disclosed []api.DisclosedField) {
	switch assurance {
	case api.AssuranceStatusOnly:
		fmt.Fprintln(w, "  status only: the licence's status, not proof that whoever showed it holds it")
	case api.AssuranceHolderBound:
		fmt.Fprintln(w, "  holder-bound: presented with the licence's holder key, to this gateway's nonce")
	}
	for _, d := range disclosed {
		fmt.Fprintf(w, "  disclosed %s: %s\n", d.Name, d.Value)
	}
}
