package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/internal/issuance"
)

// credentialFlags let `verify` disclose fields from a holder's credential
// file, as the holder would present them.
type credentialFlags struct {
	file     string
	disclose []string
}

func (f *credentialFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.file, "credential", "", "disclose fields from this holder credential file (from `licence issue`)")
	c.Flags().StringSliceVar(&f.disclose, "disclose", nil, "with --credential: the fields to disclose, e.g. name,creditCode (default all)")
}

// disclosed returns the fields to disclose for licence id as the request's
// items, none without --credential. withFields says --field was given too.
func (f *credentialFlags) disclosed(id string, withFields bool) ([]map[string]string, error) {
	if f.file == "" {
		if len(f.disclose) > 0 {
			return nil, errors.New("--disclose needs --credential")
		}
		return nil, nil
	}
	if withFields {
		return nil, errors.New("give --field or --credential, not both")
	}
	c, err := issuance.ReadCredential(f.file)
	if err != nil {
		return nil, err
	}
	if c.LicenceID != id {
		return nil, fmt.Errorf("%s is the credential of licence %s, not %s", f.file, c.LicenceID, id)
	}
	ds, err := c.Disclose(f.disclose)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]string, len(ds))
	for i, d := range ds {
		out[i] = map[string]string{"name": d.Name, "value": d.Value, "salt": d.Salt}
	}
	return out, nil
}
