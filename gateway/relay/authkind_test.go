package relay

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Uses counted several times in one second on the requester's channel:
// an export of as many uses or more is current, though its transaction
// is a later one of the same second; one of fewer is not.
func TestAnAuthorizationExportIsCurrentByItsSidesRevisionWithinASecond(t *testing.T) {
	at := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	k, _ := kindOf("authorization")
	c := Change{ID: "A1", Revision: 3, Party: "ShanghaiMSP", TxID: "t3", At: at}
	for uses, want := range map[int64]bool{2: false, 3: true, 5: true} {
		b, _ := json.Marshal(record.AuthorizationExport{Channel: "delta", Party: "ShanghaiMSP", Authorization: &record.Authorization{
			ID: "A1", Owner: "HefeiMSP", Requester: "ShanghaiMSP", Uses: uses, Record: record.Record{UpdatedAt: at, TxID: "t9"}}})
		if cur, err := k.current(b, c); err != nil || cur != want {
			t.Errorf("an export of %d uses in the same second: current %v, %v; want %v", uses, cur, err, want)
		}
	}
}
