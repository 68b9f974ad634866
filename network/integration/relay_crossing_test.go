package integration

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestAHefeiHandoffToShanghaiIsOneHandoffOnBothChannels: a Hefei clerk
// opens on anhui a handoff to Shanghai; the relay carries it to delta,
// where Shanghai's clerk accepts, starts and completes it; each change
// comes back, and both channels end with the same handoff.
func TestAHefeiHandoffToShanghaiIsOneHandoffOnBothChannels(t *testing.T) {
	env := nettest.Get(t)
	hefei, shanghai := gatewayAs(t, env, "hefei", "clerk"), gatewayAs(t, env, "shanghai", "clerk")
	deadline := time.Now().UTC().Truncate(time.Second).Add(72 * time.Hour)
	hefei.must(http.MethodPost, "/v1/handoffs", api.HandoffRequest{ID: "XH-1", Target: "ShanghaiMSP", ServiceItem: "YRD-BL-TRANSFER",
		ApplicantPseudonym: gm.SM3Hex([]byte("applicant")), Deadline: deadline}, nil)

	handoff := func(g gw) record.Handoff {
		t.Helper()
		var r api.Read[record.Handoff]
		if st := g.call(http.MethodGet, "/v1/handoffs/XH-1", nil, &r); st != http.StatusOK {
			return record.Handoff{}
		}
		return r.Data
	}
	reaches := func(g gw, who string, status record.HandoffStatus) record.Handoff {
		t.Helper()
		var h record.Handoff
		nettest.Eventually(t, 20*time.Second, func() error {
			if h = handoff(g); h.Status != status {
				return fmt.Errorf("%s sees handoff XH-1 %q, want %q", who, h.Status, status)
			}
			return nil
		})
		return h
	}
	opened := reaches(shanghai, "Shanghai", record.HandoffOpen)
	if opened.Origin != "HefeiMSP" || opened.Crossing == nil || opened.Crossing.Carrier != "AnhuiMSP" {
		t.Errorf("on delta: origin %s, crossing %+v; want Hefei carried by Anhui", opened.Origin, opened.Crossing)
	}
	for _, step := range []struct {
		action string
		move   api.HandoffMove
		status record.HandoffStatus
	}{
		{"accept", api.HandoffMove{}, record.HandoffAccepted},
		{"start", api.HandoffMove{}, record.HandoffInProgress},
		{"complete", api.HandoffMove{ResultDigest: gm.SM3Hex([]byte("licence transferred"))}, record.HandoffCompleted},
	} {
		nettest.Eventually(t, 20*time.Second, func() error { // until every delta endorser has the last change
			var e api.Error
			if st := shanghai.call(http.MethodPost, "/v1/handoffs/XH-1/"+step.action, step.move, &e); st != http.StatusOK {
				return fmt.Errorf("%s: %d %s", step.action, st, e.Message)
			}
			return nil
		})
		reaches(hefei, "Hefei", step.status)
	}
	onAnhui, onDelta := reaches(hefei, "Hefei", record.HandoffCompleted), reaches(shanghai, "Shanghai", record.HandoffCompleted)
	if !slices.EqualFunc(onAnhui.History, onDelta.History, func(a, b record.HandoffChange) bool { return a.Status == b.Status && a.TxID == b.TxID }) ||
		onAnhui.ResultDigest != onDelta.ResultDigest {
		t.Errorf("anhui holds %+v, delta %+v", onAnhui.History, onDelta.History)
	}
}

// TestAHefeiAuthorizationIsUsedInShanghaiAndTracedOnBothChannels: a Hefei
// data owner authorizes Shanghai on anhui; Shanghai's requester records an
// access on delta; both Hefei's auditor (anhui) and Shanghai's (delta)
// trace it.
func TestAHefeiAuthorizationIsUsedInShanghaiAndTracedOnBothChannels(t *testing.T) {
	env := nettest.Get(t)
	owner := gatewayAs(t, env, "hefei", "data-owner")
	owner.must(http.MethodPost, "/v1/datasets", api.DatasetRequest{ID: "hefei.xp-enterprises", Description: "enterprise register extract",
		Fields: []record.FieldSpec{{Name: "creditCode", Type: record.FieldString}, {Name: "name", Type: record.FieldString}}}, nil)
	now := time.Now().UTC().Truncate(time.Second)
	owner.must(http.MethodPost, "/v1/authorizations", api.AuthorizationRequest{ID: "XA-1", Requester: "ShanghaiMSP", DatasetID: "hefei.xp-enterprises",
		Fields: []string{"creditCode"}, Purpose: "BUSINESS_REGISTRATION", LegalBasis: "YRD_INTEGRATION_SHARING_RULES",
		ValidFrom: now.Add(-time.Minute), ValidTo: now.Add(24 * time.Hour), MaxUses: 3}, nil)

	// On delta, where Hefei is no member, Shanghai's requester records the
	// access of the request it signs (docs/chaincode.md).
	requester := gatewayAs(t, env, "shanghai", "requester")
	share := contractOn(t, env, "delta", "shanghai", requester.identity, "share")
	ask := record.DataRequest{AuthorizationID: "XA-1", DatasetID: "hefei.xp-enterprises", Fields: []string{"creditCode"}, Purpose: "BUSINESS_REGISTRATION"}
	nettest.Eventually(t, 20*time.Second, func() error { // until the authorization reached delta
		_, _, err := fabricid.Submit(t.Context(), share, "RecordAccess", 1, signedAccess(t, env, "shanghai", requester.identity, ask, "response"))
		if err != nil {
			return fmt.Errorf("access on delta: %s", fabricid.ErrorMessage(err))
		}
		return nil
	})
	responseDigest := gm.SM3Hex([]byte("response"))
	for _, auditor := range []string{"hefei", "shanghai"} {
		a := gatewayAs(t, env, auditor, "auditor")
		nettest.Eventually(t, 20*time.Second, func() error {
			var page struct {
				Data struct {
					Items []record.AccessRecord `json:"items"`
				} `json:"data"`
			}
			a.must(http.MethodGet, "/v1/audit/trace?by=authorization&key=XA-1", nil, &page)
			for _, r := range page.Data.Items {
				if r.Kind == record.KindAccess && r.Requester == "ShanghaiMSP" && r.ResponseDigest == responseDigest {
					return nil
				}
			}
			return fmt.Errorf("%s's auditor traces %d records of XA-1, none Shanghai's access", auditor, len(page.Data.Items))
		})
	}
	var onAnhui api.Read[record.Authorization]
	nettest.Eventually(t, 20*time.Second, func() error {
		owner.must(http.MethodGet, "/v1/authorizations/XA-1", nil, &onAnhui)
		if onAnhui.Data.Uses != 1 {
			return fmt.Errorf("anhui counts %d uses of XA-1, want 1", onAnhui.Data.Uses)
		}
		return nil
	})
	if !strings.HasPrefix(onAnhui.Data.Requester, "Shanghai") {
		t.Errorf("authorization on anhui: %+v", onAnhui.Data)
	}
}
