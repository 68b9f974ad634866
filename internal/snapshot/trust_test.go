package snapshot

import (
	"bytes"
	"compress/flate"
	"runtime"
	"strings"
	"testing"
	"time"
)

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// deflated compresses text, n times over.
func deflated(t *testing.T, text string, n int) []byte {
	t.Helper()
	var z bytes.Buffer
	w, err := flate.NewWriter(&z, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	chunk := []byte(strings.Repeat(text, 1<<16))
	for range n / (1 << 16) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// parseBounded parses data, wants code, and logs what it cost: the
// allocation must stay under max bytes.
func parseBounded(t *testing.T, data []byte, trust Trust, code Code, max uint64) {
	t.Helper()
	var err error
	start := time.Now()
	got := allocated(func() { _, err = Parse(data, trust) })
	t.Logf("%d-byte file refused in %s, %d MiB allocated: %v", len(data), time.Since(start).Round(time.Millisecond), got>>20, err)
	if !isCode(err, code) {
		t.Errorf("got %v, want %s", err, code)
	}
	if got > max {
		t.Errorf("%d MiB allocated, want at most %d", got>>20, max>>20)
	}
}

// TestABombIsRefusedWithBoundedMemory: a small file whose body inflates
// far past MaxBody is refused before it is inflated when its signer is
// not of the trusted CA, and at MaxBody when it is; a body with an array
// past its bound is refused before it is decoded.
func TestABombIsRefusedWithBoundedMemory(t *testing.T) {
	f := newFixture(t)
	bomb := deflated(t, "\x00", 400<<20)
	other := newOrg(t, "shanghai.example.com")
	untrusted, err := sealCompressed(bomb, other.signer)
	if err != nil {
		t.Fatal(err)
	}
	parseBounded(t, untrusted, f.trust(), WrongSigner, 1<<20)
	trusted, err := sealCompressed(bomb, f.org.signer)
	if err != nil {
		t.Fatal(err)
	}
	parseBounded(t, trusted, f.trust(), Malformed, MaxBody+8<<20)

	const n = 25_000_000 // "", each: 75 MB of JSON
	head := `{"format":"` + Format + `","mspId":"WuhuMSP","channel":"anhui","blockHeight":1,"builtAt":"2026-06-01T08:00:00Z",` +
		`"sources":["anhui"],"types":[],"grants":[],"sealKeys":[],"licences":{"ids":[`
	js := head + strings.Repeat(`"",`, n) + `""]}}`
	ids, err := seal([]byte(js), f.org.signer)
	if err != nil {
		t.Fatal(err)
	}
	parseBounded(t, ids, f.trust(), Malformed, MaxBody+8<<20)
}

// TestASnapshotFromTheFutureIsRefused: built more than MaxSkew after now.
func TestASnapshotFromTheFutureIsRefused(t *testing.T) {
	f := newFixture(t)
	data := f.file(t, f.body(nil, 0))
	if _, err := ParseAt(data, f.trust(), testBuilt.Add(-MaxSkew-time.Second)); !isCode(err, Future) {
		t.Fatalf("built after now plus the skew: %v", err)
	}
	if _, err := ParseAt(data, f.trust(), testBuilt.Add(-MaxSkew)); err != nil {
		t.Fatalf("within the skew: %v", err)
	}
}

// TestTheSignerMustBeValidNowAndOfTheChannel: a signer's certificate
// expired now, or an organisation not of the snapshot's channel, is not
// trusted.
func TestTheSignerMustBeValidNowAndOfTheChannel(t *testing.T) {
	f := newFixture(t)
	data := f.file(t, f.body(nil, 0))
	if _, err := ParseAt(data, f.trust(), testBuilt.AddDate(6, 0, 0)); !isCode(err, WrongSigner) {
		t.Fatalf("expired now: %v", err)
	}
	delta := f.trust()
	delta.Channels = []string{"delta"}
	if _, err := Parse(data, delta); !isCode(err, WrongSigner) || !strings.Contains(err.Error(), "not a member of channel anhui") {
		t.Fatalf("not of the channel: %v", err)
	}
	anhui := f.trust()
	anhui.Channels = []string{"delta", "anhui"}
	if _, err := Parse(data, anhui); err != nil {
		t.Fatalf("of the channel: %v", err)
	}
	if _, err := Parse(data, Trust{Roots: f.org.roots}); !isCode(err, WrongSigner) {
		t.Fatalf("no MSP named: %v", err)
	}
}
