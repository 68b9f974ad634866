package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/fabricbin"
)

// networkOptions are the flags shared by the network commands.
type networkOptions struct {
	home     string
	basePort int
	// basePortFlag tells whether --base-port was on the command line.
	basePortFlag *pflag.Flag
	// window is the proposal time window; only up sets it, the other
	// commands start no peer.
	window *network.TimeWindow
	// orderers is up's --orderers (0 for the other commands).
	orderers int
}

func (o *networkOptions) register(root *cobra.Command) {
	root.PersistentFlags().StringVar(&o.home, "home", "", "run directory (default $"+network.EnvHome+" or ./.wanledger)")
	root.PersistentFlags().IntVar(&o.basePort, "base-port", network.DefaultBasePort,
		"first of the network's ports, for a new run directory (an existing one keeps its own; another value is an error)")
	o.basePortFlag = root.PersistentFlags().Lookup("base-port")
}

// runDir is the run directory, absolute: --home, else the default.
func (o *networkOptions) runDir() (string, error) {
	if o.home == "" {
		return network.DefaultHome()
	}
	return filepath.Abs(o.home)
}

// resolve returns the run directory (--home, else the default) and the
// topology the command acts on: the one recorded in the run directory; a
// new one only for up (create). A --base-port that contradicts the record is
// an error, never a switch to another network's ports.
func (o *networkOptions) resolve(create bool) (string, network.Topology, error) {
	home, err := o.runDir()
	if err != nil {
		return "", network.Topology{}, err
	}
	given := o.basePortFlag != nil && o.basePortFlag.Changed
	topo, err := network.TopologyOf(home, network.Settings{BasePort: o.basePort, BasePortGiven: given, Orderers: o.orderers, Create: create})
	var mismatch *network.MismatchError
	if errors.As(err, &mismatch) {
		err = usageErr(err)
	}
	return home, topo, err
}

// open returns the network; up says whether the run directory may be made
// and missing Fabric tools built.
func (o *networkOptions) open(cmd *cobra.Command, up bool) (*network.Network, error) {
	home, topo, err := o.resolve(up)
	if err != nil {
		return nil, err
	}
	if o.window != nil {
		topo.TimeWindow = *o.window
	}
	// Refuse bad settings before a possibly long build of the Fabric tools.
	if err := topo.Validate(); err != nil {
		return nil, err
	}
	var fab fabricbin.Install
	if up {
		fab, err = fabricbin.Ensure(cmd.Context(), cmd.ErrOrStderr())
	} else {
		fab, err = fabricbin.Find()
	}
	if err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return network.New(topo, home, fab, self, cmd.OutOrStdout())
}

func newUp(o *networkOptions) *cobra.Command {
	win := network.DefaultTimeWindow()
	var prepare, profile bool
	var orderers int // up's own: o.orderers stays 0 for the other commands
	c := &cobra.Command{
		Use:   "up",
		Short: "Bring the network up (idempotent; resumes the same ledgers after down)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.window = &win
			if cmd.Flags().Changed("orderers") { // else the run directory's own, or the default
				if _, err := network.Default().WithOrderers(orderers); err != nil {
					return usagef("--orderers: %v", err)
				}
				o.orderers = orderers
			}
			nw, err := o.open(cmd, true)
			if err != nil {
				return err
			}
			nw.Profile = profile
			if prepare {
				_, err = nw.Prepare(cmd.Context())
			} else {
				_, err = nw.Up(cmd.Context())
			}
			return err
		},
	}
	c.Flags().BoolVar(&prepare, "prepare", false,
		"only write every file the nodes read (crypto material, genesis blocks, keys, each node's configuration) and start nothing: what to copy to each host of a network across machines")
	c.Flags().BoolVar(&profile, "profile", false,
		"the nodes up starts serve Go runtime profiles (/debug/pprof/) on their listen port + 4 (peer.hefei: 17044 on the default network), loopback or their host; nodes already running keep how they were started")
	c.Flags().IntVar(&orderers, "orderers", network.DefaultOrderers, fmt.Sprintf(
		"Raft orderers of a new run directory, %d or %d (an existing one keeps its own; another number is an error)", network.DefaultOrderers, network.MaxOrderers))
	c.Flags().DurationVar(&win.Past, "proposal-past-window", win.Past,
		"peers refuse a proposal, and orderers its transaction, whose timestamp is further behind their clock than this (1s to 1h)")
	c.Flags().DurationVar(&win.Future, "proposal-future-window", win.Future,
		"peers refuse a proposal, and orderers its transaction, whose timestamp is further ahead of their clock than this (1s to 1h)")
	return c
}

func newDown(o *networkOptions) *cobra.Command {
	var purge bool
	c := &cobra.Command{
		Use:   "down",
		Short: "Stop every process of the network by PID (--purge also removes the run directory)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			nw, err := o.open(cmd, false)
			if err != nil {
				return err
			}
			return nw.Down(purge)
		},
	}
	c.Flags().BoolVar(&purge, "purge", false, "also remove the run directory: ledgers, keys and logs")
	return c
}

func newStatus(o *networkOptions) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Show every node (PID, ports, health, channel heights) and whether each channel's membership on the ledger is the topology's",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			nw, err := o.open(cmd, false)
			if err != nil {
				return err
			}
			st, err := nw.Status(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), st)
			}
			if err := network.PrintStatus(cmd.OutOrStdout(), st); err != nil {
				return err
			}
			if err := nw.Pending(); err != nil {
				if _, err := fmt.Fprintln(cmd.OutOrStdout(), err); err != nil {
					return err
				}
			}
			return network.PrintMembership(cmd.OutOrStdout(), nw.MembershipStatus(cmd.Context()))
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the nodes as JSON (without the memberships)")
	return c
}

func newPeerEnv(o *networkOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "peer-env ORG",
		Short: "Print the environment in which Fabric's peer CLI acts as ORG's admin",
		Example: `  eval "$(wanledger peer-env hefei)"
  peer chaincode query -C anhui -n wanledger -c '{"Args":["registry:Version"]}'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nw, err := o.open(cmd, false)
			if err != nil {
				return err
			}
			env, err := nw.AdminEnv(args[0])
			if err != nil {
				return err
			}
			return printExports(cmd.OutOrStdout(), env)
		},
	}
}

// printExports writes shell export lines, single-quoted.
func printExports(w io.Writer, env []string) error {
	sort.Strings(env)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, err := fmt.Fprintf(w, "export %s='%s'\n", k, strings.ReplaceAll(v, "'", `'\''`)); err != nil {
			return err
		}
	}
	return nil
}

func newLogs(o *networkOptions) *cobra.Command {
	var follow bool
	var lines int
	c := &cobra.Command{
		Use:   "logs NODE",
		Short: "Print the end of a node's log (-f to follow)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nw, err := o.open(cmd, false)
			if err != nil {
				return err
			}
			if _, ok := nw.Topo.Node(args[0]); !ok {
				var names []string
				for _, n := range nw.Topo.Nodes() {
					names = append(names, n.Name)
				}
				return fmt.Errorf("no node %q; nodes are: %s", args[0], strings.Join(names, ", "))
			}
			return network.Tail(cmd.Context(), cmd.OutOrStdout(), nw.Home.LogFile(args[0]), lines, follow)
		},
	}
	c.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing what is appended")
	c.Flags().IntVarP(&lines, "lines", "n", 40, "how many lines from the end")
	return c
}

func newFabric() *cobra.Command {
	c := &cobra.Command{Use: "fabric", Short: "Manage the Fabric tools"}
	c.AddCommand(&cobra.Command{
		Use:   "build",
		Short: "Build the pinned, patched Fabric tools into the cache (once per version)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			inst, err := fabricbin.Ensure(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), inst.BinDir)
			return nil
		},
	})
	return c
}
