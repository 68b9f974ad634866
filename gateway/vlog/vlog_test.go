package vlog

import (
	"fmt"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
)

func TestEntriesAreKeptByLicenceInTimeOrderAcrossAReopen(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	// Appended out of time order, two licences whose IDs share a prefix.
	for _, e := range []api.VerificationEntry{
		{LicenceID: "BL-1", At: t0.Add(2 * time.Second), Outcome: "valid"},
		{LicenceID: "BL-10", At: t0, Outcome: "valid"},
		{LicenceID: "BL-1", At: t0, Outcome: "NONCE_USED"},
		{LicenceID: "BL-1", At: t0, Outcome: "status-active"},
	} {
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if l, err = Open(dir, 0, nil); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got, err := l.ForLicence("BL-1")
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, e := range got {
		if e.LicenceID != "BL-1" {
			t.Errorf("an entry of %s listed for BL-1", e.LicenceID)
		}
		outcomes = append(outcomes, e.Outcome)
	}
	if fmt.Sprint(outcomes) != "[NONCE_USED status-active valid]" {
		t.Errorf("BL-1's entries: %v, want oldest first, ties in order of logging", outcomes)
	}
	if none, err := l.ForLicence("BL-2"); err != nil || len(none) != 0 {
		t.Errorf("an unknown licence: %v %v", none, err)
	}
}

func TestAListingReturnsTheNewestEntries(t *testing.T) {
	l, err := Open("", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range MaxPerLicence + 5 {
		if err := l.Append(api.VerificationEntry{LicenceID: "BL-1", At: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.ForLicence("BL-1")
	if err != nil || len(got) != MaxPerLicence || !got[0].At.Equal(t0.Add(5*time.Second)) || !got[len(got)-1].At.Equal(t0.Add(time.Duration(MaxPerLicence+4)*time.Second)) {
		t.Errorf("%d entries, first %v, last %v: %v", len(got), got[0].At, got[len(got)-1].At, err)
	}
}
