// Package contracts holds the chaincode's thin contracts: each method decodes
// its arguments, calls the domain with a State adapted from the Fabric stub,
// and encodes the result.
package contracts

import (
	"fmt"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// stubState adapts a transaction context to domain.State.
type stubState struct {
	ctx contractapi.TransactionContextInterface
}

var _ domain.State = stubState{}

func state(ctx contractapi.TransactionContextInterface) domain.State { return stubState{ctx: ctx} }

func (s stubState) Get(key string) ([]byte, error) { return s.ctx.GetStub().GetState(key) }

func (s stubState) Put(key string, value []byte) error { return s.ctx.GetStub().PutState(key, value) }

func (s stubState) Emit(name string, payload []byte) error {
	return s.ctx.GetStub().SetEvent(name, payload)
}

func (s stubState) TxID() string { return s.ctx.GetStub().GetTxID() }

func (s stubState) TxTime() (time.Time, error) {
	ts, err := s.ctx.GetStub().GetTxTimestamp()
	if err != nil {
		return time.Time{}, err
	}
	return ts.AsTime().UTC(), nil
}

func (s stubState) Caller() (domain.Caller, error) {
	ci := s.ctx.GetClientIdentity()
	msp, err := ci.GetMSPID()
	if err != nil {
		return domain.Caller{}, fmt.Errorf("client MSP ID: %w", err)
	}
	id, err := ci.GetID()
	if err != nil {
		return domain.Caller{}, fmt.Errorf("client ID: %w", err)
	}
	return domain.Caller{MSPID: msp, ID: id}, nil
}
