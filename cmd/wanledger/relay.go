package main

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/gateway/relay"
	"github.com/wanledger/wanledger/gateway/relayconfig"
	"github.com/wanledger/wanledger/internal/profiling"
)

func newRelay() *cobra.Command {
	var configFile string
	c := &cobra.Command{
		Use:   "relay",
		Short: "Run an organisation's relay of licences between its channels (docs/operations.md)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := relayconfig.LoadConfig(configFile)
			if err != nil {
				return inputErr(configFile, err)
			}
			log := slog.New(slog.NewJSONHandler(os.Stderr, nil)).With("component", "relay", "org", cfg.Org)
			if err := profiling.FromEnv(log); err != nil {
				return err
			}
			return relay.Run(cmd.Context(), cfg, log)
		},
	}
	c.Flags().StringVar(&configFile, "config", "", "the relay's configuration file")
	c.MarkFlagRequired("config") //nolint:errcheck // the flag exists
	return c
}
