package main

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/internal/presentation"
)

// presentationFlags are verify's --presentation TEXT|@FILE and --nonce.
type presentationFlags struct{ text, nonce, purpose string }

func (p *presentationFlags) register(_ *clientOptions, verify *cobra.Command) {
	verify.Flags().StringVar(&p.text, "presentation", "", "a holder's compact presentation, or @FILE holding it (instead of ID): verified as holder-bound")
	verify.Flags().StringVar(&p.nonce, "nonce", "", "with --presentation: the nonce the verifier issued for it")
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
	var r io.Reader = cmd.InOrStdin()
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return "", usageErr(err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPresentationFile))
	if err != nil {
		return "", usageErr(err)
	}
	return strings.TrimSpace(string(b)), nil
}
