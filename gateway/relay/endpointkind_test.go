package relay

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
)

// TestBlockChangesTakeTheGatewayEndpointsSetOnTheSource: an endpoint its
// organisation's admin set is carried, its party that organisation; one
// relayed in from another channel is not carried back.
func TestBlockChangesTakeTheGatewayEndpointsSetOnTheSource(t *testing.T) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	rec := record.Record{UpdatedAt: at, TxID: "t1"}
	b := testBlock(t, 4, testTx{code: peer.TxValidationCode_VALID, ns: chaincode, writes: []*kvrwset.KVWrite{
		write(t, "endpoint", record.GatewayEndpoint{MSPID: "HefeiMSP", PeerID: "p1", Addrs: []string{"/ip4/127.0.0.1/tcp/1"}, Revision: 3, Record: rec}, "HefeiMSP"),
		write(t, "endpoint", record.GatewayEndpoint{MSPID: "ShanghaiMSP", PeerID: "p2", Addrs: []string{"/ip4/127.0.0.1/tcp/2"}, Record: rec,
			Source: &record.Source{Channel: "delta", TxID: "t0"}}, "ShanghaiMSP"),
	}})
	got, err := BlockChanges(b, chaincode, anhui)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{Kind: "endpoint", ID: "HefeiMSP", Revision: 3, TxID: "t1", Party: "HefeiMSP", Block: 4, At: at}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BlockChanges = %+v, want %+v", got, want)
	}
	k, _ := kindOf("endpoint")
	if _, err := k.current([]byte(`{"channel":"anhui"}`), Change{ID: "HefeiMSP"}); err == nil {
		t.Error("an endpoint export without its endpoint is current")
	}
	// Several changes within one second: the revision orders them.
	for rev, want := range map[int]bool{2: false, 3: true, 4: true} {
		b, _ := json.Marshal(record.GatewayEndpointExport{Channel: "anhui", Endpoint: &record.GatewayEndpoint{MSPID: "HefeiMSP", Revision: rev,
			Record: record.Record{UpdatedAt: at, TxID: "t" + string(rune('0'+rev))}}})
		if cur, err := k.current(b, got[0]); err != nil || cur != want {
			t.Errorf("an export of revision %d: current %v, %v; want %v", rev, cur, err, want)
		}
	}
}
