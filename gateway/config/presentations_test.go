package config

import (
	"strings"
	"testing"
	"time"
)

func TestPresentationsTakeDefaultsAndAreChecked(t *testing.T) {
	c := &Config{MSPID: "WuhuMSP", DataDir: "/var/lib/wuhu/cache", Identities: []Identity{{Name: "User6"}}}
	if errs := c.Presentations.fill(c); len(errs) != 0 {
		t.Fatal(errs)
	}
	p := c.Presentations
	if p.VerifierName != "WuhuMSP" || p.NonceLifetime.Duration != 5*time.Minute || p.MaxNonces != 100_000 ||
		p.LogDir != "/var/lib/wuhu/cache-verifications" || p.LogRetention.Duration != 365*24*time.Hour || p.HolderIdentity != "" {
		t.Errorf("defaults: %+v", p)
	}
	c.Presentations = Presentations{VerifierName: "wuhu verifier", NonceLifetime: Duration{time.Second}, MaxNonces: -1,
		LogRetention: Duration{time.Minute}, HolderIdentity: "Nobody"}
	errs := c.Presentations.fill(c)
	var all []string
	for _, e := range errs {
		all = append(all, e.Error())
	}
	for _, want := range []string{"verifierName", "nonceLifetime", "maxNonces", "logRetention", "holderIdentity"} {
		if !strings.Contains(strings.Join(all, "\n"), want) {
			t.Errorf("no error names %s: %v", want, all)
		}
	}
}
