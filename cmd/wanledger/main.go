// Command wanledger runs and operates the wanledger network (up, down,
// status, logs, peer-env, the chaincode server and its external builder) and
// is the client of its gateways for every role (docs/cli.md). It exits 0 on
// success, 1 on an error, 2 on a usage error and 3 on a NOT VALID verdict.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	cmd, err := newRoot().ExecuteContextC(ctx)
	stop()
	if err != nil {
		os.Exit(reportError(os.Stdout, os.Stderr, cmd, err))
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "wanledger",
		Short:         "The trust layer of Anhui's digital government on Hyperledger Fabric",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var opts networkOptions
	opts.register(root)
	root.AddCommand(
		newUp(&opts),
		newDown(&opts),
		newStatus(&opts),
		newPeerEnv(&opts),
		newLogs(&opts),
		newOrg(&opts),
		newFabric(),
		newChaincode(),
		newBuilder(),
		newGateway(),
		newWalletCommand(),
		newRelay(),
		newCaliper(&opts),
		newBench(&opts),
	)
	root.AddCommand(newClientCommands(&opts)...)
	markUsage(root)
	return root
}
