package gateway

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/keys"
)

// registerKeys serves the organisation's API keys to its admin keys:
// create (the secret shown once), list (never a hash), revoke (at once);
// and to every key, its own entry.
func (g *Gateway) registerKeys(h huma.API, op opFunc) {
	create := op("create-key", http.MethodPost, "/v1/keys", "Create an API key for one of the gateway's identities; its secret is shown this once (admin)", "keys", keys.RoleAdmin)
	create.DefaultStatus = http.StatusCreated
	huma.Register(h, create, func(ctx context.Context, in *struct{ Body api.KeyRequest }) (*struct{ Body api.NewKey }, error) {
		if !slices.ContainsFunc(g.cfg.Identities, func(id config.Identity) bool { return id.Name == in.Body.Identity }) {
			return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "identity %q is not one this gateway is configured with", in.Body.Identity)
		}
		for _, r := range in.Body.Roles {
			if !keys.KnownRole(r) {
				return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "unknown role %q: want admin or one of %v", r, record.Roles)
			}
		}
		secret, key, err := g.keys.Create(in.Body.Identity, in.Body.Roles)
		if err != nil {
			g.log.Error("create key", "err", err)
			return nil, api.Errorf(http.StatusInternalServerError, "INTERNAL", "the key could not be stored")
		}
		g.log.Info("key created", "id", key.ID, "identity", key.Identity, "roles", key.Roles)
		return &struct{ Body api.NewKey }{api.NewKey{Key: publicKey(key), Secret: secret}}, nil
	})
	huma.Register(h, op("list-keys", http.MethodGet, "/v1/keys", "The organisation's API keys, without secrets or hashes (admin)", "keys", keys.RoleAdmin),
		func(ctx context.Context, in *struct{}) (*struct{ Body []api.Key }, error) {
			list := g.keys.List()
			out := make([]api.Key, len(list))
			for i, k := range list {
				out[i] = publicKey(k)
			}
			return &struct{ Body []api.Key }{out}, nil
		})
	huma.Register(h, op("own-key", http.MethodGet, "/v1/keys/self", "The calling key: its ID, identity and roles", "keys", readerRoles...),
		func(ctx context.Context, in *struct{}) (*struct{ Body api.Key }, error) {
			key, err := g.keyOf(ctx)
			if err != nil {
				return nil, err
			}
			return &struct{ Body api.Key }{publicKey(key)}, nil
		})
	huma.Register(h, op("revoke-key", http.MethodPost, "/v1/keys/{id}/revoke", "Revoke an API key at once; a key cannot revoke itself (admin)", "keys", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			ID string `path:"id" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]+$"`
		}) (*struct{ Body api.Key }, error) {
			self, err := g.keyOf(ctx)
			if err != nil {
				return nil, err
			}
			if self.ID == in.ID {
				return nil, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "a key cannot revoke itself")
			}
			key, err := g.keys.Revoke(in.ID)
			switch {
			case errors.Is(err, keys.ErrNotFound):
				return nil, api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "no key %q", in.ID)
			case err != nil:
				g.log.Error("revoke key", "err", err)
				return nil, api.Errorf(http.StatusInternalServerError, "INTERNAL", "the revocation could not be stored")
			}
			g.log.Info("key revoked", "id", key.ID, "by", self.ID)
			return &struct{ Body api.Key }{publicKey(key)}, nil
		})
}

// publicKey is what the API shows of a stored key.
func publicKey(k keys.APIKey) api.Key {
	return api.Key{ID: k.ID, Identity: k.Identity, Roles: k.Roles, CertSubject: k.CertSubject}
}
