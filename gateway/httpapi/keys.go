package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
)

// apiKeys serves the organisation's API keys to its admin keys: create
// (the secret shown once), list (never a hash), revoke (at once); and to
// every key, its own entry.
func (a *API) apiKeys() {
	create := a.op("create-key", http.MethodPost, "/v1/keys", "Create an API key", "Creates an API key acting as one of the Fabric identities the gateway is configured with, holding some roles (the gateway's admin or operator, or ledger roles). Its secret is in this answer only; the gateway stores a SHA-256 hash. The organisation's admin key.", "keys", keys.RoleAdmin)
	create.DefaultStatus = http.StatusCreated
	huma.Register(a.h, create, func(ctx context.Context, in *struct{ Body api.KeyRequest }) (*struct{ Body api.NewKey }, error) {
		if !slices.Contains(a.identities, in.Body.Identity) {
			return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "identity %q is not one this gateway is configured with", in.Body.Identity)
		}
		secret, key, err := a.keyStore.Create(in.Body.Identity, in.Body.Roles)
		if errors.Is(err, keys.ErrBadRole) {
			return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "%s", err)
		}
		if err != nil {
			a.log.Error("create key", "err", err)
			return nil, api.Errorf(http.StatusInternalServerError, "INTERNAL", "the key could not be stored")
		}
		a.log.Info("key created", "id", key.ID, "identity", key.Identity, "roles", key.Roles)
		return &struct{ Body api.NewKey }{api.NewKey{Key: publicKey(key), Secret: secret}}, nil
	})
	huma.Register(a.h, a.op("list-keys", http.MethodGet, "/v1/keys", "List API keys", "The organisation's API keys on this gateway: ID, identity, roles; never a secret or a hash. The organisation's admin key.", "keys", keys.RoleAdmin),
		func(ctx context.Context, in *struct{}) (*struct{ Body []api.Key }, error) {
			list := a.keyStore.List()
			out := make([]api.Key, len(list))
			for i, k := range list {
				out[i] = publicKey(k)
			}
			return &struct{ Body []api.Key }{out}, nil
		})
	huma.Register(a.h, a.op("own-key", http.MethodGet, "/v1/keys/self", "The calling key",
		"The calling API key, or the entry the calling client certificate is bound to (mutual TLS): its ID, the identity it acts as, its roles (any key, even one with none), its certificate subject, and the organisation's MSP ID.", "keys"),
		func(ctx context.Context, in *struct{}) (*struct{ Body api.Self }, error) {
			key, _ := ctx.Value(keyContext{}).(keys.APIKey)
			return &struct{ Body api.Self }{api.Self{Key: publicKey(key), MSPID: a.mspID}}, nil
		})
	huma.Register(a.h, a.op("revoke-key", http.MethodPost, "/v1/keys/{id}/revoke", "Revoke an API key", "Revokes an API key: its next request is refused. A key cannot revoke itself. The organisation's admin key.", "keys", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			ID string `path:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the key's ID"`
		}) (*struct{ Body api.Key }, error) {
			self, _ := ctx.Value(keyContext{}).(keys.APIKey)
			if self.ID == in.ID {
				return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "a key cannot revoke itself")
			}
			key, err := a.keyStore.Revoke(in.ID)
			switch {
			case errors.Is(err, keys.ErrNotFound):
				return nil, api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "no key %q", in.ID)
			case err != nil: // keys.ErrNotStored: refused now, but not after a restart
				a.log.Error("key revoked but not stored", "id", key.ID, "by", self.ID, "err", err)
				return nil, api.Errorf(http.StatusInternalServerError, string(record.CodeInternal), "%s", keys.ErrNotStored)
			}
			a.log.Info("key revoked", "id", key.ID, "by", self.ID)
			return &struct{ Body api.Key }{publicKey(key)}, nil
		})
}

// publicKey is what the API shows of a stored key.
func publicKey(k keys.APIKey) api.Key {
	return api.Key{ID: k.ID, Identity: k.Identity, Roles: k.Roles, CertSubject: k.CertSubject}
}
