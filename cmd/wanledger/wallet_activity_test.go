package main

import (
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
)

func TestTheHoldersListShowsPurposeCodesWithLabels(t *testing.T) {
	var out strings.Builder
	at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	printActivity(&out, gatewayActivity{URL: "http://wuhu", HolderActivity: api.HolderActivity{Verifications: []api.VerificationEntry{
		{LicenceID: "BL-1", VerifierMSP: "WuhuMSP", Verifier: "User1", Audience: "WuhuMSP", At: at, Outcome: "valid",
			Purpose: "inspection", PurposeZh: "执法检查", PurposeEn: "inspection"},
		{LicenceID: "BL-1", VerifierMSP: "WuhuMSP", Verifier: "User1", Audience: "WuhuMSP", At: at, Outcome: "valid"},
	}}})
	for _, want := range []string{"purpose inspection (执法检查 / inspection): valid", "purpose -: valid"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
}
