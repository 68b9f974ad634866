package fetch

import (
	"bufio"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// The stream dies mid-transfer (the connections between the requester
// and the gateway it reaches the provider through closed); the requester
// resumes under the same access record and gets every row, and the
// authorization counts one use.
func TestAnInterruptedTransferResumesWithoutASecondUse(t *testing.T) {
	n := newNet(t, 500, Config{ChunkSize: 2048})
	n.chain.grant("AUTH-1", func(a *record.Authorization) { a.MaxUses = 1 })
	var cut atomic.Bool
	n.mitm(n.cutOnce(&cut, 6, nil))
	res, err := n.fetch(ask("AUTH-1", "address", "members"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if !cut.Load() {
		t.Fatal("the transfer was never cut")
	}
	if got, want := collect(t, res), n.rows.tables["hefei.household"].project("address", "members"); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("after the resume: %d rows, want %d", len(got), len(want))
	}
	if u, calls, trail := n.chain.uses("AUTH-1"), n.pl.accesses.Load(), n.chain.trail("AUTH-1"); u != 1 || calls != 1 || len(trail) != 1 {
		t.Errorf("uses %d, accesses submitted %d, trail %d records: want 1, 1, 1", u, calls, len(trail))
	}
}

// A resume is served only for the access of the very request, within the
// resume period, while the authorization is active.
func TestResumesTheProviderRefuses(t *testing.T) {
	var now atomic.Pointer[time.Time]
	clock := func() time.Time {
		if p := now.Load(); p != nil {
			return *p
		}
		return time.Now()
	}
	n := newNet(t, 40, Config{ChunkSize: 1024, ResumePeriod: time.Hour, Clock: clock})
	n.chain.grant("AUTH-1", nil)
	fetch := func() (record.SignedRequest, *Result) {
		var signed record.SignedRequest
		res, err := n.client.Fetch(t.Context(), n.provider.ID(), ask("AUTH-1", "address"), func(r record.DataRequest) (record.SignedRequest, error) {
			sr, err := n.signer("wuhu-requester")(r)
			signed = sr
			return sr, err
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Close() })
		return signed, res
	}
	first, res1 := fetch()
	_, res2 := fetch()
	answer := func(h hello) (byte, failure) {
		t.Helper()
		_, r := n.rawStream(h)
		typ, body, err := readMsg(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		var f failure
		if typ == msgFailure {
			if err := decodeJSON(body, &f); err != nil {
				t.Fatal(err)
			}
		}
		return typ, f
	}
	if typ, f := answer(hello{Signed: first, Resume: &resume{AccessID: res1.AccessID, From: 2}}); typ != msgAccept {
		t.Fatalf("a resume of the request's own access: %d %+v", typ, f)
	}
	if typ, f := answer(hello{Signed: first, Resume: &resume{AccessID: res2.AccessID}}); f.Code != api.CodeNotResumable {
		t.Errorf("a resume naming another request's access: %d %+v", typ, f)
	}
	if typ, f := answer(hello{Signed: first, Resume: &resume{AccessID: "no-such-access"}}); f.Code != api.CodeNotResumable {
		t.Errorf("a resume naming no access: %d %+v", typ, f)
	}
	later := time.Now().Add(2 * time.Hour)
	now.Store(&later)
	if typ, f := answer(hello{Signed: first, Resume: &resume{AccessID: res1.AccessID}}); f.Code != api.CodeNotResumable {
		t.Errorf("a resume past the period: %d %+v", typ, f)
	}
	now.Store(nil)
	n.chain.must("hefei-owner", "share:Revoke", "AUTH-1", "PURPOSE_ACHIEVED")
	if typ, f := answer(hello{Signed: first, Resume: &resume{AccessID: res1.AccessID}}); f.Code != api.CodeNotResumable {
		t.Errorf("a resume after the revocation: %d %+v", typ, f)
	}
	if u := n.chain.uses("AUTH-1"); u != 2 {
		t.Errorf("uses = %d, want 2: resumes count none", u)
	}
}

// mitm stands between the requester and the provider, as a path that
// tampers with the provider's messages: mutate sees each message and
// returns those to pass on.
func (n *testNet) mitm(mutate func(typ byte, body []byte, sent int) [][2][]byte) {
	n.t.Helper()
	p, err := n.mn.GenPeer()
	if err != nil {
		n.t.Fatal(err)
	}
	if err := n.mn.LinkAll(); err != nil {
		n.t.Fatal(err)
	}
	n.ids.peers[p.ID()] = "WuhuMSP"
	provider := n.provider.ID()
	p.SetStreamHandler(ProtocolID, func(in network.Stream) {
		defer in.Close()
		typ, body, err := readMsg(bufio.NewReader(in), nil)
		if err != nil || typ != msgHello {
			in.Reset()
			return
		}
		out, err := p.NewStream(n.t.Context(), provider, ProtocolID)
		if err != nil {
			in.Reset()
			return
		}
		defer out.Close()
		if writeMsg(out, msgHello, body) != nil {
			return
		}
		r := bufio.NewReader(out)
		for sent := 0; ; sent++ {
			typ, body, err := readMsg(r, nil)
			if err != nil {
				return
			}
			for _, m := range mutate(typ, slices.Clone(body), sent) {
				if writeMsg(in, m[0][0], m[1]) != nil {
					return
				}
			}
		}
	})
	n.provider = p // the requester fetches through it
}

// cutOnce is a mitm's mutation that, the first time the message sent is
// reached, drops it, calls then (if set) and closes the connections to
// the requester, so that the transfer breaks after the messages before.
func (n *testNet) cutOnce(cut *atomic.Bool, at int, then func()) func(typ byte, body []byte, sent int) [][2][]byte {
	return func(typ byte, body []byte, sent int) [][2][]byte {
		if sent == at && cut.CompareAndSwap(false, true) {
			if then != nil {
				then()
			}
			n.mn.DisconnectPeers(n.provider.ID(), n.req.ID())
			return nil
		}
		return [][2][]byte{{{typ}, body}}
	}
}

func TestTamperedReorderedOrTruncatedChunksAreDetected(t *testing.T) {
	one := func(typ byte, body []byte) [][2][]byte { return [][2][]byte{{{typ}, body}} }
	var held [][2][]byte
	tests := []struct {
		name   string
		mutate func(typ byte, body []byte, sent int) [][2][]byte
		want   string
	}{
		{"a byte of a chunk flipped", func(typ byte, b []byte, sent int) [][2][]byte {
			if sent == 2 {
				b[len(b)-1] ^= 1
			}
			return one(typ, b)
		}, api.CodeTransferCorrupt},
		{"two chunks swapped", func(typ byte, b []byte, sent int) [][2][]byte {
			switch sent {
			case 2:
				held = one(typ, b)
				return nil
			case 3:
				return append(one(typ, b), held...)
			}
			return one(typ, b)
		}, api.CodeTransferCorrupt},
		{"a chunk replayed", func(typ byte, b []byte, sent int) [][2][]byte {
			if sent == 1 {
				return append(one(typ, b), one(typ, b)...)
			}
			return one(typ, b)
		}, api.CodeTransferCorrupt},
		{"a chunk dropped", func(typ byte, b []byte, sent int) [][2][]byte {
			if sent == 2 {
				return nil
			}
			return one(typ, b)
		}, api.CodeTransferCorrupt},
		{"a chunk relabelled with the dropped one's index", func(typ byte, b []byte, sent int) [][2][]byte {
			switch sent {
			case 2:
				return nil
			case 3:
				b[3]-- // chunk 2 claims to be chunk 1
			}
			return one(typ, b)
		}, api.CodeTransferCorrupt},
		// Refused by its size, over an end's limit, before it is opened.
		{"a chunk passed off as the end", func(typ byte, b []byte, sent int) [][2][]byte {
			if typ == msgEnd {
				return nil
			}
			if sent == 3 {
				typ = msgEnd
			}
			return one(typ, b)
		}, api.CodeProtocol},
		{"the end sent early", func(typ byte, b []byte, sent int) [][2][]byte {
			if typ == msgChunk && sent > 2 {
				return nil
			}
			return one(typ, b)
		}, api.CodeTransferCorrupt},
		{"the end cut off", func(typ byte, b []byte, sent int) [][2][]byte {
			if typ == msgEnd {
				return nil
			}
			return one(typ, b)
		}, api.CodeTransferTruncate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNet(t, 300, Config{ChunkSize: 1024})
			n.chain.grant("AUTH-1", nil)
			n.mitm(tt.mutate)
			res, err := n.fetch(ask("AUTH-1", "address"))
			if res != nil || codeOf(err) != tt.want {
				t.Fatalf("%v, %v; want %s and no result", res, err, tt.want)
			}
		})
	}
}
