package fetch

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// twoChannels stands for an authorization of Hefei's on anhui that crosses
// to delta, where its requester records each access; relay carries a
// record from delta to anhui when the test lets it.
type twoChannels struct {
	mu      sync.Mutex
	delta   map[string]*record.AccessRecord // as the requester's channel holds them
	anhui   map[string]*record.AccessRecord // as the provider's, once relayed
	relay   chan struct{}                   // closed: records reach anhui
	refuse  string                          // the requester's channel commits a denial with this reason
	ownAsks atomic.Int32                    // RecordAccess calls at the provider
	seq     int
}

func (c *twoChannels) store(m map[string]*record.AccessRecord, id string) (*record.AccessRecord, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := m[id]; ok {
		return r, nil
	}
	return nil, record.Errorf(record.CodeNotFound, "no access record %s", id)
}

// anhuiSide is the provider's Ledger on anhui.
type anhuiSide struct{ *twoChannels }

func (a anhuiSide) Authorization(_ context.Context, id string) (*record.Authorization, error) {
	now := time.Now()
	return &record.Authorization{ID: id, Owner: "HefeiMSP", Requester: "WuhuMSP", DatasetID: "hefei.household", Fields: []string{"address", "members"},
		Purpose: "social-assistance", ValidFrom: now.Add(-time.Hour), ValidTo: now.Add(time.Hour),
		Crossing: &record.Crossing{From: "anhui", To: "delta", Carrier: "AnhuiMSP"}}, nil
}

func (a anhuiSide) Access(_ context.Context, id string) (*record.AccessRecord, error) {
	return a.store(a.anhui, id)
}

func (a anhuiSide) RecordAccess(context.Context, record.AccessRequest) (*record.AccessRecord, error) {
	a.ownAsks.Add(1)
	return nil, record.Errorf(record.CodeForbidden, "accesses under this authorization are recorded on channel delta")
}

func (a anhuiSide) RecordDenial(context.Context, record.DenialRequest) (*record.AccessRecord, error) {
	return &record.AccessRecord{ID: "denial", Kind: record.KindDenial}, nil
}

// deltaSide is the requester's ledger on delta: it records and reads.
type deltaSide struct{ *twoChannels }

func (d deltaSide) Access(_ context.Context, id string) (*record.AccessRecord, error) {
	return d.store(d.delta, id)
}

func (d deltaSide) RecordAccess(_ context.Context, r record.AccessRequest) (*record.AccessRecord, error) {
	digest, err := r.Signed.Digest()
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	rec := &record.AccessRecord{ID: "tx-" + strconv.Itoa(d.seq), Kind: record.KindAccess, AuthorizationID: r.Signed.Request.AuthorizationID,
		RequestDigest: digest, ResponseDigest: r.ResponseDigest, SaltNonce: r.SaltNonce, At: time.Now()}
	if d.refuse != "" {
		rec.Kind, rec.Reason, rec.ResponseDigest = record.KindDenial, d.refuse, ""
	}
	d.delta[rec.ID] = rec
	go func() {
		<-d.relay
		d.mu.Lock()
		defer d.mu.Unlock()
		imported := *rec
		imported.Source = &record.Source{Channel: "delta"}
		d.anhui[rec.ID] = &imported
	}()
	return rec, nil
}

func newTwoChannels(t *testing.T, relayWait time.Duration) (*testNet, *twoChannels) {
	n := newNet(t, 40, Config{})
	c := &twoChannels{delta: map[string]*record.AccessRecord{}, anhui: map[string]*record.AccessRecord{}, relay: make(chan struct{})}
	srv, err := NewServer(Config{Channel: "anhui", RelayWait: relayWait}, n.rows, n.ids, anhuiSide{c})
	if err != nil {
		t.Fatal(err)
	}
	srv.Register(n.provider)
	n.client = NewClient(n.req, deltaSide{c}, ClientConfig{SpoolDir: t.TempDir(), RecordWait: 2 * time.Second, Recorder: deltaSide{c}})
	return n, c
}

// TestAFetchAcrossChannelsStreamsOnlyOnceTheRelayCarriedTheRequestersRecord:
// under an authorization that crosses to the requester's channel, the
// provider records nothing itself: the requester records the access on
// its channel with the provider's response digest, and the rows leave only
// once that record has reached the provider's channel.
func TestAFetchAcrossChannelsStreamsOnlyOnceTheRelayCarriedTheRequestersRecord(t *testing.T) {
	n, c := newTwoChannels(t, 10*time.Second)
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := n.fetch(ask("AUTH-X", "address", "members"))
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		t.Fatalf("the fetch ended before the record reached the provider's channel: %v", o.err)
	case <-time.After(500 * time.Millisecond):
	}
	close(c.relay)
	o := <-done
	if o.err != nil {
		t.Fatal(o.err)
	}
	defer o.res.Close()
	if got, want := collect(t, o.res), n.rows.tables["hefei.household"].project("address", "members"); len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	if c.ownAsks.Load() != 0 || len(c.delta) != 1 || o.res.Record.ID != "tx-1" {
		t.Fatalf("provider recorded %d times; delta holds %d records; the result names %s", c.ownAsks.Load(), len(c.delta), o.res.Record.ID)
	}
}

func TestAFetchAcrossChannelsFailsWithoutARecordOnTheProvidersChannel(t *testing.T) {
	t.Run("the relay never carries it", func(t *testing.T) {
		n, _ := newTwoChannels(t, 300*time.Millisecond)
		if _, err := n.fetch(ask("AUTH-X", "address")); codeOf(err) != api.CodeNotResumable {
			t.Fatalf("got %v, want %s", err, api.CodeNotResumable)
		}
	})
	t.Run("the requester's channel commits a denial", func(t *testing.T) {
		n, c := newTwoChannels(t, time.Second)
		c.refuse = string(record.CodeUsesExhausted)
		_, err := n.fetch(ask("AUTH-X", "address"))
		if e, ok := err.(*Error); !ok || e.Code != string(record.CodeUsesExhausted) || e.DenialID != "tx-1" {
			t.Fatalf("got %v, want USES_EXHAUSTED naming denial tx-1", err)
		}
	})
	t.Run("a requester that cannot record", func(t *testing.T) {
		n, _ := newTwoChannels(t, time.Second)
		n.client = NewClient(n.req, n.rl, ClientConfig{SpoolDir: t.TempDir()})
		if _, err := n.fetch(ask("AUTH-X", "address")); codeOf(err) != api.CodeNotCommitted {
			t.Fatalf("got %v, want %s", err, api.CodeNotCommitted)
		}
	})
}

// The same signed request sent again gets another salt nonce, and so a
// digest of the same rows that tells nothing: without recording, a
// requester cannot watch a subject's values through the record message.
func TestEachRecordMessageHasItsOwnSalt(t *testing.T) {
	n, _ := newTwoChannels(t, time.Second)
	q := ask("AUTH-X", "members")
	q.Subjects = []string{n.rows.tables["hefei.household"].rows[3][4]}
	sr, _ := n.signedAsk(q)
	var seen []recordIt
	for range 2 {
		_, r := n.rawStream(hello{Signed: sr})
		typ, body, err := readMsg(r, nil)
		var ri recordIt
		if err != nil || typ != msgRecord || decodeJSON(body, &ri) != nil {
			t.Fatalf("type %d %s, %v; want a record message", typ, body, err)
		}
		seen = append(seen, ri)
	}
	if seen[0].SaltNonce == seen[1].SaltNonce || seen[0].ResponseDigest == seen[1].ResponseDigest {
		t.Errorf("two answers to one request: %+v", seen)
	}
}
