package service

import (
	"context"
	"encoding/json"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
)

// WhoAmI is the caller's Fabric identity as the ledger names it.
func (s *Service) WhoAmI(ctx context.Context, who string) (api.Read[json.RawMessage], error) {
	return evaluate[json.RawMessage](ctx, s, who, "registry", "WhoAmI")
}

// Membership is the channel's membership, from the ledger.
func (s *Service) Membership(ctx context.Context, who string) (api.Read[*record.Membership], error) {
	return evaluate[*record.Membership](ctx, s, who, "registry", "GetMembership")
}

// PutLicenceType defines or changes licence type code; the caller's
// province owns it.
func (s *Service) PutLicenceType(ctx context.Context, who, code string, r api.LicenceTypeRequest) (api.Tx[*record.LicenceType], error) {
	return submitJSON[*record.LicenceType](ctx, s, who, "registry", "PutLicenceType", record.LicenceType{
		Code: code, Name: r.Name, Fields: r.Fields, MaxValidityDays: r.MaxValidityDays, MutualRecognition: r.MutualRecognition})
}

// LicenceType reads a licence type from the cache, or with fresh the ledger.
func (s *Service) LicenceType(ctx context.Context, who, code string, fresh bool) (api.Read[*record.LicenceType], error) {
	return readThrough(ctx, s, who, fresh, "licence type", func(v *cache.Snapshot) (*record.LicenceType, error) { return v.LicenceType(code) }, "registry", "GetLicenceType", code)
}

// GrantAccreditation grants an agency a new accreditation.
func (s *Service) GrantAccreditation(ctx context.Context, who string, r api.AccreditationRequest) (api.Tx[*record.Accreditation], error) {
	return submitJSON[*record.Accreditation](ctx, s, who, "registry", "GrantAccreditation", record.Accreditation{
		AgencyID: r.AgencyID, MSPID: r.MSPID, Types: r.Types, Region: r.Region, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo})
}

// Agency is an agency's owner and every grant it has had, from the ledger.
func (s *Service) Agency(ctx context.Context, who, agency string) (api.Read[*record.AgencyGrants], error) {
	return evaluate[*record.AgencyGrants](ctx, s, who, "registry", "GetAgency", agency)
}

// Grant reads one grant from the cache, or with fresh the ledger.
func (s *Service) Grant(ctx context.Context, who, id string, fresh bool) (api.Read[*record.Accreditation], error) {
	return readThrough(ctx, s, who, fresh, "grant", func(v *cache.Snapshot) (*record.Accreditation, error) { return v.Grant(id) }, "registry", "GetGrant", id)
}

// WithdrawGrant ends a grant now.
func (s *Service) WithdrawGrant(ctx context.Context, who, id string, r api.ReasonRequest) (api.Tx[*record.Accreditation], error) {
	return submit[*record.Accreditation](ctx, s, who, "registry", "WithdrawAccreditation", id, reasonArg(r))
}

func sealKey(r api.SealKeyRequest) record.SealKey {
	return record.SealKey{KeyID: r.KeyID, AgencyID: r.AgencyID, PublicKey: r.PublicKey, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo}
}

// RegisterSeal registers an agency's seal key.
func (s *Service) RegisterSeal(ctx context.Context, who string, r api.SealKeyRequest) (api.Tx[*record.SealKey], error) {
	return submitJSON[*record.SealKey](ctx, s, who, "registry", "RegisterSealKey", sealKey(r))
}

// Seal reads a seal key from the cache, or with fresh the ledger.
func (s *Service) Seal(ctx context.Context, who, id string, fresh bool) (api.Read[*record.SealKey], error) {
	return readThrough(ctx, s, who, fresh, "seal key", func(v *cache.Snapshot) (*record.SealKey, error) { return v.SealKey(id) }, "registry", "GetSealKey", id)
}

// RotateSeal replaces seal key old with r from now; r's agency is old's.
func (s *Service) RotateSeal(ctx context.Context, who, old string, r api.SealKeyRequest) (api.Tx[*record.Rotation], error) {
	if r.AgencyID != "" || !r.ValidFrom.IsZero() {
		return api.Tx[*record.Rotation]{}, badRequest("a rotation keeps the old key's agency and starts now: give no agencyId or validFrom")
	}
	return submitJSON[*record.Rotation](ctx, s, who, "registry", "RotateSealKey", sealKey(r), old)
}

// RevokeSeal revokes a seal key from r.EffectiveAt (now if zero).
func (s *Service) RevokeSeal(ctx context.Context, who, id string, r api.SealKeyRevocation) (api.Tx[*record.SealKey], error) {
	return submit[*record.SealKey](ctx, s, who, "registry", "RevokeSealKey", id, reasonArg(r.ReasonRequest), timeArg(r.EffectiveAt))
}

// BindRole binds one of the caller's organisation's identities to a role.
func (s *Service) BindRole(ctx context.Context, who string, r api.RoleRequest) (api.Tx[*record.RoleBinding], error) {
	return submit[*record.RoleBinding](ctx, s, who, "registry", "BindRole", r.ClientID, r.Role, r.AgencyID)
}

// UnbindRole takes a role back from an identity.
func (s *Service) UnbindRole(ctx context.Context, who string, r api.RoleUnbindRequest) (api.Tx[*record.RoleBinding], error) {
	return submit[*record.RoleBinding](ctx, s, who, "registry", "UnbindRole", r.ClientID, r.Role)
}
