package apiclient

import (
	"context"
	"net/http"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// WhoAmI reads the Fabric identity the key acts as, from the ledger.
func (c *Client) WhoAmI(ctx context.Context) (*api.Read[Identity], error) {
	return call[api.Read[Identity]](c, ctx, http.MethodGet, "/v1/whoami", nil)
}

// PutLicenceType defines or changes a licence type (province admin).
func (c *Client) PutLicenceType(ctx context.Context, code string, req api.LicenceTypeRequest) (*api.Tx[*record.LicenceType], error) {
	return call[api.Tx[*record.LicenceType]](c, ctx, http.MethodPut, "/v1/registry/types/"+esc(code), req)
}

// LicenceType reads a licence type.
func (c *Client) LicenceType(ctx context.Context, code string) (*api.Read[*record.LicenceType], error) {
	return call[api.Read[*record.LicenceType]](c, ctx, http.MethodGet, "/v1/registry/types/"+esc(code), nil)
}

// GrantAccreditation grants an agency a new accreditation (province admin).
func (c *Client) GrantAccreditation(ctx context.Context, req api.AccreditationRequest) (*api.Tx[*record.Accreditation], error) {
	return call[api.Tx[*record.Accreditation]](c, ctx, http.MethodPost, "/v1/registry/accreditations", req)
}

// Members reads the channel's membership from the ledger.
func (c *Client) Members(ctx context.Context) (*api.Read[*record.Membership], error) {
	return call[api.Read[*record.Membership]](c, ctx, http.MethodGet, "/v1/registry/members", nil)
}

// Agency reads an agency's owner and every grant it has had.
func (c *Client) Agency(ctx context.Context, agency string) (*api.Read[*record.AgencyGrants], error) {
	return call[api.Read[*record.AgencyGrants]](c, ctx, http.MethodGet, "/v1/registry/accreditations/"+esc(agency), nil)
}

// Grant reads one accreditation grant ("<agency>:<seq>").
func (c *Client) Grant(ctx context.Context, grant string, fresh bool) (*api.Read[*record.Accreditation], error) {
	return call[api.Read[*record.Accreditation]](c, ctx, http.MethodGet, "/v1/registry/grants/"+esc(grant)+freshQ(fresh), nil)
}

// WithdrawGrant withdraws one grant (province admin).
func (c *Client) WithdrawGrant(ctx context.Context, grant string, req api.ReasonRequest) (*api.Tx[*record.Accreditation], error) {
	return call[api.Tx[*record.Accreditation]](c, ctx, http.MethodPost, "/v1/registry/grants/"+esc(grant)+"/withdraw", req)
}

// RegisterSeal registers an agency's seal key (its organisation's admin).
func (c *Client) RegisterSeal(ctx context.Context, req api.SealKeyRequest) (*api.Tx[*record.SealKey], error) {
	return call[api.Tx[*record.SealKey]](c, ctx, http.MethodPost, "/v1/registry/seals", req)
}

// SealKey reads a seal key.
func (c *Client) SealKey(ctx context.Context, keyID string, fresh bool) (*api.Read[*record.SealKey], error) {
	return call[api.Read[*record.SealKey]](c, ctx, http.MethodGet, "/v1/registry/seals/"+esc(keyID)+freshQ(fresh), nil)
}

// RotateSeal replaces a seal key by a new one from now.
func (c *Client) RotateSeal(ctx context.Context, keyID string, req api.SealKeyRequest) (*api.Tx[*record.Rotation], error) {
	return call[api.Tx[*record.Rotation]](c, ctx, http.MethodPost, "/v1/registry/seals/"+esc(keyID)+"/rotate", req)
}

// RevokeSeal revokes a seal key from a time (zero: now).
func (c *Client) RevokeSeal(ctx context.Context, keyID string, req api.SealKeyRevocation) (*api.Tx[*record.SealKey], error) {
	return call[api.Tx[*record.SealKey]](c, ctx, http.MethodPost, "/v1/registry/seals/"+esc(keyID)+"/revoke", req)
}

// BindRole binds one of the organisation's identities to a role (admin).
func (c *Client) BindRole(ctx context.Context, req api.RoleRequest) (*api.Tx[*record.RoleBinding], error) {
	return call[api.Tx[*record.RoleBinding]](c, ctx, http.MethodPost, "/v1/registry/roles", req)
}

// UnbindRole takes a role back from an identity (admin).
func (c *Client) UnbindRole(ctx context.Context, req api.RoleUnbindRequest) (*api.Tx[*record.RoleBinding], error) {
	return call[api.Tx[*record.RoleBinding]](c, ctx, http.MethodPost, "/v1/registry/roles/unbind", req)
}

// CreateKey creates an API key of the gateway's organisation (admin); the
// answer carries the secret, which is never shown again.
func (c *Client) CreateKey(ctx context.Context, req api.KeyRequest) (*api.NewKey, error) {
	return call[api.NewKey](c, ctx, http.MethodPost, "/v1/keys", req)
}

// Keys lists the organisation's API keys, without secrets (admin).
func (c *Client) Keys(ctx context.Context) ([]api.Key, error) {
	out, err := call[[]api.Key](c, ctx, http.MethodGet, "/v1/keys", nil)
	if err != nil {
		return nil, err
	}
	return *out, nil
}

// Self reads the calling key's ID, identity, roles and organisation.
func (c *Client) Self(ctx context.Context) (*api.Self, error) {
	return call[api.Self](c, ctx, http.MethodGet, "/v1/keys/self", nil)
}

// RevokeKey revokes an API key at once (admin; not the calling key).
func (c *Client) RevokeKey(ctx context.Context, id string) (*api.Key, error) {
	return call[api.Key](c, ctx, http.MethodPost, "/v1/keys/"+esc(id)+"/revoke", nil)
}
