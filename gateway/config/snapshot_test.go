package config

import (
	"strings"
	"testing"
	"time"
)

func TestSnapshotFreshnessDefaultsPerTypeAndIsBounded(t *testing.T) {
	c, err := LoadConfig(write(t, `{`+base+`}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.SnapshotFreshness("BL") != DefaultSnapshotFreshness || c.SnapshotIdentity().Name != "User1" {
		t.Errorf("defaults: %v %v", c.SnapshotFreshness("BL"), c.SnapshotIdentity())
	}
	c, err = LoadConfig(write(t, `{`+base+`,"snapshot":{"identity":"User1","freshness":"6h","typeFreshness":{"BL":"30m"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.SnapshotFreshness("BL") != 30*time.Minute || c.SnapshotFreshness("other") != 6*time.Hour {
		t.Errorf("configured: %v %v", c.SnapshotFreshness("BL"), c.SnapshotFreshness("other"))
	}
	_, err = LoadConfig(write(t, `{`+base+`,"snapshot":{"identity":"Nobody","freshness":"1s","typeFreshness":{"BL":"0s"}}}`))
	for _, want := range []string{`snapshot.identity "Nobody"`, "snapshot.freshness must be at least 1m", "snapshot.typeFreshness.BL must be at least 1m"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	if _, err := LoadConfig(write(t, `{`+base+`,"snapshot":{"fresh":"1h"}}`)); err == nil {
		t.Error("an unknown snapshot member was accepted")
	}
}
