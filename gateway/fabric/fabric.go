// Package fabric is a gateway's Fabric layer: one gRPC connection to the
// organisation's peer, a fabric-gateway client per configured identity,
// submits (started again while the peers disagree) and evaluates with the configured
// timeouts, the channel's blocks and height, and the classification of
// every failure into the API's error (Classify).
package fabric

import (
	"context"
	"fmt"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/internal/fabricid"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Fabric is the Ledger over one gRPC connection to the organisation's peer,
// shared by a fabric-gateway client per identity.
type Fabric struct {
	conn     *grpc.ClientConn
	gws      map[string]*client.Gateway
	channel  string
	cc       string
	baseline string // the baseline chaincode, or ""
	mspID    string // the organisation whose peer this is
	timeouts config.Timeouts
}

var (
	_ service.Ledger         = (*Fabric)(nil)
	_ service.BaselineLedger = (*Fabric)(nil)
)

// submitAttempts bounds the attempts of a transaction the peers disagree on.
const submitAttempts = 5

// Dial connects to the peer as each configured identity.
func Dial(c *config.Config) (*Fabric, error) {
	conn, err := fabricid.Dial(c.Peer.Address, c.Peer.TLSCA)
	if err != nil {
		return nil, err
	}
	f := &Fabric{conn: conn, gws: map[string]*client.Gateway{}, channel: c.Channel, cc: c.Chaincode, baseline: c.Baseline, mspID: c.MSPID, timeouts: c.Timeouts}
	for _, id := range c.Identities {
		gw, err := fabricid.Connect(c.MSPID, id.MSPDir, conn)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("identity %s: %w", id.Name, err)
		}
		f.gws[id.Name] = gw
	}
	return f, nil
}

// Close closes the clients and the connection.
func (f *Fabric) Close() error {
	for _, gw := range f.gws {
		gw.Close()
	}
	return f.conn.Close()
}

func (f *Fabric) contract(identity, name string) (*client.Contract, error) {
	net, err := f.network(identity)
	if err != nil {
		return nil, err
	}
	return net.GetContractWithName(f.cc, name), nil
}

func (f *Fabric) network(identity string) (*client.Network, error) {
	gw, ok := f.gws[identity]
	if !ok {
		return nil, fmt.Errorf("no identity %q configured", identity)
	}
	return gw.GetNetwork(f.channel), nil
}

// Submit submits and waits for the commit, starting again while the peers
// disagree on what it reads (fabricid.SubmitWith): a read conflict, or
// another organisation's peer refusing what this organisation's peer
// endorsed. Its errors are classified (*api.Error).
func (f *Fabric) Submit(ctx context.Context, identity, contract, fn string, args ...string) (service.Result, error) {
	c, err := f.contract(identity, contract)
	if err != nil {
		return service.Result{}, Classify(err)
	}
	return f.submit(ctx, c, fn, args...)
}

// BaselineWrite writes one key of the baseline chaincode through the same
// submit as Submit's (ADR 31); without a baseline configured it answers
// service.ErrNoBaseline.
func (f *Fabric) BaselineWrite(ctx context.Context, identity, key, value string) (service.Result, error) {
	if f.baseline == "" {
		return service.Result{}, service.ErrNoBaseline
	}
	net, err := f.network(identity)
	if err != nil {
		return service.Result{}, Classify(err)
	}
	return f.submit(ctx, net.GetContract(f.baseline), record.BaselinePut, key, value)
}

// submit submits a transaction of contract c and waits for its commit,
// starting it again while the peers disagree (fabricid.SubmitWith), each
// step within its configured timeout and every attempt within one
// attempt's timeouts in all, which the configuration keeps below the HTTP
// write timeout: a client hears how its transaction ended, or 504
// UNAVAILABLE if the commit status did not come in time. Its errors are
// classified.
func (f *Fabric) submit(ctx context.Context, c *client.Contract, fn string, args ...string) (service.Result, error) {
	t := f.timeouts
	ctx, cancel := context.WithTimeout(ctx, t.Endorse.Duration+t.Submit.Duration+t.CommitStatus.Duration)
	defer cancel()
	payload, st, err := fabricid.SubmitWith(ctx, c, fn, fabricid.SubmitOptions{Attempts: submitAttempts, Local: f.mspID,
		Endorse: t.Endorse.Duration, Submit: t.Submit.Duration, CommitStatus: t.CommitStatus.Duration}, args...)
	if err != nil {
		return service.Result{}, Classify(err)
	}
	return service.Result{Payload: payload, TxID: st.TransactionID, Block: st.BlockNumber}, nil
}

// Evaluate runs a query. Its errors are classified (*api.Error).
func (f *Fabric) Evaluate(ctx context.Context, identity, contract, fn string, args ...string) ([]byte, error) {
	c, err := f.contract(identity, contract)
	if err != nil {
		return nil, Classify(err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeouts.Evaluate.Duration)
	defer cancel()
	out, err := c.EvaluateWithContext(ctx, fn, client.WithArguments(args...))
	if err != nil {
		return nil, Classify(err)
	}
	return out, nil
}

// anyGateway returns one of the clients, for channel-level reads.
func (f *Fabric) anyGateway() *client.Gateway {
	for _, gw := range f.gws {
		return gw
	}
	return nil
}

// Blocks streams the channel's blocks from start.
func (f *Fabric) Blocks(ctx context.Context, start uint64) (<-chan *common.Block, error) {
	return f.anyGateway().GetNetwork(f.channel).BlockEvents(ctx, client.WithStartBlock(start))
}

// Height asks the peer for the channel's height (its errors classified).
func (f *Fabric) Height(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeouts.Evaluate.Duration)
	defer cancel()
	out, err := f.anyGateway().GetNetwork(f.channel).GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(f.channel))
	if err != nil {
		return 0, Classify(err)
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(out, &info); err != nil {
		return 0, err
	}
	return info.GetHeight(), nil
}
