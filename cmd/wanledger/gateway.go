package main

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/gateway"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/internal/profiling"
)

func newGateway() *cobra.Command {
	var configFile string
	c := &cobra.Command{
		Use:   "gateway",
		Short: "Run an organisation's gateway (HTTP API, Fabric client, cache)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.LoadConfig(configFile)
			if err != nil {
				return inputErr(configFile, err)
			}
			log := slog.New(slog.NewJSONHandler(os.Stderr, nil)).With("component", "gateway", "org", cfg.Org)
			if err := profiling.FromEnv(log); err != nil {
				return err
			}
			return gateway.Run(cmd.Context(), cfg, log)
		},
	}
	c.Flags().StringVar(&configFile, "config", "", "the gateway's configuration file")
	c.MarkFlagRequired("config") //nolint:errcheck // the flag exists
	return c
}
