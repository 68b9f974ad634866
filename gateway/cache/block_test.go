package cache

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"google.golang.org/protobuf/proto"
)

// chaincode is the namespace the test blocks' transactions write in.
const chaincode = "wanledger"

// tx is one transaction of a test block: how the peer validated it, the
// writes its chaincode action carries, by namespace, and its event.
type tx struct {
	code   peer.TxValidationCode
	ns     []nsWrites
	event  *peer.ChaincodeEvent
	config bool   // a config transaction instead of an endorser one
	id     string // its transaction ID; "" is "tx"
}

type nsWrites struct {
	name     string
	writes   []*kvrwset.KVWrite
	metadata []*kvrwset.KVMetadataWrite
	private  []*rwset.CollectionHashedReadWriteSet
}

// valid is a VALID transaction writing in the chaincode's namespace.
func valid(ev *peer.ChaincodeEvent, writes ...*kvrwset.KVWrite) tx {
	return tx{code: peer.TxValidationCode_VALID, event: ev, ns: []nsWrites{{name: chaincode, writes: writes}}}
}

func mustMarshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envelope builds the envelope of a transaction as a peer's block holds it:
// envelope → payload → transaction → chaincode action payload → proposal
// response payload → chaincode action → read-write set.
func envelope(t testing.TB, x tx) []byte {
	t.Helper()
	typ := common.HeaderType_ENDORSER_TRANSACTION
	if x.config {
		typ = common.HeaderType_CONFIG
	}
	txrw := &rwset.TxReadWriteSet{DataModel: rwset.TxReadWriteSet_KV}
	for _, ns := range x.ns {
		kv := &kvrwset.KVRWSet{Writes: ns.writes, MetadataWrites: ns.metadata,
			Reads: []*kvrwset.KVRead{{Key: "read", Version: &kvrwset.Version{BlockNum: 1}}}}
		txrw.NsRwset = append(txrw.NsRwset, &rwset.NsReadWriteSet{Namespace: ns.name, Rwset: mustMarshal(t, kv), CollectionHashedRwset: ns.private})
	}
	action := &peer.ChaincodeAction{Results: mustMarshal(t, txrw), ChaincodeId: &peer.ChaincodeID{Name: chaincode},
		Response: &peer.Response{Status: 200}}
	if x.event != nil {
		action.Events = mustMarshal(t, x.event)
	}
	prp := &peer.ProposalResponsePayload{ProposalHash: []byte("hash"), Extension: mustMarshal(t, action)}
	cap := &peer.ChaincodeActionPayload{ChaincodeProposalPayload: []byte("proposal"), Action: &peer.ChaincodeEndorsedAction{
		ProposalResponsePayload: mustMarshal(t, prp),
		Endorsements:            []*peer.Endorsement{{Endorser: []byte("HefeiMSP peer"), Signature: []byte("signature")}},
	}}
	ptx := &peer.Transaction{Actions: []*peer.TransactionAction{{Header: []byte("header"), Payload: mustMarshal(t, cap)}}}
	id := x.id
	if id == "" {
		id = "tx"
	}
	ch := &common.ChannelHeader{Type: int32(typ), ChannelId: "anhui", TxId: id}
	payload := &common.Payload{Header: &common.Header{ChannelHeader: mustMarshal(t, ch)}, Data: mustMarshal(t, ptx)}
	return mustMarshal(t, &common.Envelope{Payload: mustMarshal(t, payload), Signature: []byte("client signature")})
}

// block builds block number n of transactions, with the transactions
// filter the committing peer sets.
func block(t testing.TB, n uint64, txs ...tx) *common.Block {
	t.Helper()
	b := &common.Block{Header: &common.BlockHeader{Number: n}, Data: &common.BlockData{},
		Metadata: &common.BlockMetadata{Metadata: make([][]byte, len(common.BlockMetadataIndex_name))}}
	filter := make([]byte, len(txs))
	for i, x := range txs {
		b.Data.Data = append(b.Data.Data, envelope(t, x))
		filter[i] = byte(x.code)
	}
	b.Metadata.Metadata[common.BlockMetadataIndex_TRANSACTIONS_FILTER] = filter
	return b
}

// key is the chaincode's composite key, made by Fabric's own shim.
func key(t testing.TB, typ string, attrs ...string) string {
	t.Helper()
	k, err := shim.CreateCompositeKey(typ, attrs)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// put is the write of v, as JSON, under the composite key of typ and id.
func put(t testing.TB, typ, id string, v any) *kvrwset.KVWrite {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return &kvrwset.KVWrite{Key: key(t, typ, id), Value: b}
}

// event is a chaincode event as the chaincode would emit it.
func event(t testing.TB, name string, payload any) *peer.ChaincodeEvent {
	t.Helper()
	b, err := json.Marshal(domain.Event{Version: domain.EventVersion, Type: name, TxID: "tx", Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	return &peer.ChaincodeEvent{ChaincodeId: chaincode, TxId: "tx", EventName: name, Payload: b}
}

func TestBlockWritesAreThoseOfValidTransactionsInTheChaincodesNamespaceOnly(t *testing.T) {
	h1 := put(t, "licence", "H1", licence("H1", record.StatusActive))
	b := block(t, 7,
		tx{config: true, code: peer.TxValidationCode_VALID},
		valid(event(t, domain.EventLicenceStatusChanged, licence("W1", record.StatusRevoked)), h1),
		tx{code: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE, ns: []nsWrites{{name: chaincode, writes: []*kvrwset.KVWrite{put(t, "licence", "W1", licence("W1", record.StatusRevoked))}}}},
		tx{code: peer.TxValidationCode_MVCC_READ_CONFLICT, ns: []nsWrites{{name: chaincode, writes: []*kvrwset.KVWrite{put(t, "licence", "W2", licence("W2", record.StatusRevoked))}}}},
		tx{code: peer.TxValidationCode_VALID, ns: []nsWrites{
			{name: "other", writes: []*kvrwset.KVWrite{put(t, "licence", "O1", licence("O1", record.StatusActive))}},
			{name: "_lifecycle", writes: []*kvrwset.KVWrite{{Key: "namespaces/fields/x", Value: []byte("y")}}},
			{name: chaincode, writes: []*kvrwset.KVWrite{{Key: key(t, "licence", "D1"), IsDelete: true}, {Key: key(t, "licence", "E1")}},
				metadata: []*kvrwset.KVMetadataWrite{{Key: key(t, "licence", "M1"), Entries: []*kvrwset.KVMetadataEntry{{Name: "VALIDATION_PARAMETER", Value: []byte("p")}}}},
				private:  []*rwset.CollectionHashedReadWriteSet{{CollectionName: "secrets", HashedRwset: []byte("hashed")}}},
		}},
	)
	got, err := BlockWrites(b, chaincode)
	if err != nil {
		t.Fatal(err)
	}
	want := []Write{
		{TxID: "tx", Key: h1.Key, Value: h1.Value},
		{TxID: "tx", Key: key(t, "licence", "D1"), Delete: true},
		{TxID: "tx", Key: key(t, "licence", "E1"), Delete: true}, // an empty value deletes, as in the peer's state database
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("writes =\n%+v\nwant\n%+v", got, want)
	}
}

func TestATransactionWithoutAValidationFlagIsNotTakenAsValid(t *testing.T) {
	b := block(t, 1, valid(nil, put(t, "licence", "H1", licence("H1", record.StatusActive))))
	b.Metadata.Metadata[common.BlockMetadataIndex_TRANSACTIONS_FILTER] = nil
	if got, err := BlockWrites(b, chaincode); err != nil || len(got) != 0 {
		t.Errorf("writes of an unflagged transaction: %+v, %v", got, err)
	}
	b.Metadata = nil
	if got, err := BlockWrites(b, chaincode); err != nil || len(got) != 0 {
		t.Errorf("writes of a block without metadata: %+v, %v", got, err)
	}
}

func TestAValidTransactionThatDoesNotDecodeIsAnError(t *testing.T) {
	b := block(t, 3, valid(nil))
	b.Data.Data[0] = []byte("not an envelope")
	if _, err := BlockWrites(b, chaincode); err == nil {
		t.Error("a malformed valid transaction decoded")
	}
	// The same bytes in an invalid transaction are skipped unread.
	b.Metadata.Metadata[common.BlockMetadataIndex_TRANSACTIONS_FILTER][0] = byte(peer.TxValidationCode_BAD_PAYLOAD)
	if got, err := BlockWrites(b, chaincode); err != nil || len(got) != 0 {
		t.Errorf("an invalid transaction: %+v, %v", got, err)
	}
}

// FuzzBlockWrites feeds arbitrary bytes as a VALID transaction of a block
// and applies whatever decodes: neither may panic.
func FuzzBlockWrites(f *testing.F) {
	f.Add(envelope(f, valid(event(f, domain.EventLicenceIssued, licence("GHOST-1", record.StatusActive)), put(f, "licence", "H1", licence("H1", record.StatusActive)))))
	f.Add(envelope(f, valid(nil, &kvrwset.KVWrite{Key: key(f, "seal", "K1"), Value: []byte(`{"keyId":"K2"}`)}, &kvrwset.KVWrite{Key: key(f, "type", "T"), IsDelete: true})))
	f.Add(envelope(f, tx{config: true}))
	f.Add([]byte{})
	s := open(f, f.TempDir())
	defer s.Close()
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := s.Height()
		if err != nil {
			t.Fatal(err)
		}
		b := &common.Block{Header: &common.BlockHeader{Number: h}, Data: &common.BlockData{Data: [][]byte{data}},
			Metadata: &common.BlockMetadata{Metadata: [][]byte{nil, nil, {byte(peer.TxValidationCode_VALID)}}}}
		writes, err := BlockWrites(b, chaincode)
		if err != nil {
			return
		}
		if _, err := s.ApplyBlock(h, writes); err != nil {
			t.Fatalf("writes %+v: %v", writes, err)
		}
	})
}
