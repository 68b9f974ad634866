package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/internal/issuance"
)

// credentialFlags let `verify` disclose fields from a holder's credential
// file, as the holder would present them.
type credentialFlags struct {
	file     string
	disclose []string
}

func (f *credentialFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.file, "credential", "", "disclose fields from this holder credential file (as licence issue writes it)")
	c.Flags().StringSliceVar(&f.disclose, "disclose", nil, "with --credential: the fields to disclose, e.g. name,creditCode (default all)")
}

// disclosed returns the fields to disclose for licence id as the request's
// items, none without --credential. withFields says --field was given too.
func (f *credentialFlags) disclosed(id string, withFields bool) ([]api.Disclosure, error) {
	if f.file == "" {
		if len(f.disclose) > 0 {
			return nil, usagef("--disclose needs --credential")
		}
		return nil, nil
	}
	if withFields {
		return nil, usagef("give --field or --credential, not both")
	}
	c, err := issuance.ReadCredential(f.file)
	if err != nil {
		return nil, inputErr(f.file, err)
	}
	if c.Content.ID != id {
		return nil, fmt.Errorf("%s is the credential of licence %s, not %s", f.file, c.Content.ID, id)
	}
	return issuance.Disclosed(c, f.disclose)
}
