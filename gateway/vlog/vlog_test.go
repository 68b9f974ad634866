package vlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// TestQueuedEntriesAreListedAndSurviveACleanClose: entries appended from
// many goroutines are in a listing made right after, and all of them are
// there after Close and a reopen, however full the writer's queue was.
func TestQueuedEntriesAreListedAndSurviveACleanClose(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 16, QueueLen / 8
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := l.Append(api.VerificationEntry{LicenceID: fmt.Sprintf("BL-%d", w), At: at.Add(time.Duration(i) * time.Second)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got, err := l.ForLicence("BL-3"); err != nil || len(got) != each {
		t.Fatalf("listed right after: %d entries, want %d: %v", len(got), each, err)
	}
	for i := range each { // queued, not yet written, when Close begins
		if err := l.Append(api.VerificationEntry{LicenceID: "BL-late", At: at.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(api.VerificationEntry{LicenceID: "BL-late", At: at}); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
	if l, err = Open(dir, 0, nil); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, id := range []string{"BL-0", "BL-15", "BL-late"} {
		if got, err := l.ForLicence(id); err != nil || len(got) != each {
			t.Errorf("%s after a reopen: %d entries, want %d: %v", id, len(got), each, err)
		}
	}
}

// TestABatchTooLargeForOneTransactionIsWrittenWhole: the writer's largest
// batch of large entries (more than one Badger transaction holds) is
// written, none lost.
func TestABatchTooLargeForOneTransactionIsWrittenWhole(t *testing.T) {
	l, err := Open("", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	batch := make([]queued, maxBatch)
	for i := range batch {
		e := api.VerificationEntry{LicenceID: "BL-1", At: at.Add(time.Duration(i) * time.Second), Purpose: strings.Repeat("p", 8<<10)}
		v, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		batch[i] = queued{key: l.key(&e), val: v}
	}
	if err := l.commit(batch); err != nil {
		t.Fatal(err)
	}
	if got, err := l.ForLicence("BL-1"); err != nil || len(got) != maxBatch {
		t.Errorf("%d entries of %d listed: %v", len(got), maxBatch, err)
	}
}
