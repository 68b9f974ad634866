package contracts

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// ApproveMembership approves the channel's first membership (an admin of an
// organisation of the channel's configuration): a JSON list of
// Organisations, one for each organisation of the configuration.
func (r *Registry) ApproveMembership(ctx contractapi.TransactionContextInterface, orgs string) (string, error) {
	o, err := Decode[[]record.Organisation]("organisations", orgs, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.ApproveMembership(state(ctx), o))
}

// AddMember adds an organisation of the channel's configuration to its
// membership (its province's admin): a JSON Organisation.
func (r *Registry) AddMember(ctx contractapi.TransactionContextInterface, org string) (string, error) {
	o, err := Decode[record.Organisation]("organisation", org, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.AddMember(state(ctx), o))
}

// RequestMembership records an organisation's consent to join the
// channel's membership as an organisation of a province (its own admin):
// a JSON Organisation.
func (r *Registry) RequestMembership(ctx contractapi.TransactionContextInterface, org string) (string, error) {
	o, err := Decode[record.Organisation]("organisation", org, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.RequestMembership(state(ctx), o))
}

// ApproveProvince approves an organisation joining the channel's
// membership as a province with a prefix (an admin of a member): a JSON
// Organisation.
func (r *Registry) ApproveProvince(ctx contractapi.TransactionContextInterface, org string) (string, error) {
	o, err := Decode[record.Organisation]("organisation", org, MaxArg)
	if err != nil {
		return "", err
	}
	return reply(domain.ApproveProvince(state(ctx), o))
}

// RemoveMember removes an organisation from the channel's membership (its
// province's admin), once the channel's configuration no longer holds it.
func (r *Registry) RemoveMember(ctx contractapi.TransactionContextInterface, mspID string) (string, error) {
	return reply(domain.RemoveMember(state(ctx), mspID))
}

// GetMembership returns the channel's membership in force.
func (r *Registry) GetMembership(ctx contractapi.TransactionContextInterface) (string, error) {
	return reply(domain.GetMembership(state(ctx)))
}

// MembershipHistory lists every version of the channel's membership, oldest
// first.
func (r *Registry) MembershipHistory(ctx contractapi.TransactionContextInterface) (string, error) {
	return reply(domain.MembershipHistory(state(ctx)))
}
