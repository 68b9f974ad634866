package fabric

import (
	"context"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/protobuf/proto"
)

// Endorse has peers of the given organisations endorse a transaction as
// identity and returns it endorsed and never submitted: the protobuf
// common.Envelope inside fabric-gateway's Transaction.Bytes (a
// gateway.PreparedTransaction), the relay's proof of a query's answer. Its
// errors are classified (*api.Error).
func (f *Fabric) Endorse(ctx context.Context, identity, contract, fn string, orgs []string, args ...string) ([]byte, error) {
	c, err := f.contract(identity, contract)
	if err != nil {
		return nil, Classify(err)
	}
	p, err := c.NewProposal(fn, client.WithArguments(args...), client.WithEndorsingOrganizations(orgs...))
	if err != nil {
		return nil, Classify(err)
	}
	tx, err := p.EndorseWithContext(ctx)
	if err != nil {
		return nil, Classify(err)
	}
	b, err := tx.Bytes()
	if err != nil {
		return nil, Classify(err)
	}
	var prepared gateway.PreparedTransaction
	if err := proto.Unmarshal(b, &prepared); err != nil {
		return nil, Classify(err)
	}
	env, err := proto.Marshal(prepared.GetEnvelope())
	if err != nil {
		return nil, Classify(err)
	}
	return env, nil
}
