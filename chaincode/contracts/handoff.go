package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Handoff is the cross-region service handoff contract.
type Handoff struct {
	contractapi.Contract
}

// NewHandoff returns the handoff contract.
func NewHandoff() *Handoff {
	h := &Handoff{}
	h.Name = "handoff"
	return h
}

// GetEvaluateTransactions lists the handoff contract's queries.
func (c *Handoff) GetEvaluateTransactions() []string { return []string{"Get", "List"} }

// Open opens a handoff from the caller's organisation: a JSON Handoff.
func (c *Handoff) Open(ctx contractapi.TransactionContextInterface, handoff string) (string, error) {
	h, err := Decode[record.Handoff]("handoff", handoff, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.Open(state(ctx), h))
}

// Accept takes a handoff on (the target).
func (c *Handoff) Accept(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.Accept(state(ctx), id))
}

// Reject refuses a handoff (the target).
func (c *Handoff) Reject(ctx contractapi.TransactionContextInterface, id, reason string) (string, error) {
	return reply(domain.Reject(state(ctx), id, reason))
}

// Start begins handling a handoff (the target).
func (c *Handoff) Start(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.Start(state(ctx), id))
}

// Complete finishes a handoff with the SM3 digest of its result (the target).
func (c *Handoff) Complete(ctx contractapi.TransactionContextInterface, id, resultDigest string) (string, error) {
	return reply(domain.Complete(state(ctx), id, resultDigest))
}

// Cancel withdraws a handoff before acceptance (the origin).
func (c *Handoff) Cancel(ctx contractapi.TransactionContextInterface, id, reason string) (string, error) {
	return reply(domain.Cancel(state(ctx), id, reason))
}

// Get returns a handoff, marked overdue if past its deadline.
func (c *Handoff) Get(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.GetHandoff(state(ctx), id))
}

// List lists an organisation's handoffs in a status.
func (c *Handoff) List(ctx contractapi.TransactionContextInterface, mspID, status, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListHandoffs(state(ctx), mspID, record.HandoffStatus(status), n, b))
}
