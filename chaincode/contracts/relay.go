package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Relay is the relay contract: what one channel exports with its peers'
// endorsements, and what another imports from such proofs
// (docs/adr/0016-verifiable-relay.md).
type Relay struct {
	contractapi.Contract
}

// NewRelay returns the relay contract.
func NewRelay() *Relay {
	r := &Relay{}
	r.Name = "relay"
	return r
}

// GetEvaluateTransactions lists the relay's queries.
func (r *Relay) GetEvaluateTransactions() []string {
	return []string{"ExportLicence", "ExportHandoff", "ExportAuthorization", "ExportAccessRecord", "GetSource", "ListSourceApprovals", "GetRelayed", "ListRelayed",
		"ExportSealKey", "ExportGrant", "GetRelayedSealKey", "GetRelayedGrant", "ExportGatewayEndpoint"}
}

// ExportLicence returns a JSON LicenceExport of a mutually recognised
// licence, for the relay to have endorsed.
func (r *Relay) ExportLicence(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.ExportLicence(state(ctx), id))
}

// ApproveSource records the caller's admin approval of a JSON RelaySource.
func (r *Relay) ApproveSource(ctx contractapi.TransactionContextInterface, source string) (string, error) {
	src, err := Decode[record.RelaySource]("relay source", source, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.ApproveSource(state(ctx), src))
}

// GetSource returns the definition in effect of a source channel.
func (r *Relay) GetSource(ctx contractapi.TransactionContextInterface, channel string) (string, error) {
	return reply(domain.GetSource(state(ctx), channel))
}

// ListSourceApprovals lists the definitions proposed for a source channel.
func (r *Relay) ListSourceApprovals(ctx contractapi.TransactionContextInterface, channel string, pageSize int32, bookmark string) (string, error) {
	return reply(domain.ListSourceApprovals(state(ctx), channel, pageSize, bookmark))
}

// ImportLicences records licences of another channel from a JSON list of
// RelayItems.
func (r *Relay) ImportLicences(ctx contractapi.TransactionContextInterface, items string) (string, error) {
	return importItems(ctx, items, domain.ImportLicences)
}

// GetRelayed returns a licence relayed from another channel.
func (r *Relay) GetRelayed(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.GetRelayed(state(ctx), id))
}

// ListRelayed lists the licences relayed from other channels.
func (r *Relay) ListRelayed(ctx contractapi.TransactionContextInterface, pageSize int32, bookmark string) (string, error) {
	return reply(domain.ListRelayed(state(ctx), pageSize, bookmark))
}

// ExportHandoff returns a JSON HandoffExport of a handoff that crosses
// channels, for the relay to have endorsed
// (docs/adr/0018-cross-province-sharing-and-handoffs.md).
func (r *Relay) ExportHandoff(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.ExportHandoff(state(ctx), id))
}

// ImportHandoffs records the other channel's changes of crossing handoffs
// from a JSON list of RelayItems.
func (r *Relay) ImportHandoffs(ctx contractapi.TransactionContextInterface, items string) (string, error) {
	return importItems(ctx, items, domain.ImportHandoffs)
}

// ExportAuthorization returns a JSON AuthorizationExport of an
// authorization that crosses channels.
func (r *Relay) ExportAuthorization(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.ExportAuthorization(state(ctx), id))
}

// ImportAuthorizations records the other channel's changes of crossing
// authorizations from a JSON list of RelayItems.
func (r *Relay) ImportAuthorizations(ctx contractapi.TransactionContextInterface, items string) (string, error) {
	return importItems(ctx, items, domain.ImportAuthorizations)
}

// ExportAccessRecord returns a JSON AccessExport of an access or denial
// under an authorization that crosses channels.
func (r *Relay) ExportAccessRecord(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.ExportAccessRecord(state(ctx), id))
}

// ImportAccessRecords puts the other channel's accesses and denials of
// crossing authorizations on this channel's trail, from a JSON list of
// RelayItems.
func (r *Relay) ImportAccessRecords(ctx contractapi.TransactionContextInterface, items string) (string, error) {
	return importItems(ctx, items, domain.ImportAccessRecords)
}

// ExportSealKey returns a JSON SealKeyExport of a seal key, for the relay
// to have endorsed.
func (r *Relay) ExportSealKey(ctx contractapi.TransactionContextInterface, keyID string) (string, error) {
	return reply(domain.ExportSealKey(state(ctx), keyID))
}

// ImportSealKeys records seal keys of another channel from a JSON list of
// RelayItems.
func (r *Relay) ImportSealKeys(ctx contractapi.TransactionContextInterface, items string) (string, error) {
	return importItems(ctx, items, domain.ImportSealKeys)
}

// GetRelayedSealKey returns a seal key relayed from a channel.
func (r *Relay) GetRelayedSealKey(ctx contractapi.TransactionContextInterface, channel, keyID string) (string, error) {
	return reply(domain.GetRelayedSealKey(state(ctx), channel, keyID))
}

// ExportGrant returns a JSON GrantExport of an accreditation grant, for
// the relay to have endorsed.
func (r *Relay) ExportGrant(ctx contractapi.TransactionContextInterface, grantID string) (string, error) {
	return reply(domain.ExportGrant(state(ctx), grantID))
}

// ImportGrants records accreditation grants of another channel from a
// JSON list of RelayItems.
func (r *Relay) ImportGrants(ctx contractapi.TransactionContextInterface, items string) (string, error) {
	return importItems(ctx, items, domain.ImportGrants)
}

// GetRelayedGrant returns a grant relayed from a channel.
func (r *Relay) GetRelayedGrant(ctx contractapi.TransactionContextInterface, channel, grantID string) (string, error) {
	return reply(domain.GetRelayedGrant(state(ctx), channel, grantID))
}

// importItems decodes a JSON list of RelayItems and imports them.
func importItems(ctx contractapi.TransactionContextInterface, items string, imp func(domain.State, []record.RelayItem) (*record.ImportResult, error)) (string, error) {
	its, err := Decode[[]record.RelayItem]("relay items", items, MaxBatchArg*4)
	if err != nil {
		return "", err
	}
	return reply(imp(state(ctx), its))
}

// ExportGatewayEndpoint returns a JSON GatewayEndpointExport of an
// organisation's gateway endpoint, for the relay to have endorsed.
func (r *Relay) ExportGatewayEndpoint(ctx contractapi.TransactionContextInterface, mspID string) (string, error) {
	return reply(domain.ExportGatewayEndpoint(state(ctx), mspID))
}

// ImportGatewayEndpoints records gateway endpoints of another channel's
// organisations from a JSON list of RelayItems.
func (r *Relay) ImportGatewayEndpoints(ctx contractapi.TransactionContextInterface, items string) (string, error) {
	return importItems(ctx, items, domain.ImportGatewayEndpoints)
}
