package cache

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// TestTheAuditIndexKnowsWhichValidTransactionAndBlockWroteEachAccessRecord:
// a record written in block 3 by transaction T1 is indexed with T1, block
// 3 and the SM3 of its exact bytes; one written by an invalid transaction,
// or not yet written, is not in the index; the height is read with it.
func TestTheAuditIndexKnowsWhichValidTransactionAndBlockWroteEachAccessRecord(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	a1 := put(t, "access", "T1", record.AccessRecord{ID: "T1", Kind: record.KindAccess, DatasetID: "ds"})
	a2 := put(t, "access", "T2", record.AccessRecord{ID: "T2", Kind: record.KindDenial, DatasetID: "ds"})
	applyBlocks(t, s, block(t, 0), block(t, 1), block(t, 2),
		block(t, 3, tx{id: "T1", code: peer.TxValidationCode_VALID, ns: []nsWrites{{name: chaincode, writes: []*kvrwset.KVWrite{a1}}}},
			tx{id: "T2", code: peer.TxValidationCode_MVCC_READ_CONFLICT, ns: []nsWrites{{name: chaincode, writes: []*kvrwset.KVWrite{a2}}}}))
	w, h, err := s.Written("T1")
	d := gm.SM3(a1.Value)
	if err != nil || w.TxID != "T1" || w.Block != 3 || w.Digest != hex.EncodeToString(d[:]) || h != 4 {
		t.Errorf("T1: %+v at height %d, %v", w, h, err)
	}
	for _, id := range []string{"T2", "T3", ""} {
		if w, _, err := s.Written(id); !errors.Is(err, ErrNotCached) {
			t.Errorf("%q: %+v, %v; want not cached", id, w, err)
		}
	}
}
