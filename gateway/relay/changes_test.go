package relay

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/relayconfig"
	"github.com/wanledger/wanledger/internal/credential"
	"google.golang.org/protobuf/proto"
)

const chaincode = "wanledger"

func marshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testTx is one transaction of a test block: its validation code and its
// writes in a namespace.
type testTx struct {
	code   peer.TxValidationCode
	ns     string
	writes []*kvrwset.KVWrite
}

// testBlock builds block n as a peer delivers it: envelopes down to the
// read-write sets, and the transactions filter.
func testBlock(t *testing.T, n uint64, txs ...testTx) *common.Block {
	t.Helper()
	b := &common.Block{Header: &common.BlockHeader{Number: n}, Data: &common.BlockData{},
		Metadata: &common.BlockMetadata{Metadata: make([][]byte, len(common.BlockMetadataIndex_name))}}
	var filter []byte
	for _, x := range txs {
		kv := marshal(t, &kvrwset.KVRWSet{Writes: x.writes})
		rw := marshal(t, &rwset.TxReadWriteSet{DataModel: rwset.TxReadWriteSet_KV, NsRwset: []*rwset.NsReadWriteSet{{Namespace: x.ns, Rwset: kv}}})
		act := marshal(t, &peer.ChaincodeAction{Results: rw, Response: &peer.Response{Status: 200}})
		cap := marshal(t, &peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{
			ProposalResponsePayload: marshal(t, &peer.ProposalResponsePayload{Extension: act})}})
		ptx := marshal(t, &peer.Transaction{Actions: []*peer.TransactionAction{{Payload: cap}}})
		ch := marshal(t, &common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), ChannelId: "anhui"})
		payload := marshal(t, &common.Payload{Header: &common.Header{ChannelHeader: ch}, Data: ptx})
		b.Data.Data = append(b.Data.Data, marshal(t, &common.Envelope{Payload: payload}))
		filter = append(filter, byte(x.code))
	}
	b.Metadata.Metadata[common.BlockMetadataIndex_TRANSACTIONS_FILTER] = filter
	return b
}

// write is the write of v as JSON under the composite key of typ and
// attrs (an ID, or a grant's agency ID and sequence).
func write(t *testing.T, typ string, v any, attrs ...string) *kvrwset.KVWrite {
	t.Helper()
	k, err := shim.CreateCompositeKey(typ, attrs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return &kvrwset.KVWrite{Key: k, Value: b}
}

func licence(id string, rev int, at time.Time) *record.Licence {
	return &record.Licence{Content: credential.Content{ID: id}, IssuerMSP: "HefeiMSP", Revision: rev, Record: record.Record{UpdatedAt: at}}
}

func TestBlockChangesAreTheLicenceWritesOfValidTransactionsOnly(t *testing.T) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	b := testBlock(t, 7,
		testTx{code: peer.TxValidationCode_VALID, ns: chaincode, writes: []*kvrwset.KVWrite{
			write(t, "licence", licence("L1", 3, at), "L1"),
			write(t, "agency", record.Agency{AgencyID: "A1"}, "A1"),
			write(t, "relay~licence", record.RelayedLicence{}, "L9"),
		}},
		testTx{code: peer.TxValidationCode_MVCC_READ_CONFLICT, ns: chaincode, writes: []*kvrwset.KVWrite{write(t, "licence", licence("L2", 1, at), "L2")}},
		testTx{code: peer.TxValidationCode_VALID, ns: "other", writes: []*kvrwset.KVWrite{write(t, "licence", licence("L3", 1, at), "L3")}},
		testTx{code: peer.TxValidationCode_VALID, ns: chaincode, writes: []*kvrwset.KVWrite{write(t, "licence", licence("L4", 1, at.Add(time.Second)), "L4")}},
	)
	got, err := BlockChanges(b, chaincode, anhui)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{Kind: "licence", ID: "L1", Revision: 3, Party: "HefeiMSP", Block: 7, At: at}, {Kind: "licence", ID: "L4", Revision: 1, Party: "HefeiMSP", Block: 7, At: at.Add(time.Second)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BlockChanges = %+v, want %+v", got, want)
	}
}

func TestALicenceWriteThatDoesNotDecodeIsAnError(t *testing.T) {
	for name, v := range map[string]any{"not a licence": []int{1}, "another ID": licence("L2", 1, time.Time{})} {
		b := testBlock(t, 3, testTx{code: peer.TxValidationCode_VALID, ns: chaincode, writes: []*kvrwset.KVWrite{write(t, "licence", v, "L1")}})
		if _, err := BlockChanges(b, chaincode, anhui); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

var anhui = []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}

// TestBlockChangesTakeTheRecordsThatCrossChannels: handoffs and
// authorizations with a crossing, with the party acting on the source
// channel, and access records of a crossing authorization recorded on it;
// not those that cross nothing, nor access records relayed in.
func TestBlockChangesTakeTheRecordsThatCrossChannels(t *testing.T) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	x := &record.Crossing{From: "anhui", To: "delta", Carrier: "AnhuiMSP"}
	rec := record.Record{UpdatedAt: at, TxID: "t1"}
	b := testBlock(t, 9, testTx{code: peer.TxValidationCode_VALID, ns: chaincode, writes: []*kvrwset.KVWrite{
		write(t, "handoff", record.Handoff{ID: "H1", Origin: "HefeiMSP", Target: "ShanghaiMSP", Crossing: x, Record: rec}, "H1"),
		write(t, "handoff", record.Handoff{ID: "H2", Origin: "HefeiMSP", Target: "WuhuMSP", Record: rec}, "H2"),
		write(t, "authorization", record.Authorization{ID: "A1", Owner: "ShanghaiMSP", Requester: "WuhuMSP", Crossing: x, Record: rec}, "A1"),
		write(t, "access", record.AccessRecord{ID: "X1", Owner: "HefeiMSP", Requester: "ShanghaiMSP", RecordedBy: "HefeiMSP", At: at}, "X1"),
		write(t, "access", record.AccessRecord{ID: "X2", Owner: "HefeiMSP", Requester: "ShanghaiMSP", RecordedBy: "ShanghaiMSP", At: at, Source: &record.Source{Channel: "delta"}}, "X2"),
		write(t, "access", record.AccessRecord{ID: "X3", Owner: "HefeiMSP", Requester: "WuhuMSP", RecordedBy: "WuhuMSP", At: at}, "X3"),
	}})
	got, err := BlockChanges(b, chaincode, anhui)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{Kind: "handoff", ID: "H1", TxID: "t1", Party: "HefeiMSP", Block: 9, At: at},
		{Kind: "authorization", ID: "A1", TxID: "t1", Party: "WuhuMSP", Block: 9, At: at},
		{Kind: "access", ID: "X1", TxID: "X1", Party: "HefeiMSP", Block: 9, At: at}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BlockChanges = %+v, want %+v", got, want)
	}
}

func TestPendingKeepsOneChangePerLicenceAtItsLatestRevisionAndOldestTime(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	p := &pending{next: 5}
	p.add(5, []Change{{ID: "A", Revision: 2, Block: 5, At: t0}, {ID: "B", Revision: 1, Block: 5, At: t0.Add(time.Second)}})
	p.add(6, nil)
	p.add(7, []Change{{ID: "B", Revision: 2, Block: 7, At: t0.Add(3 * time.Second)}, {ID: "A", Revision: 3, Block: 7, At: t0.Add(2 * time.Second)}})
	want := []Change{{ID: "A", Revision: 3, Block: 7, At: t0}, {ID: "B", Revision: 2, Block: 7, At: t0.Add(time.Second)}}
	if !reflect.DeepEqual(p.changes, want) || p.next != 8 {
		t.Errorf("pending = %+v next %d, want %+v next 8", p.changes, p.next, want)
	}
	if !p.oldest().Equal(t0) {
		t.Errorf("oldest = %s, want %s", p.oldest(), t0)
	}
	if !(&pending{}).oldest().IsZero() {
		t.Error("nothing pending has an oldest time")
	}
}

func TestEndorsersAreTheIssuerTheRelaysOrganisationAndAMajority(t *testing.T) {
	anhui := []string{"AnhuiMSP", "HefeiMSP", "WuhuMSP"}
	delta := []string{"AnhuiMSP", "ShanghaiMSP", "JiangsuMSP", "ZhejiangMSP"}
	for _, c := range []struct {
		members     []string
		issuer, own string
		attempt     int
		want        []string
	}{
		{anhui, "HefeiMSP", "AnhuiMSP", 0, []string{"HefeiMSP", "AnhuiMSP"}},
		{anhui, "AnhuiMSP", "AnhuiMSP", 0, []string{"AnhuiMSP", "HefeiMSP"}},
		{anhui, "AnhuiMSP", "AnhuiMSP", 1, []string{"AnhuiMSP", "HefeiMSP"}},
		{anhui, "AnhuiMSP", "AnhuiMSP", 2, []string{"AnhuiMSP", "WuhuMSP"}},
		{delta, "ShanghaiMSP", "AnhuiMSP", 0, []string{"ShanghaiMSP", "AnhuiMSP", "JiangsuMSP"}},
		{delta, "ShanghaiMSP", "AnhuiMSP", 3, []string{"ShanghaiMSP", "AnhuiMSP", "ZhejiangMSP"}},
	} {
		got := Endorsers(c.members, c.issuer, c.own, c.attempt)
		if !slices.Equal(got, c.want) {
			t.Errorf("Endorsers(%v, %s, %s, %d) = %v, want %v", c.members, c.issuer, c.own, c.attempt, got, c.want)
		}
	}
}

func TestCheckpointIsReplacedWhole(t *testing.T) {
	path := checkpointFile(t.TempDir(), relayconfig.Direction{Source: relayconfig.Channel{Name: "anhui"}, Target: relayconfig.Channel{Name: "delta"}})
	if n, err := loadCheckpoint(path); err != nil || n != 0 {
		t.Fatalf("no checkpoint yet: %d, %v; want block 0", n, err)
	}
	for _, n := range []uint64{12, 40} {
		if err := saveCheckpoint(path, n); err != nil {
			t.Fatal(err)
		}
		if got, err := loadCheckpoint(path); err != nil || got != n {
			t.Errorf("checkpoint = %d, %v; want %d", got, err, n)
		}
	}
}
