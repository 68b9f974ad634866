package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/caliper"
)

// newCaliper builds `caliper config` and `caliper prepare`, which give
// Hyperledger Caliper what it needs to drive the network (caliper/README.md).
func newCaliper(o *networkOptions) *cobra.Command {
	c := &cobra.Command{Use: "caliper", Short: "Hyperledger Caliper as an outside client: its network configuration and prepared issue transactions"}
	c.AddCommand(newCaliperConfig(o), newCaliperPrepare(o))
	return c
}

func newCaliperConfig(o *networkOptions) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:     "config",
		Short:   "Write Caliper's Fabric network configuration (YAML) for the network of the run directory",
		Example: `  wanledger caliper config --home /tmp/net --out caliper/networks/network.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, topo, err := o.resolve(false)
			if err != nil {
				return err
			}
			cfg, err := caliper.NewConfig(network.Home(home), topo)
			if err != nil {
				return err
			}
			if err := cfg.WriteFile(out); err != nil {
				return err
			}
			var channels []string
			for _, ch := range cfg.Channels {
				channels = append(channels, ch.ChannelName)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: %d organisations, channels %s, chaincode %s\n",
				abs(out), len(cfg.Organizations), strings.Join(channels, ", "), network.ChaincodeName)
			return err
		},
	}
	c.Flags().StringVar(&out, "out", "", "the YAML file to write (replaced if it exists)")
	c.MarkFlagRequired("out") //nolint:errcheck // the flag exists
	return c
}

func newCaliperPrepare(o *networkOptions) *cobra.Command {
	var (
		out, benchmark, round string
		opts                  caliper.PrepareOptions
	)
	c := &cobra.Command{
		Use:     "prepare",
		Short:   "Seal licences for Caliper's issuance round, as the demo agency, and write their licence:Issue arguments (JSON)",
		Example: `  wanledger caliper prepare --home /tmp/net --count 300 --out caliper/run/issue.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			home, topo, err := o.resolve(false)
			if err != nil {
				return err
			}
			if benchmark != "" {
				if opts.Count, err = caliper.RoundTxNumber(benchmark, round); err != nil {
					return usageErr(err)
				}
			}
			b, err := caliper.Prepare(cmd.Context(), network.Home(home), topo, opts)
			if errors.Is(err, caliper.ErrBadOptions) {
				return usageErr(err)
			}
			if err != nil {
				return err
			}
			if err := b.WriteFile(out); err != nil {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: %d %s transactions as %s/%s on %s, licences %s … %s\n",
				abs(out), len(b.Arguments), b.Function, b.MSPID, b.Identity, b.Channel, b.Licences[0], b.Licences[len(b.Licences)-1])
			return err
		},
	}
	c.Flags().StringVar(&out, "out", "", "the JSON file to write (replaced if it exists)")
	c.Flags().IntVar(&opts.Count, "count", 300, fmt.Sprintf("how many licences (1 to %d)", caliper.MaxCount))
	c.Flags().StringVar(&benchmark, "benchmark", "", "instead of --count, as many as the txNumber of a round of this Caliper benchmark configuration")
	c.Flags().StringVar(&round, "round", "issue", "the round of --benchmark")
	c.MarkFlagsMutuallyExclusive("count", "benchmark")
	c.Flags().StringVar(&opts.Prefix, "prefix", "", `licence ID prefix, then a six-digit number (default "CAL-" and the UTC time)`)
	c.MarkFlagRequired("out") //nolint:errcheck // the flag exists
	return c
}

// abs is path made absolute, or path itself if that fails.
func abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}
