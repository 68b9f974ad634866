package cache

import (
	"fmt"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// Write is one public key-value write that a valid transaction made in the
// chaincode's namespace: what validation checked against the key's
// endorsement policy.
type Write struct {
	TxID   string // the transaction that wrote it
	Key    string
	Value  []byte // nil for a delete
	Delete bool
}

// BlockWrites returns, in block order, the writes that the block's valid
// endorser transactions made in the namespace of chaincode. A transaction
// counts as valid only if the block's transactions filter (set by the peer
// that validated it) says VALID; config transactions, other namespaces,
// metadata writes and private data yield nothing. Chaincode events are not
// read at all: validation does not check them against any key's policy.
// A valid transaction that does not decode is an error: the block cannot be
// applied faithfully.
func BlockWrites(b *common.Block, chaincode string) ([]Write, error) {
	var filter []byte
	if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		filter = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	var out []Write
	for i, data := range b.GetData().GetData() {
		if i >= len(filter) || peer.TxValidationCode(filter[i]) != peer.TxValidationCode_VALID {
			continue
		}
		w, err := envelopeWrites(data, chaincode)
		if err != nil {
			return nil, fmt.Errorf("block %d transaction %d: %w", b.GetHeader().GetNumber(), i, err)
		}
		out = append(out, w...)
	}
	return out, nil
}

// envelopeWrites unpacks envelope → payload → transaction → actions →
// proposal response payload → chaincode action → read-write set → the
// chaincode's namespace → its writes. Transactions other than endorser
// transactions write nothing here.
func envelopeWrites(data []byte, chaincode string) ([]Write, error) {
	var env common.Envelope
	if err := proto.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch); err != nil {
		return nil, fmt.Errorf("channel header: %w", err)
	}
	if common.HeaderType(ch.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
		return nil, nil
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(payload.GetData(), &tx); err != nil {
		return nil, fmt.Errorf("transaction: %w", err)
	}
	var out []Write
	for _, a := range tx.GetActions() {
		w, err := actionWrites(a, chaincode)
		if err != nil {
			return nil, err
		}
		out = append(out, w...)
	}
	for i := range out {
		out[i].TxID = ch.GetTxId()
	}
	return out, nil
}

func actionWrites(a *peer.TransactionAction, chaincode string) ([]Write, error) {
	var cap peer.ChaincodeActionPayload
	if err := proto.Unmarshal(a.GetPayload(), &cap); err != nil {
		return nil, fmt.Errorf("chaincode action payload: %w", err)
	}
	var prp peer.ProposalResponsePayload
	if err := proto.Unmarshal(cap.GetAction().GetProposalResponsePayload(), &prp); err != nil {
		return nil, fmt.Errorf("proposal response payload: %w", err)
	}
	var action peer.ChaincodeAction
	if err := proto.Unmarshal(prp.GetExtension(), &action); err != nil {
		return nil, fmt.Errorf("chaincode action: %w", err)
	}
	var txrw rwset.TxReadWriteSet
	if err := proto.Unmarshal(action.GetResults(), &txrw); err != nil {
		return nil, fmt.Errorf("read-write set: %w", err)
	}
	var out []Write
	for _, ns := range txrw.GetNsRwset() {
		if ns.GetNamespace() != chaincode {
			continue
		}
		var kv kvrwset.KVRWSet
		if err := proto.Unmarshal(ns.GetRwset(), &kv); err != nil {
			return nil, fmt.Errorf("namespace %s: %w", chaincode, err)
		}
		for _, w := range kv.GetWrites() {
			// As the peer's state database does, an empty value deletes.
			if w.GetIsDelete() || len(w.GetValue()) == 0 {
				out = append(out, Write{Key: w.GetKey(), Delete: true})
				continue
			}
			out = append(out, Write{Key: w.GetKey(), Value: w.GetValue()})
		}
	}
	return out, nil
}
