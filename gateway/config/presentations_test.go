package config

import (
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
)

func TestPresentationsTakeDefaultsAndAreChecked(t *testing.T) {
	c := &Config{MSPID: "WuhuMSP", DataDir: "/var/lib/wuhu/cache", Identities: []Identity{{Name: "User6"}}}
	if errs := c.Presentations.fill(c); len(errs) != 0 {
		t.Fatal(errs)
	}
	p := c.Presentations
	if p.VerifierName != "WuhuMSP" || p.NonceLifetime.Duration != 5*time.Minute || p.MaxNonces != 500_000 ||
		p.LogDir != "/var/lib/wuhu/cache-verifications" || p.LogRetention.Duration != 365*24*time.Hour || p.HolderIdentity != "" {
		t.Errorf("defaults: %+v", p)
	}
	c.Presentations = Presentations{VerifierName: "wuhu verifier", NonceLifetime: Duration{time.Second}, MaxNonces: -1,
		LogRetention: Duration{time.Minute}, HolderIdentity: "Nobody", Purposes: []api.Purpose{
			{Code: "market-stall", Zh: "市场摊位核查", En: "market stall check"}, // accepted
			{Code: "Tenancy", Zh: "租赁", En: "tenancy"},
			{Code: "tenancy", Zh: "租赁", En: "tenancy"},
			{Code: "market-stall", Zh: "再次", En: "again"},
			{Code: "-lead", Zh: "x", En: "x"},
			{Code: strings.Repeat("a", 33), Zh: "x", En: "x"},
			{Code: "no-label", Zh: "", En: "x"},
		}}
	errs := c.Presentations.fill(c)
	var all []string
	for _, e := range errs {
		all = append(all, e.Error())
	}
	for _, want := range []string{"verifierName", "nonceLifetime", "maxNonces", "logRetention", "holderIdentity",
		`purposes[1]: code "Tenancy"`, `purposes[2]: code "tenancy" is known`, `purposes[3]: code "market-stall" is known`,
		`purposes[4]: code "-lead"`, `purposes[5]: code "aaaa`, `purposes[6] "no-label": labels`} {
		if !strings.Contains(strings.Join(all, "\n"), want) {
			t.Errorf("no error names %s: %v", want, all)
		}
	}
	if strings.Contains(strings.Join(all, "\n"), "purposes[0]") || len(all) != 11 {
		t.Errorf("%d errors, want 11, none of the valid code: %v", len(all), all)
	}
}
