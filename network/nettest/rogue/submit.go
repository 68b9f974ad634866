package rogue

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// Assemble builds the transaction envelope of p from endorsed responses,
// which must agree on their payload, and signs it as the client. The caller
// may have altered the responses (their payloads and endorsements are taken
// as they are).
func (c *Client) Assemble(p *Proposal, resps []*peer.ProposalResponse) (*common.Envelope, error) {
	if len(resps) == 0 {
		return nil, errors.New("rogue: no endorsement to assemble")
	}
	var ends []*peer.Endorsement
	for i, r := range resps {
		if r == nil || r.GetEndorsement() == nil {
			return nil, fmt.Errorf("rogue: response %d carries no endorsement", i)
		}
		if !bytes.Equal(r.GetPayload(), resps[0].GetPayload()) {
			return nil, fmt.Errorf("rogue: response %d has another payload than response 0", i)
		}
		ends = append(ends, r.GetEndorsement())
	}
	var m marshaller
	action := m.bytes(&peer.ChaincodeActionPayload{
		ChaincodeProposalPayload: p.payload,
		Action:                   &peer.ChaincodeEndorsedAction{ProposalResponsePayload: resps[0].GetPayload(), Endorsements: ends},
	})
	payload := m.bytes(&common.Payload{Header: p.header, Data: m.bytes(&peer.Transaction{
		Actions: []*peer.TransactionAction{{Header: p.header.GetSignatureHeader(), Payload: action}},
	})})
	if m.err != nil {
		return nil, m.err
	}
	sig, err := c.signBytes(payload)
	if err != nil {
		return nil, err
	}
	return &common.Envelope{Payload: payload, Signature: sig}, nil
}

// Broadcast sends an envelope to an orderer and waits for its answer.
func (c *Client) Broadcast(ctx context.Context, env *common.Envelope) error {
	conn, err := c.Orderer()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := orderer.NewAtomicBroadcastClient(conn).Broadcast(ctx)
	if err != nil {
		return fmt.Errorf("rogue: broadcast: %w", err)
	}
	if err := stream.Send(env); err != nil {
		return fmt.Errorf("rogue: broadcast: %w", err)
	}
	resp, err := stream.Recv()
	if err != nil {
		return fmt.Errorf("rogue: broadcast: %w", err)
	}
	if resp.GetStatus() != common.Status_SUCCESS {
		return fmt.Errorf("rogue: the orderer refused the transaction: %s %s", resp.GetStatus(), resp.GetInfo())
	}
	return stream.CloseSend()
}

// Validation waits until the peer of org has committed the transaction and
// returns the code it validated it with. It asks the query system chaincode
// (GetTransactionByID) every quarter of a second until ctx ends.
func (c *Client) Validation(ctx context.Context, org, channel, txID string) (peer.TxValidationCode, error) {
	for {
		code, err := c.validationOnce(ctx, org, channel, txID)
		if err == nil {
			return code, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("rogue: transaction %s not found on the peer of %s: %w (last answer: %v)", txID, org, ctx.Err(), err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (c *Client) validationOnce(ctx context.Context, org, channel, txID string) (peer.TxValidationCode, error) {
	p, err := c.Propose(Invocation{Channel: channel, Chaincode: "qscc", Function: "GetTransactionByID", Args: []string{channel, txID}})
	if err != nil {
		return 0, err
	}
	resps, err := c.Endorse(ctx, p, org)
	if err != nil {
		return 0, err
	}
	var pt peer.ProcessedTransaction
	if err := proto.Unmarshal(resps[0].GetResponse().GetPayload(), &pt); err != nil {
		return 0, fmt.Errorf("rogue: decode processed transaction: %w", err)
	}
	return peer.TxValidationCode(pt.GetValidationCode()), nil
}

// Submit endorses p at the peers of endorsers, assembles and broadcasts the
// transaction, and returns the code the first endorser's peer validated it
// with. The code means nothing when the error is not nil; a peer's refusal
// to endorse is returned as the error (see Endorse), before anything is
// ordered.
func (c *Client) Submit(ctx context.Context, p *Proposal, endorsers ...string) (peer.TxValidationCode, error) {
	if len(endorsers) == 0 {
		return 0, errors.New("rogue: name at least one endorsing organisation")
	}
	resps, err := c.Endorse(ctx, p, endorsers...)
	if err != nil {
		return 0, err
	}
	env, err := c.Assemble(p, resps)
	if err != nil {
		return 0, err
	}
	if err := c.Broadcast(ctx, env); err != nil {
		return 0, err
	}
	return c.Validation(ctx, endorsers[0], p.Channel, p.TxID)
}
