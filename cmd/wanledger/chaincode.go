package main

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/chaincode/server"
	"github.com/wanledger/wanledger/chaincode/serverconfig"
	"github.com/wanledger/wanledger/internal/profiling"
	"github.com/wanledger/wanledger/network/ccaas"
)

func newChaincode() *cobra.Command {
	c := &cobra.Command{Use: "chaincode", Short: "The chaincode"}
	c.AddCommand(&cobra.Command{
		Use:   "serve",
		Short: "Run the chaincode as a service (configured by CHAINCODE_* variables)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The shim's servers have no stop: the process ends with the
			// first that fails, or on SIGTERM, and the peer reconnects to its
			// successor on the next invocation.
			if err := profiling.FromEnv(nil); err != nil {
				return err
			}
			servers, err := server.Servers(serverconfig.FromEnv())
			if err != nil {
				return err
			}
			errc := make(chan error, len(servers))
			for _, s := range servers {
				go func() { errc <- s.Start() }()
			}
			select {
			case err := <-errc:
				return err
			case <-cmd.Context().Done():
				return nil
			}
		},
	})
	return c
}

// newBuilder is the external builder the peers run (through the scripts that
// up writes): detect SOURCE METADATA, build SOURCE METADATA OUTPUT, release
// BUILD RELEASE.
func newBuilder() *cobra.Command {
	c := &cobra.Command{Use: "ccaas-builder", Short: "External chaincode builder (run by peers)", Hidden: true}
	c.AddCommand(
		&cobra.Command{Use: "detect SOURCE METADATA", Args: cobra.ExactArgs(2),
			RunE: func(_ *cobra.Command, a []string) error { return ccaas.Detect(a[1]) }},
		&cobra.Command{Use: "build SOURCE METADATA OUTPUT", Args: cobra.ExactArgs(3),
			RunE: func(_ *cobra.Command, a []string) error { return ccaas.Build(a[0], a[2]) }},
		&cobra.Command{Use: "release BUILD RELEASE", Args: cobra.ExactArgs(2),
			RunE: func(_ *cobra.Command, a []string) error { return ccaas.Release(a[0], a[1], os.Getenv) }},
	)
	return c
}
