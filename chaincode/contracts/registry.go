package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Registry is the registry contract: the channel's membership, licence
// types, accredited issuers, agency seal keys, role bindings and gateway
// endpoints.
type Registry struct {
	contractapi.Contract
}

// NewRegistry returns the registry contract.
func NewRegistry() *Registry {
	r := &Registry{}
	r.Name = "registry"
	return r
}

// GetEvaluateTransactions lists the registry's queries.
func (r *Registry) GetEvaluateTransactions() []string {
	return []string{"Version", "WhoAmI", "GetLicenceType", "ListLicenceTypes", "GetAgency", "GetGrant", "GrantAt", "ListAccreditations",
		"GetSealKey", "ListSealKeys", "ListRoles", "GetGatewayEndpoint", "GetMembership", "MembershipHistory"}
}

// VersionInfo describes the running chaincode.
type VersionInfo struct {
	Chaincode string   `json:"chaincode"`
	Version   string   `json:"version"`
	Contracts []string `json:"contracts"`
}

// Version returns the chaincode's name, version and contracts.
func (r *Registry) Version(ctx contractapi.TransactionContextInterface) (string, error) {
	return reply(VersionInfo{Chaincode: Name, Version: Version, Contracts: ContractNames()}, nil)
}

// Identity is what the ledger sees of a caller.
type Identity struct {
	MSPID    string `json:"mspId"`
	ClientID string `json:"clientId"`
	Admin    bool   `json:"admin"`
}

// WhoAmI returns the caller's MSP ID and client ID, the name role bindings use.
func (r *Registry) WhoAmI(ctx contractapi.TransactionContextInterface) (string, error) {
	c, err := state(ctx).Caller()
	if err != nil {
		return "", record.Wrap(record.CodeForbidden, err, "identify caller")
	}
	return reply(Identity{MSPID: c.MSPID, ClientID: c.ID, Admin: c.Admin}, nil)
}

// PutLicenceType defines or changes a licence type (a province admin).
func (r *Registry) PutLicenceType(ctx contractapi.TransactionContextInterface, licenceType string) (string, error) {
	t, err := Decode[record.LicenceType]("licence type", licenceType, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.PutLicenceType(state(ctx), t))
}

// GetLicenceType returns a licence type.
func (r *Registry) GetLicenceType(ctx contractapi.TransactionContextInterface, code string) (string, error) {
	return reply(domain.GetLicenceType(state(ctx), code))
}

// ListLicenceTypes lists licence types, pageSize at a time.
func (r *Registry) ListLicenceTypes(ctx contractapi.TransactionContextInterface, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListLicenceTypes(state(ctx), n, b))
}

// GrantAccreditation records a new grant for an agency (a province admin).
func (r *Registry) GrantAccreditation(ctx contractapi.TransactionContextInterface, accreditation string) (string, error) {
	a, err := Decode[record.Accreditation]("accreditation", accreditation, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.GrantAccreditation(state(ctx), a))
}

// WithdrawAccreditation ends one grant now ("<agency ID>:<sequence>").
func (r *Registry) WithdrawAccreditation(ctx contractapi.TransactionContextInterface, grantID, reason string) (string, error) {
	return reply(domain.WithdrawAccreditation(state(ctx), grantID, reason))
}

// GetAgency returns an agency's owner and every grant it has had.
func (r *Registry) GetAgency(ctx contractapi.TransactionContextInterface, agencyID string) (string, error) {
	return reply(domain.GetAgency(state(ctx), agencyID))
}

// GetGrant returns one grant.
func (r *Registry) GetGrant(ctx contractapi.TransactionContextInterface, grantID string) (string, error) {
	return reply(domain.GetGrant(state(ctx), grantID))
}

// GrantAt returns the agency's grant in force for a type and region at a
// time (RFC 3339).
func (r *Registry) GrantAt(ctx contractapi.TransactionContextInterface, agencyID, typeCode, region, at string) (string, error) {
	t, err := requiredTime("time", at)
	if err != nil {
		return "", err
	}
	return reply(domain.GrantAt(state(ctx), agencyID, typeCode, region, t))
}

// ListAccreditations lists accreditations.
func (r *Registry) ListAccreditations(ctx contractapi.TransactionContextInterface, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListAccreditations(state(ctx), n, b))
}

// RegisterSealKey records an agency's new seal key (its organisation's admin).
func (r *Registry) RegisterSealKey(ctx contractapi.TransactionContextInterface, sealKey string) (string, error) {
	k, err := Decode[record.SealKey]("seal key", sealKey, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.RegisterSealKey(state(ctx), k))
}

// RotateSealKey replaces a seal key with a new one from now.
func (r *Registry) RotateSealKey(ctx contractapi.TransactionContextInterface, oldKeyID, newKey string) (string, error) {
	k, err := Decode[record.SealKey]("seal key", newKey, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.RotateSealKey(state(ctx), oldKeyID, k))
}

// RevokeSealKey revokes a seal key from effectiveAt (RFC 3339; "" for now).
func (r *Registry) RevokeSealKey(ctx contractapi.TransactionContextInterface, keyID, reason, effectiveAt string) (string, error) {
	at, err := timeArg("effective time", effectiveAt)
	if err != nil {
		return "", err
	}
	return reply(domain.RevokeSealKey(state(ctx), keyID, reason, at))
}

// GetSealKey returns a seal key.
func (r *Registry) GetSealKey(ctx contractapi.TransactionContextInterface, keyID string) (string, error) {
	return reply(domain.GetSealKey(state(ctx), keyID))
}

// ListSealKeys lists seal keys.
func (r *Registry) ListSealKeys(ctx contractapi.TransactionContextInterface, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListSealKeys(state(ctx), n, b))
}

// BindRole gives a client identity of the admin's organisation a role;
// agencyID names the agency of an issuer.
func (r *Registry) BindRole(ctx contractapi.TransactionContextInterface, clientID, role, agencyID string) (string, error) {
	return reply(domain.BindRole(state(ctx), clientID, record.Role(role), agencyID))
}

// UnbindRole takes a role back.
func (r *Registry) UnbindRole(ctx contractapi.TransactionContextInterface, clientID, role string) (string, error) {
	return reply(domain.UnbindRole(state(ctx), clientID, record.Role(role)))
}

// ListRoles lists the role bindings of the caller's organisation.
func (r *Registry) ListRoles(ctx contractapi.TransactionContextInterface, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListRoles(state(ctx), n, b))
}

// SetGatewayEndpoint publishes the calling organisation's gateway mesh
// endpoint: its libp2p peer ID and a JSON list of multiaddresses.
func (r *Registry) SetGatewayEndpoint(ctx contractapi.TransactionContextInterface, peerID, addrs string) (string, error) {
	a, err := Decode[[]string]("addresses", addrs, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.SetGatewayEndpoint(state(ctx), peerID, a))
}

// GetGatewayEndpoint returns an organisation's gateway mesh endpoint.
func (r *Registry) GetGatewayEndpoint(ctx contractapi.TransactionContextInterface, mspID string) (string, error) {
	return reply(domain.GetGatewayEndpoint(state(ctx), mspID))
}
