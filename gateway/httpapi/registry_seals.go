package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
)

// KeyIDPath is a seal key ID in the path.
type KeyIDPath struct {
	KeyID string `path:"keyId" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._:-]*[A-Za-z0-9_:-][A-Za-z0-9._:-]*$" doc:"the seal key's ID"`
}

func (a *API) registrySeals() {
	s := a.svc
	huma.Register(a.h, a.op("register-seal", http.MethodPost, "/v1/registry/seals", "Register a seal key",
		"Registers an accredited agency's SM2 seal key. The admin key of the agency's organisation.", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct{ Body api.SealKeyRequest }) (*txOut[*record.SealKey], error) {
			return tx(s.RegisterSeal(ctx, who(ctx), in.Body))
		})
	huma.Register(a.h, a.op("get-seal", http.MethodGet, "/v1/registry/seals/{keyId}", "Read a seal key",
		"A seal key from the cache; with fresh=true from the ledger.", "registry", readerRoles...),
		func(ctx context.Context, in *struct {
			KeyIDPath
			FreshQuery
		}) (*readOut[*record.SealKey], error) {
			return read(s.Seal(ctx, who(ctx), in.KeyID, in.Fresh))
		})
	huma.Register(a.h, a.op("rotate-seal", http.MethodPost, "/v1/registry/seals/{keyId}/rotate", "Rotate a seal key",
		"Replaces a seal key from now: the new key (no agencyId or validFrom: it keeps the old key's agency and starts now) and the old key's window ends. The organisation's admin key.", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			KeyIDPath
			Body api.SealKeyRequest
		}) (*txOut[*record.Rotation], error) {
			return tx(s.RotateSeal(ctx, who(ctx), in.KeyID, in.Body))
		})
	huma.Register(a.h, a.op("revoke-seal", http.MethodPost, "/v1/registry/seals/{keyId}/revoke", "Revoke a seal key",
		"Revokes a seal key from a time (now, or in the past): what it sealed from then on is invalid. The organisation's admin key.", "registry", keys.RoleAdmin),
		func(ctx context.Context, in *struct {
			KeyIDPath
			Body api.SealKeyRevocation
		}) (*txOut[*record.SealKey], error) {
			return tx(s.RevokeSeal(ctx, who(ctx), in.KeyID, in.Body))
		})
}
