package fetch

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
)

// A provider serves at most MaxStreamsPerPeer exchanges to one peer at
// once: the next is answered UNAVAILABLE before anything is read or
// recorded, and is served once one ends.
func TestAProviderServesABoundedNumberOfExchangesToOnePeer(t *testing.T) {
	n := newNet(t, 20, Config{MaxStreamsPerPeer: 2})
	n.chain.grant("AUTH-1", nil)
	n.pl.hold = make(chan struct{}) // each exchange waits in RecordAccess
	for range 2 {
		sr, _ := n.signedAsk(ask("AUTH-1", "address"))
		n.rawStream(hello{Signed: sr})
	}
	for deadline := time.Now().Add(10 * time.Second); n.pl.accesses.Load() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) { // both are being served by now
			t.Fatalf("%d exchanges reached RecordAccess", n.pl.accesses.Load())
		}
	}
	sr, _ := n.signedAsk(ask("AUTH-1", "address"))
	_, r := n.rawStream(hello{Signed: sr})
	typ, body, err := readMsg(r, nil)
	var f failure
	if err != nil || typ != msgFailure || decodeJSON(body, &f) != nil || f.Code != api.CodeUnavailable {
		t.Fatalf("the third exchange: type %d %s, %v; want a failure UNAVAILABLE", typ, body, err)
	}
	close(n.pl.hold)
}

// A requester accepts at most MaxResponse bytes of rows: a response
// larger ends TRANSFER_TOO_LARGE, and no row is handed out.
func TestARequesterRefusesAResponseLargerThanItsBound(t *testing.T) {
	n := newNet(t, 500, Config{ChunkSize: 1024})
	n.chain.grant("AUTH-1", nil)
	n.client.cfg.MaxResponse = 4096
	res, err := n.fetch(ask("AUTH-1", "address"))
	if res != nil || codeOf(err) != api.CodeTransferTooLarge {
		t.Fatalf("%v, %v; want TRANSFER_TOO_LARGE and no result", res, err)
	}
}
