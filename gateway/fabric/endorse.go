package fabric

import (
	"context"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/wanledger/wanledger/internal/fabricid"
)

// Endorse has peers of the given organisations endorse a transaction as
// identity and returns it endorsed and never submitted, as fabric-gateway's
// Transaction.Bytes does (a protobuf gateway.PreparedTransaction): the
// relay's proof of a query's answer (relayproof.FromTransaction). Its
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
	tx, err := fabricid.Within(ctx, f.timeouts.Endorse.Duration, p.EndorseWithContext)
	if err != nil {
		return nil, Classify(err)
	}
	b, err := tx.Bytes()
	if err != nil {
		return nil, Classify(err)
	}
	return b, nil
}
