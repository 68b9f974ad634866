package rogue

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gwproto "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/internal/fabricid"
	"google.golang.org/protobuf/proto"
)

// Endorser signs endorsements as a peer does: a dishonest organisation
// holds its own peer's signing key.
type Endorser struct {
	identity []byte // serialized msp.SerializedIdentity
	sign     identity.Sign
}

// PeerEndorser loads a peer's signing identity from its local MSP directory
// (signcerts/ and keystore/, as cryptogen lays them out).
func PeerEndorser(mspID, mspDir string) (*Endorser, error) {
	id, sign, err := fabricid.Load(mspID, mspDir)
	if err != nil {
		return nil, err
	}
	b, err := proto.Marshal(&msp.SerializedIdentity{Mspid: id.MspID(), IdBytes: id.Credentials()})
	if err != nil {
		return nil, err
	}
	return &Endorser{identity: b, sign: sign}, nil
}

// Endorse signs a proposal response payload as the peer's endorsement
// system chaincode does: over the payload followed by the endorser's
// identity, hashed with SHA-256.
func (e *Endorser) Endorse(prp []byte) (*peer.Endorsement, error) {
	digest := sha256.Sum256(append(append([]byte(nil), prp...), e.identity...))
	sig, err := e.sign(digest[:])
	if err != nil {
		return nil, err
	}
	return &peer.Endorsement{Endorser: e.identity, Signature: sig}, nil
}

// ReplaceEvent takes a prepared, endorsed transaction (fabric-gateway's
// Transaction.Bytes) and returns it with its chaincode event replaced by
// one of the given name and payload, and its endorsements replaced by one
// endorsement of e over the changed proposal response. The write set stays
// as endorsed. The envelope is left unsigned, for the client to sign
// (fabric-gateway's Gateway.NewTransaction, then Submit).
func ReplaceEvent(prepared []byte, name string, payload []byte, e *Endorser) ([]byte, error) {
	var pt gwproto.PreparedTransaction
	if err := proto.Unmarshal(prepared, &pt); err != nil {
		return nil, fmt.Errorf("prepared transaction: %w", err)
	}
	var env common.Payload
	if err := proto.Unmarshal(pt.GetEnvelope().GetPayload(), &env); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(env.GetData(), &tx); err != nil {
		return nil, fmt.Errorf("transaction: %w", err)
	}
	if len(tx.GetActions()) != 1 {
		return nil, errors.New("want a transaction of one action")
	}
	var cap peer.ChaincodeActionPayload
	if err := proto.Unmarshal(tx.Actions[0].GetPayload(), &cap); err != nil {
		return nil, fmt.Errorf("chaincode action payload: %w", err)
	}
	if cap.GetAction() == nil {
		return nil, errors.New("the transaction has no endorsed action")
	}
	var prp peer.ProposalResponsePayload
	if err := proto.Unmarshal(cap.GetAction().GetProposalResponsePayload(), &prp); err != nil {
		return nil, fmt.Errorf("proposal response payload: %w", err)
	}
	var action peer.ChaincodeAction
	if err := proto.Unmarshal(prp.GetExtension(), &action); err != nil {
		return nil, fmt.Errorf("chaincode action: %w", err)
	}
	// Validation checks only that the event names the action's chaincode.
	ev := &peer.ChaincodeEvent{ChaincodeId: action.GetChaincodeId().GetName(), TxId: pt.GetTransactionId(), EventName: name, Payload: payload}
	var err error
	if action.Events, err = proto.Marshal(ev); err != nil {
		return nil, err
	}
	if prp.Extension, err = proto.Marshal(&action); err != nil {
		return nil, err
	}
	if cap.Action.ProposalResponsePayload, err = proto.Marshal(&prp); err != nil {
		return nil, err
	}
	end, err := e.Endorse(cap.Action.ProposalResponsePayload)
	if err != nil {
		return nil, fmt.Errorf("endorse: %w", err)
	}
	cap.Action.Endorsements = []*peer.Endorsement{end}
	if tx.Actions[0].Payload, err = proto.Marshal(&cap); err != nil {
		return nil, err
	}
	if env.Data, err = proto.Marshal(&tx); err != nil {
		return nil, err
	}
	if pt.Envelope.Payload, err = proto.Marshal(&env); err != nil {
		return nil, err
	}
	pt.Envelope.Signature = nil
	return proto.Marshal(&pt)
}
