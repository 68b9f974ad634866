package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Registry is the registry contract: who is who on the ledger.
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
	return []string{"Version", "GetGatewayEndpoint"}
}

// VersionInfo describes the running chaincode.
type VersionInfo struct {
	Chaincode string   `json:"chaincode"`
	Version   string   `json:"version"`
	Contracts []string `json:"contracts"`
}

// Version returns the chaincode's name, version and contracts.
func (r *Registry) Version(ctx contractapi.TransactionContextInterface) (*VersionInfo, error) {
	return &VersionInfo{Chaincode: Name, Version: Version, Contracts: ContractNames()}, nil
}

// SetGatewayEndpoint publishes the calling organisation's gateway mesh
// endpoint: its libp2p peer ID and multiaddresses.
func (r *Registry) SetGatewayEndpoint(ctx contractapi.TransactionContextInterface, peerID string, addrs []string) (*domain.GatewayEndpoint, error) {
	return domain.SetGatewayEndpoint(state(ctx), peerID, addrs)
}

// GetGatewayEndpoint returns an organisation's gateway mesh endpoint.
func (r *Registry) GetGatewayEndpoint(ctx contractapi.TransactionContextInterface, mspID string) (*domain.GatewayEndpoint, error) {
	return domain.GetGatewayEndpoint(state(ctx), mspID)
}
