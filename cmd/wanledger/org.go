package main

import (
	"errors"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/network"
)

// newOrg is `wanledger org`: organisations join and leave a running
// network's channels (docs/operations.md, ADR 41).
func newOrg(o *networkOptions) *cobra.Command {
	c := &cobra.Command{Use: "org", Short: "Add an organisation to a running channel, or remove one"}
	c.AddCommand(newOrgAdd(o), newOrgRemove(o))
	return c
}

func newOrgAdd(o *networkOptions) *cobra.Command {
	var s network.OrgSpec
	c := &cobra.Command{
		Use:   "add NAME --province PROVINCE [--host HOST] --channel CHANNEL",
		Short: "Add an organisation to a channel of the running network (idempotent; run it again after a failure)",
		Long: `Add an organisation to a channel of the running network: its crypto material, the
channel configuration update signed by a majority of the channel's admins, its anchor peer,
its peer joined, the chaincode installed and approved, its chaincode server, the consents
to its joining (a city's own request to join as its province's; a new province's approval,
with its prefix, by a majority of the members' admins), its membership on the ledger (added
by its province's admin), its gateway with its keys, and the topology. It first checks the
channel's membership history: a former member rejoins only as it left, and a province's
prefix, once held on a channel, stays that province's for good.
In a topology with hosts (network.json "Hosts"), --host names the one its nodes run on.
Each step does only what is missing: after a failure, the same command finishes the work.`,
		Example: `  wanledger org add bengbu --province anhui --channel anhui
  wanledger org add jiangxi --province jiangxi --prefix 36 --city Nanchang --channel delta
  wanledger org add bengbu --province anhui --host wuhu --channel anhui   # a topology with hosts`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s.Name = args[0]
			nw, err := o.open(cmd, false)
			if err != nil {
				return err
			}
			_, err = nw.AddOrg(cmd.Context(), s)
			return orgErr(err)
		},
	}
	c.Flags().StringVar(&s.Province, "province", "", "short name of its province's organisation (its own name for a province)")
	c.Flags().StringVar(&s.Channel, "channel", "", "the channel it joins")
	c.Flags().StringVar(&s.City, "city", "", "its city in pinyin, as its certificates name it (default: its name, capitalised; a province names its capital)")
	c.Flags().StringVar(&s.Prefix, "prefix", "", "a province's two-digit prefix of its regions' division codes (GB/T 2260, e.g. 35 for Fujian): kept for good on the channel")
	c.Flags().StringVar(&s.Host, "host", "", "the host of network.json its nodes run on (required when the topology has hosts; none: loopback)")
	c.MarkFlagRequired("province") //nolint:errcheck // the flag exists
	c.MarkFlagRequired("channel")  //nolint:errcheck // the flag exists
	return c
}

func newOrgRemove(o *networkOptions) *cobra.Command {
	var channel string
	c := &cobra.Command{
		Use:     "remove NAME --channel CHANNEL",
		Short:   "Remove an organisation added by org add from its channel and stop its nodes (idempotent)",
		Example: `  wanledger org remove bengbu --channel anhui`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nw, err := o.open(cmd, false)
			if err != nil {
				return err
			}
			_, err = nw.RemoveOrg(cmd.Context(), args[0], channel)
			return orgErr(err)
		},
	}
	c.Flags().StringVar(&channel, "channel", "", "the channel it leaves")
	c.MarkFlagRequired("channel") //nolint:errcheck // the flag exists
	return c
}

// orgErr makes a request the topology cannot take a usage error (exit 2).
func orgErr(err error) error {
	if errors.Is(err, network.ErrOrgSpec) {
		return usageErr(err)
	}
	return err
}
