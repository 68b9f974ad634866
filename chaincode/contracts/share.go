package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Share is the data-sharing contract: datasets, authorizations and the
// accesses and denials recorded against them.
type Share struct {
	contractapi.Contract
}

// NewShare returns the share contract.
func NewShare() *Share {
	s := &Share{}
	s.Name = "share"
	return s
}

// GetEvaluateTransactions lists the share contract's queries.
func (c *Share) GetEvaluateTransactions() []string {
	return []string{"Get", "ListByOwner", "ListByRequester", "GetDataset", "ListDatasets", "GetAccess"}
}

// Grant records an authorization from the caller's organisation (a data-owner).
func (c *Share) Grant(ctx contractapi.TransactionContextInterface, authorization string) (string, error) {
	a, err := Decode[record.Authorization]("authorization", authorization, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.GrantAuthorization(state(ctx), a))
}

// Revoke ends an authorization now.
func (c *Share) Revoke(ctx contractapi.TransactionContextInterface, id, reason string) (string, error) {
	return reply(domain.RevokeAuthorization(state(ctx), id, reason))
}

// Get returns an authorization.
func (c *Share) Get(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.GetAuthorization(state(ctx), id))
}

// ListByOwner lists the authorizations an organisation granted.
func (c *Share) ListByOwner(ctx contractapi.TransactionContextInterface, mspID, pageSize, bookmark string) (string, error) {
	return c.list(ctx, mspID, true, pageSize, bookmark)
}

// ListByRequester lists the authorizations an organisation was granted.
func (c *Share) ListByRequester(ctx contractapi.TransactionContextInterface, mspID, pageSize, bookmark string) (string, error) {
	return c.list(ctx, mspID, false, pageSize, bookmark)
}

func (c *Share) list(ctx contractapi.TransactionContextInterface, mspID string, asOwner bool, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListAuthorizations(state(ctx), mspID, asOwner, n, b))
}

// RecordAccess checks the requester's signed request and the
// authorization, counts the use and records the access (the provider, a
// data-owner of the owner, as a JSON AccessRequest).
func (c *Share) RecordAccess(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	r, err := Decode[record.AccessRequest]("access request", request, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.RecordAccess(state(ctx), r))
}

// GetAccess returns an access record or denial by its ID.
func (c *Share) GetAccess(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.GetAccess(state(ctx), id))
}

// RecordDenial records a refused attempt (the provider, a data-owner, as a
// JSON DenialRequest).
func (c *Share) RecordDenial(ctx contractapi.TransactionContextInterface, denial string) (string, error) {
	d, err := Decode[record.DenialRequest]("denial", denial, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.RecordDenial(state(ctx), d))
}

// RegisterDataset registers a dataset of the caller's organisation (its
// admin or a data-owner, as a JSON Dataset).
func (c *Share) RegisterDataset(ctx contractapi.TransactionContextInterface, dataset string) (string, error) {
	d, err := Decode[record.Dataset]("dataset", dataset, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.RegisterDataset(state(ctx), d))
}

// GetDataset returns a dataset.
func (c *Share) GetDataset(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.GetDataset(state(ctx), id))
}

// ListDatasets lists the registered datasets.
func (c *Share) ListDatasets(ctx contractapi.TransactionContextInterface, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListDatasets(state(ctx), n, b))
}
