package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Licence is the licence contract: the life of every e-licence.
type Licence struct {
	contractapi.Contract
}

// NewLicence returns the licence contract.
func NewLicence() *Licence {
	l := &Licence{}
	l.Name = "licence"
	return l
}

// GetEvaluateTransactions lists the licence contract's queries.
func (l *Licence) GetEvaluateTransactions() []string {
	return []string{"Get", "Evidence", "StatusAt", "CheckGrant", "History", "ListByHolder", "ListByIssuer"}
}

// Issue verifies and records a licence: a JSON IssueRequest.
func (l *Licence) Issue(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	r, err := Decode[record.IssueRequest]("issue request", request, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.Issue(state(ctx), r))
}

// IssueBatch issues a JSON list of IssueRequests, all or none.
func (l *Licence) IssueBatch(ctx contractapi.TransactionContextInterface, requests string) (string, error) {
	rs, err := Decode[[]record.IssueRequest]("issue requests", requests, MaxBatchArg)
	if err != nil {
		return "", err
	}
	return reply(domain.IssueBatch(state(ctx), rs))
}

// Renew extends a licence: a JSON RenewRequest.
func (l *Licence) Renew(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	r, err := Decode[record.RenewRequest]("renew request", request, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.Renew(state(ctx), r))
}

// Suspend suspends an active licence.
func (l *Licence) Suspend(ctx contractapi.TransactionContextInterface, id, reason string) (string, error) {
	return reply(domain.Suspend(state(ctx), id, reason))
}

// Reinstate lifts a suspension.
func (l *Licence) Reinstate(ctx contractapi.TransactionContextInterface, id, reason string) (string, error) {
	return reply(domain.Reinstate(state(ctx), id, reason))
}

// Revoke revokes a licence from effectiveAt (RFC 3339, may be past; "" for now).
func (l *Licence) Revoke(ctx contractapi.TransactionContextInterface, id, reason, effectiveAt string) (string, error) {
	at, err := timeArg("effective time", effectiveAt)
	if err != nil {
		return "", err
	}
	return reply(domain.Revoke(state(ctx), id, reason, at))
}

// Get returns a licence.
func (l *Licence) Get(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.GetLicence(state(ctx), id))
}

// Evidence returns a licence with the grant it names and the seal key that
// sealed it, read at one height, for a verifier.
func (l *Licence) Evidence(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.VerificationEvidence(state(ctx), id))
}

// StatusAt returns a licence's status at a time (RFC 3339).
func (l *Licence) StatusAt(ctx contractapi.TransactionContextInterface, id, at string) (string, error) {
	t, err := requiredTime("time", at)
	if err != nil {
		return "", err
	}
	return reply(domain.StatusAt(state(ctx), id, t))
}

// CheckGrant answers whether the grant a licence names was in force for it
// when its content was sealed.
func (l *Licence) CheckGrant(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.CheckLicenceGrant(state(ctx), id))
}

// History lists every committed version of a licence with its transaction.
func (l *Licence) History(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return reply(domain.History(state(ctx), id))
}

// ListByHolder lists a holder pseudonym's licences.
func (l *Licence) ListByHolder(ctx contractapi.TransactionContextInterface, pseudonym, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListByHolder(state(ctx), pseudonym, n, b))
}

// ListByIssuer lists the licences an agency issued.
func (l *Licence) ListByIssuer(ctx contractapi.TransactionContextInterface, agencyID, pageSize, bookmark string) (string, error) {
	n, b, err := pageArgs(pageSize, bookmark)
	if err != nil {
		return "", err
	}
	return reply(domain.ListByIssuer(state(ctx), agencyID, n, b))
}
