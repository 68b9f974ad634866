package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
)

// A verdict or a read of a licence relayed from another channel says where
// it came from and the relay lag.
func TestARelayedLicenceShowsItsSourceAndLag(t *testing.T) {
	at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	from := &api.Relayed{Channel: "anhui", Block: 42, TxID: "5e1c", Endorsers: []string{"AnhuiMSP", "HefeiMSP"},
		ChangedAt: at.Add(-1500 * time.Millisecond), RelayedAt: at, RelayTxID: "9f0d", LagSeconds: 1.5}
	verdict, err := json.Marshal(api.Verdict{LicenceID: "BL-1", Valid: true, Status: record.StatusActive, At: at, BlockHeight: 7, Source: "cache",
		Checks: []api.Check{{Name: api.CheckFound, OK: true}}, RelayedFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	want := "relayed from anhui, block 42, tx 5e1c, lag 1.5s (endorsed by AnhuiMSP, HefeiMSP)"
	out, _, code := cli(t, http.StatusOK, string(verdict), "verify", "BL-1")
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("verify (exit %d) does not say where the licence came from:\n%s", code, out)
	}
	read, err := json.Marshal(api.LicenceRead[*record.Licence]{Read: api.Read[*record.Licence]{BlockHeight: 7, Source: "cache",
		Data: &record.Licence{Content: credential.Content{ID: "BL-1"}, Status: record.StatusActive}}, RelayedFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	out, _, _ = cli(t, http.StatusOK, string(read), "licence", "get", "BL-1")
	if !strings.Contains(out, want) || !lineHas(out, "id:", "BL-1") {
		t.Errorf("licence get does not say where the licence came from:\n%s", out)
	}
	// A licence of the channel's own says nothing of a relay.
	out, _, _ = cli(t, http.StatusOK, envelope(t, &record.Licence{Content: credential.Content{ID: "BL-2"}}), "licence", "get", "BL-2")
	if strings.Contains(out, "relayed") {
		t.Errorf("a native licence reads as relayed:\n%s", out)
	}
}
