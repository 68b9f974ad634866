package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Audit is the audit contract: traces over the access trail, and checks of
// bodies against recorded digests.
type Audit struct {
	contractapi.Contract
}

// NewAudit returns the audit contract.
func NewAudit() *Audit {
	a := &Audit{}
	a.Name = "audit"
	return a
}

// GetEvaluateTransactions lists the audit contract's queries: all of them.
func (a *Audit) GetEvaluateTransactions() []string { return []string{"Trace", "Verify"} }

// Trace lists access records by one dimension in a time window: a JSON
// TraceQuery.
func (a *Audit) Trace(ctx contractapi.TransactionContextInterface, query string) (string, error) {
	q, err := Decode[record.TraceQuery]("trace query", query, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.Trace(state(ctx), q))
}

// Verify says whether request and response bodies match an access record.
func (a *Audit) Verify(ctx contractapi.TransactionContextInterface, accessID, request, response string) (string, error) {
	if len(request)+len(response) > MaxBatchArg {
		return "", record.Errorf(record.CodeTooLarge, "bodies over %d bytes", MaxBatchArg)
	}
	return reply(domain.VerifyAccess(state(ctx), accessID, []byte(request), []byte(response)))
}
