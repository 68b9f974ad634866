package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
)

// registryCommands: licence types, accreditations and their grants, seal
// keys, role bindings and the channel's membership. Datasets are under
// share.
func (o *clientOptions) registryCommands() *cobra.Command {
	c := &cobra.Command{Use: "registry", Short: "Licence types, accreditations, seal keys, roles and members, through a gateway"}
	o.register(c)
	group := func(use, short string, subs ...*cobra.Command) *cobra.Command {
		g := &cobra.Command{Use: use, Short: short}
		g.AddCommand(subs...)
		return g
	}
	put := &cobra.Command{Use: "put CODE FILE", Short: "Define or change a licence type (province admin; JSON: name, fields, maxValidityDays, mutualRecognition)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, a []string) error {
			req, err := readRequest[api.LicenceTypeRequest](cmd, a[1])
			if err != nil {
				return err
			}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.PutLicenceType(ctx, a[0], req) })
		}}
	var wr reasonFlags
	withdraw := &cobra.Command{Use: "withdraw GRANT", Short: "Withdraw one grant, e.g. hefei-amr:000001 (province admin)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) {
				return c.WithdrawGrant(ctx, a[0], wr.request())
			})
		}}
	wr.add(withdraw)
	var fresh bool
	grant := getCommand(o, "get GRANT", "Show one grant", func(c *apiclient.Client, ctx context.Context, id string) (any, error) { return c.Grant(ctx, id, fresh) })
	grant.Flags().BoolVar(&fresh, "fresh", false, "read the ledger, not the gateway's cache")
	seal := getCommand(o, "get KEY-ID", "Show a seal key", func(c *apiclient.Client, ctx context.Context, id string) (any, error) {
		return c.SealKey(ctx, id, fresh)
	})
	seal.Flags().BoolVar(&fresh, "fresh", false, "read the ledger, not the gateway's cache")
	rotate := &cobra.Command{Use: "rotate KEY-ID FILE", Short: "Replace a seal key from now by the new key in FILE (JSON: keyId, publicKey, validTo)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, a []string) error {
			req, err := readRequest[api.SealKeyRequest](cmd, a[1])
			if err != nil {
				return err
			}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.RotateSeal(ctx, a[0], req) })
		}}
	var sr reasonFlags
	var effectiveAt string
	revokeSeal := &cobra.Command{Use: "revoke KEY-ID", Short: "Revoke a seal key, possibly from a past time", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			at, err := parseTime("effective-at", effectiveAt)
			if err != nil {
				return err
			}
			req := api.SealKeyRevocation{ReasonRequest: sr.request(), EffectiveAt: at}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.RevokeSeal(ctx, a[0], req) })
		}}
	sr.add(revokeSeal)
	revokeSeal.Flags().StringVar(&effectiveAt, "effective-at", "", "RFC 3339: revoked since (past or now, never future)")
	members := &cobra.Command{Use: "members", Short: "Show the channel's membership on the ledger: each organisation, its province and a province's prefix, and the revision", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.Members(ctx) })
		}}
	c.AddCommand(members,
		group("types", "Licence types",
			put, getCommand(o, "get CODE", "Show a licence type", (*apiclient.Client).LicenceType)),
		group("accreditations", "Agencies' accreditations",
			fileCommand(o, "grant FILE", "Grant an agency a new accreditation (province admin; JSON: agencyId, mspId, types, region, validFrom, validTo)", (*apiclient.Client).GrantAccreditation),
			getCommand(o, "get AGENCY", "Show an agency's owner and every grant it has had", (*apiclient.Client).Agency),
			withdraw),
		group("grants", "Single accreditation grants", grant),
		group("seals", "Agencies' seal keys",
			fileCommand(o, "register FILE", "Register a seal key (its organisation's admin; JSON: keyId, agencyId, publicKey, validFrom, validTo)", (*apiclient.Client).RegisterSeal),
			seal, rotate, revokeSeal),
		o.rolesCommands())
	return c
}

func (o *clientOptions) rolesCommands() *cobra.Command {
	c := &cobra.Command{Use: "roles", Short: "Role bindings of the organisation's identities (admin)"}
	var agency string
	bind := &cobra.Command{Use: "bind CLIENT-ID ROLE", Short: "Bind an identity (its client ID, as whoami shows it) to a role", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, a []string) error {
			req := api.RoleRequest{ClientID: a[0], Role: a[1], AgencyID: agency}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.BindRole(ctx, req) })
		}}
	bind.Flags().StringVar(&agency, "agency", "", "issuer only: the agency the identity issues for")
	unbind := &cobra.Command{Use: "unbind CLIENT-ID ROLE", Short: "Take a role back from an identity", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, a []string) error {
			req := api.RoleUnbindRequest{ClientID: a[0], Role: a[1]}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (any, error) { return c.UnbindRole(ctx, req) })
		}}
	c.AddCommand(bind, unbind)
	return c
}

// whoami is the key's identity as the ledger sees it, and its roles.
type whoami struct {
	KeyID       string   `json:"keyId"`
	Identity    string   `json:"identity"` // the gateway identity the key acts as
	Roles       []string `json:"roles"`
	MSPID       string   `json:"mspId"`
	ClientID    string   `json:"clientId"`
	Admin       bool     `json:"admin"`
	BlockHeight uint64   `json:"blockHeight"`
}

func (o *clientOptions) whoamiCommand() *cobra.Command {
	c := &cobra.Command{Use: "whoami", Short: "The API key's Fabric identity and roles", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (whoami, error) {
				key, err := c.Self(ctx)
				if err != nil {
					return whoami{}, err
				}
				id, err := c.WhoAmI(ctx)
				if err != nil {
					return whoami{}, err
				}
				return whoami{KeyID: key.ID, Identity: key.Identity, Roles: key.Roles, MSPID: id.Data.MSPID, ClientID: id.Data.ClientID,
					Admin: id.Data.Admin, BlockHeight: id.BlockHeight}, nil
			})
		}}
	o.register(c)
	return c
}

func (o *clientOptions) keysCommands() *cobra.Command {
	c := &cobra.Command{Use: "keys", Short: "The organisation's API keys, through its gateway (admin)"}
	o.register(c)
	var identity string
	var roles []string
	create := &cobra.Command{Use: "create", Short: "Create an API key; its secret is printed this once", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(roles) == 0 {
				return usagef("give at least one --role")
			}
			return run(o, cmd, func(c *apiclient.Client, ctx context.Context) (*api.NewKey, error) {
				k, err := c.CreateKey(ctx, api.KeyRequest{Identity: identity, Roles: roles})
				if err == nil && !o.asJSON {
					fmt.Fprintln(cmd.ErrOrStderr(), "the secret is shown this once; the gateway keeps only its hash")
				}
				return k, err
			})
		}}
	create.Flags().StringVar(&identity, "identity", "", "the gateway's Fabric identity the key acts as, e.g. User2 (required)")
	create.Flags().StringSliceVar(&roles, "role", nil, "a role: admin, issuer, verifier, data-owner, requester, auditor or clerk (repeatable)")
	create.MarkFlagRequired("identity") //nolint:errcheck // the flag exists
	list := &cobra.Command{Use: "list", Short: "The live keys: ID, identity, roles; never a secret (a revoked key is no longer listed)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return run(o, cmd, (*apiclient.Client).Keys) }}
	revoke := &cobra.Command{Use: "revoke ID", Short: "Revoke a key at once (not the one you use); it leaves keys list", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, a []string) error {
			c, err := o.client()
			if err != nil {
				return err
			}
			k, err := c.RevokeKey(cmd.Context(), a[0])
			if err != nil {
				return err
			}
			if o.asJSON {
				return o.show(cmd.OutOrStdout(), k)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "revoked key %s\n", k.ID)
			return err
		}}
	c.AddCommand(create, list, revoke)
	return c
}
