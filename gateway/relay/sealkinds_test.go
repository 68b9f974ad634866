package relay

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
)

// TestBlockChangesTakeEverySealKeyAndGrant: a seal key's party is its
// organisation, a grant's its granting province, and a grant is read under
// its two-part key.
func TestBlockChangesTakeEverySealKeyAndGrant(t *testing.T) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	rec := record.Record{UpdatedAt: at, TxID: "t1"}
	b := testBlock(t, 4, testTx{code: peer.TxValidationCode_VALID, ns: chaincode, writes: []*kvrwset.KVWrite{
		write(t, "seal", record.SealKey{KeyID: "K1", MSPID: "HefeiMSP", Revocation: &record.Revocation{Reason: "KEY_COMPROMISED"}, Record: rec}, "K1"),
		write(t, "grant", record.Accreditation{GrantID: "hefei-amr:000002", Province: "AnhuiMSP", MSPID: "HefeiMSP", Record: rec}, "hefei-amr", "000002"),
	}})
	got, err := BlockChanges(b, chaincode, anhui)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{Kind: "seal", ID: "K1", TxID: "t1", Party: "HefeiMSP", Block: 4, At: at},
		{Kind: "grant", ID: "hefei-amr:000002", TxID: "t1", Party: "AnhuiMSP", Block: 4, At: at}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BlockChanges = %+v, want %+v", got, want)
	}
	for name, w := range map[string]*kvrwset.KVWrite{
		"a grant under another key":    write(t, "grant", record.Accreditation{GrantID: "hefei-amr:000002"}, "hefei-amr", "000001"),
		"a grant of a malformed ID":    write(t, "grant", record.Accreditation{GrantID: "hefei-amr"}, "hefei-amr", "000001"),
		"a seal key under another key": write(t, "seal", record.SealKey{KeyID: "K1"}, "K2"),
	} {
		b := testBlock(t, 5, testTx{code: peer.TxValidationCode_VALID, ns: chaincode, writes: []*kvrwset.KVWrite{w}})
		if _, err := BlockChanges(b, chaincode, anhui); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestSealKeysAndGrantsAreImportedBeforeTheLicencesJudgedByThem: a flush
// imports kinds in order, so a licence relayed with a key revoked in the
// same flush is never shown with the key live.
func TestSealKeysAndGrantsAreImportedBeforeTheLicencesJudgedByThem(t *testing.T) {
	at := func(obj string) int { return slices.IndexFunc(kinds, func(k kind) bool { return k.object == obj }) }
	if s, g, l := at("seal"), at("grant"), at("licence"); s < 0 || g < 0 || s > l || g > l {
		t.Errorf("kinds order: seal %d, grant %d, licence %d", s, g, l)
	}
	k, _ := kindOf("seal")
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	c := Change{ID: "K1", TxID: "t2", At: t0}
	for _, tc := range []struct {
		rec  record.Record
		want bool
	}{{record.Record{TxID: "t2", UpdatedAt: t0}, true}, {record.Record{TxID: "t3", UpdatedAt: t0.Add(time.Second)}, true}, {record.Record{TxID: "t1", UpdatedAt: t0.Add(-time.Second)}, false}} {
		b, _ := json.Marshal(record.SealKeyExport{Channel: "anhui", SealKey: &record.SealKey{KeyID: "K1", Record: tc.rec}})
		if cur, err := k.current(b, c); err != nil || cur != tc.want {
			t.Errorf("current(%+v) = %v, %v; want %v", tc.rec, cur, err, tc.want)
		}
	}
	g, _ := kindOf("grant")
	if _, err := g.current([]byte(`{"channel":"anhui"}`), Change{ID: "G"}); err == nil {
		t.Error("a grant export without its grant is current")
	}
}
