package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Name and Version identify the chaincode.
const (
	Name    = "wanledger"
	Version = "0.1.0"
)

// all returns every contract of the chaincode.
func all() []contractapi.ContractInterface {
	return []contractapi.ContractInterface{NewRegistry(), NewLicence(), NewShare(), NewAudit(), NewHandoff(), NewRelay()}
}

// ContractNames lists the chaincode's contracts.
func ContractNames() []string {
	var names []string
	for _, c := range all() {
		names = append(names, c.GetName())
	}
	return names
}

// New assembles the chaincode from its contracts.
func New() (*contractapi.ContractChaincode, error) {
	cc, err := contractapi.NewChaincode(all()...)
	if err != nil {
		return nil, err
	}
	cc.Info.Title = Name
	cc.Info.Version = Version
	cc.DefaultContract = "registry"
	return cc, nil
}
