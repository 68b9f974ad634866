package integration

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestFetchAcrossChannelsFromShanghai: a Hefei data owner on anhui
// authorizes Shanghai, a member of delta only. Shanghai's gateway fetches
// the rows from Hefei's over the mesh (each admits the other from the
// endpoint the relay carried); Shanghai's requester records the access on
// delta with Hefei's response digest, and Hefei's gateway sends the rows
// only once the relay has carried that record to anhui. The access is on
// both channels' trails with the digests of what was delivered, one use
// is counted, and a field escalation is refused and on the trail.
func TestFetchAcrossChannelsFromShanghai(t *testing.T) {
	w := fetchSetupFor(t, "shanghai")
	ctx := t.Context()
	auth := w.grant(2, "address")
	var (
		info api.FetchInfo
		rows []map[string]string
	)
	nettest.Eventually(t, time.Minute, func() error { // until the authorization reached delta
		var err error
		info, rows, err = w.fetch(w.ask(auth, "address"))
		var ae *api.Error
		if errors.As(err, &ae) && ae.Code == string(record.CodeNotFound) {
			return err
		}
		if err != nil {
			t.Fatal(err)
		}
		return nil
	})
	if want := w.want([]string{"address"}); !sameRows(rows, want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	if info.AccessID == "" || info.ResponseDigest == "" {
		t.Fatalf("fetch info %+v", info)
	}
	shAudit := gatewayAs(t, w.env, "shanghai", "auditor")
	onDelta, err := apiclient.New(shAudit.url, shAudit.key).Trace(ctx, apiclient.TraceQuery{By: record.TraceByAuthorization, Value: auth}, apiclient.Paging{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(onDelta.Data.Items); n != 1 || onDelta.Data.Items[0].ID != info.AccessID || onDelta.Data.Items[0].RecordedBy != "ShanghaiMSP" {
		t.Fatalf("delta's trail of %s: %d records %+v; want Shanghai's access %s", auth, n, onDelta.Data.Items, info.AccessID)
	}
	onAnhui := w.trail(auth, 1)[0]
	if onAnhui.ID != info.AccessID || onAnhui.ResponseDigest != info.ResponseDigest || onAnhui.Source == nil || onAnhui.Source.Channel != "delta" {
		t.Fatalf("anhui's record %+v; want access %s relayed from delta with digest %s", onAnhui, info.AccessID, info.ResponseDigest)
	}
	nettest.Eventually(t, 30*time.Second, func() error {
		a, err := w.owner.Authorization(ctx, auth)
		if err != nil {
			return err
		}
		if a.Data.Uses != 1 {
			return fmt.Errorf("anhui counts %d uses of %s, want 1", a.Data.Uses, auth)
		}
		return nil
	})

	_, _, err = w.fetch(w.ask(auth, "address", "members"))
	denial := wantRefusal(t, err, record.CodeFieldsNotGranted)
	w.trail(auth, 2)
	t.Logf("access %s, then denial %s, on both channels", info.AccessID, denial)
}
