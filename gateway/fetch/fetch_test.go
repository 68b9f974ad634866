package fetch

import (
	"bufio"
	"bytes"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

func TestAnAuthorizedFetchDeliversExactlyTheProjectedRows(t *testing.T) {
	n := newNet(t, 500, Config{ChunkSize: 4096})
	n.chain.grant("AUTH-1", nil)
	res, err := n.fetch(ask("AUTH-1", "members", "address"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	got, want := collect(t, res), n.rows.tables["hefei.household"].project("members", "address")
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("got %d rows, want the %d projected (first %v, want %v)", len(got), len(want), got[:1], want[:1])
	}
	if res.RowCount != 500 || res.Record.Kind != record.KindAccess || res.Record.RecordedBy != "HefeiMSP" || res.Record.Signed == nil {
		t.Errorf("result: %d rows, record %+v", res.RowCount, res.Record)
	}
	if u := n.chain.uses("AUTH-1"); u != 1 {
		t.Errorf("uses = %d, want 1", u)
	}
	trail := n.chain.trail("AUTH-1")
	if len(trail) != 1 || trail[0].ID != res.AccessID || trail[0].ResponseDigest != res.Record.ResponseDigest {
		t.Errorf("trail = %+v", trail)
	}
	// The delivered body and the signed request check against the record
	// as an auditor's verify would.
	var body bytes.Buffer
	if err := res.WriteResponse(&body); err != nil {
		t.Fatal(err)
	}
	request, err := res.Record.Signed.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var v record.Verification
	fromJSON(t, n.chain.must("hefei-owner", "audit:Verify", res.AccessID, string(request), body.String()), &v)
	if !v.RequestMatches || !v.ResponseMatches {
		t.Errorf("audit verify of the delivered body: %+v", v)
	}
	// Subjects restrict the rows; the digest covers exactly those sent.
	subject := n.rows.tables["hefei.household"].rows[7][4]
	q := ask("AUTH-1", "address")
	q.Subjects = []string{subject}
	res2, err := n.fetch(q)
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Close()
	if rows := collect(t, res2); len(rows) != 1 || rows[0][0] != "合肥市蜀山区7号" {
		t.Errorf("rows of one subject: %v", rows)
	}
}

// Every refusal is refused with its code, is on the trail as a denial
// (recorded by the chaincode or by the provider), and counts no use.
func TestEveryRefusalIsRefusedWithItsCodeAndRecordedAsADenial(t *testing.T) {
	later := time.Now().UTC().Truncate(time.Second).Add(48 * time.Hour)
	tests := []struct {
		name   string
		grant  func(*record.Authorization)
		revoke bool
		gone   bool // the authorization's dataset is not at the gateway
		edit   func(*record.DataRequest)
		signer string
		sign   func(Signer) Signer
		want   record.Code
		names  string // what the refusal's message names
	}{
		{name: "no such authorization", edit: func(r *record.DataRequest) { r.AuthorizationID = "AUTH-NONE" }, want: record.CodeNotFound},
		{name: "a revoked authorization", revoke: true, want: record.CodeNotActive, names: "AUTH-1"},
		{name: "exhausted uses", grant: func(a *record.Authorization) { a.MaxUses = 1 }, want: record.CodeUsesExhausted},
		{name: "a field not granted", edit: func(r *record.DataRequest) { r.Fields = []string{"address", "income"} }, want: record.CodeFieldsNotGranted},
		{name: "another purpose", edit: func(r *record.DataRequest) { r.Purpose = "marketing" }, want: record.CodePurposeMismatch},
		{name: "outside the window", grant: func(a *record.Authorization) { a.ValidFrom, a.ValidTo = later, later.Add(time.Hour) }, want: record.CodeNotActive},
		{name: "a subject the consent does not cover", grant: func(a *record.Authorization) {
			a.LegalBasis, a.ConsentDigest, a.Subjects = "", gm.SM3Hex([]byte("consent")), []string{gm.SM3Hex([]byte("citizen-1"))}
		}, edit: func(r *record.DataRequest) { r.Subjects = []string{gm.SM3Hex([]byte("citizen-2"))} }, want: record.CodeSubjectNotCovered},
		{name: "a signature that does not verify", sign: func(s Signer) Signer {
			return func(r record.DataRequest) (record.SignedRequest, error) {
				sr, err := s(r)
				sr.Request.Purpose = "social-assistance-x" // changed after signing
				return sr, err
			}
		}, want: record.CodeBadSignature},
		{name: "a certificate of no CA of the requester", signer: "hefei-owner", sign: func(s Signer) Signer {
			return func(r record.DataRequest) (record.SignedRequest, error) {
				sr, err := s(r)
				sr.Request.Requester = "WuhuMSP"
				return sr, err
			}
		}, want: record.CodeBadSignature},
		{name: "a signer without the requester role", signer: "wuhu-clerk", want: record.CodeForbidden},
		{name: "the authorization's dataset not at the gateway", gone: true, want: record.CodeNotFound, names: `the owner's gateway holds no rows of dataset "hefei.household"`},
		{name: "a dataset other than the authorization's", edit: func(r *record.DataRequest) { r.DatasetID, r.Fields = "hefei.elsewhere", []string{"name"} }, want: record.CodeFieldsNotGranted,
			names: "covers dataset hefei.household, not hefei.elsewhere"},
		{name: "a field neither granted nor in the dataset", edit: func(r *record.DataRequest) { r.Fields = []string{"address", "shoeSize"} }, want: record.CodeFieldsNotGranted,
			names: "field shoeSize is not granted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNet(t, 20, Config{})
			n.chain.grant("AUTH-1", tt.grant)
			if tt.revoke {
				n.chain.must("hefei-owner", "share:Revoke", "AUTH-1", "PURPOSE_ACHIEVED")
			}
			if tt.gone {
				delete(n.rows.tables, "hefei.household")
			}
			if tt.want == record.CodeUsesExhausted {
				res, err := n.fetch(ask("AUTH-1", "address"))
				if err != nil {
					t.Fatal(err)
				}
				res.Close()
			}
			before := n.chain.uses("AUTH-1")
			q := ask("AUTH-1", "address")
			if tt.edit != nil {
				tt.edit(&q)
			}
			signer := n.signer("wuhu-requester")
			if tt.signer != "" {
				signer = n.signer(tt.signer)
			}
			if tt.sign != nil {
				signer = tt.sign(signer)
			}
			res, err := n.client.Fetch(t.Context(), n.provider.ID(), q, signer)
			if err == nil {
				res.Close()
				t.Fatal("the fetch was served")
			}
			fe, ok := err.(*Error)
			if !ok || fe.Code != string(tt.want) || fe.DenialID == "" {
				t.Fatalf("err = %v, want %s with a denial", err, tt.want)
			}
			if !strings.Contains(fe.Msg, tt.names) || strings.Contains(fe.Msg, "\n") || slices.ContainsFunc(record.Codes, func(c record.Code) bool {
				return strings.Contains(fe.Msg, string(c))
			}) || strings.Contains(fe.Msg, "DATASET_") || strings.Contains(fe.Msg, "table ") {
				t.Errorf("the refusal's message %q: want one sentence naming %q, no code, no owner's error", fe.Msg, tt.names)
			}
			d, err := n.pl.Access(t.Context(), fe.DenialID)
			if err != nil || d.Kind != record.KindDenial || d.Reason != string(tt.want) || d.Requester != "WuhuMSP" {
				t.Errorf("the denial on the trail: %+v, %v", d, err)
			}
			if tt.gone && d.AuthorizationID != "AUTH-1" {
				t.Errorf("the denial names authorization %q, want AUTH-1", d.AuthorizationID)
			}
			if after := n.chain.uses("AUTH-1"); after != before {
				t.Errorf("a refusal counted a use: %d → %d", before, after)
			}
		})
	}
}

// rawStream opens a stream to the provider and sends a hello; it returns
// a reader of the provider's messages.
func (n *testNet) rawStream(h hello) (network.Stream, *bufio.Reader) {
	n.t.Helper()
	st, err := n.req.NewStream(n.t.Context(), n.provider.ID(), ProtocolID)
	if err != nil {
		n.t.Fatal(err)
	}
	n.t.Cleanup(func() { st.Reset() })
	if err := writeJSON(st, msgHello, h); err != nil {
		n.t.Fatal(err)
	}
	return st, bufio.NewReader(st)
}

// signedAsk signs a request as Wuhu's requester, as Fetch would.
func (n *testNet) signedAsk(q record.DataRequest) (record.SignedRequest, *gm.PrivateKey) {
	n.t.Helper()
	eph, err := gm.GenerateKey()
	if err != nil {
		n.t.Fatal(err)
	}
	q.Nonce, q.At, q.EphemeralKey = "0123456789abcdef0123456789abcdef", time.Now().UTC().Truncate(time.Second), eph.Public().Hex()
	sr, err := n.signer("wuhu-requester")(q)
	if err != nil {
		n.t.Fatal(err)
	}
	return sr, eph
}

// No byte of data leaves before the commit: while the ledger holds the
// commit, the requester receives nothing; after it, the accept and rows.
func TestNoDataIsSentBeforeTheCommit(t *testing.T) {
	n := newNet(t, 50, Config{})
	n.chain.grant("AUTH-1", nil)
	n.pl.hold = make(chan struct{})
	sr, _ := n.signedAsk(ask("AUTH-1", "address"))
	_, r := n.rawStream(hello{Signed: sr})
	deadline := time.Now().Add(time.Second)
	for n.pl.accesses.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n.pl.accesses.Load() != 1 {
		t.Fatal("the provider never submitted the access")
	}
	type msg struct {
		typ byte
		err error
	}
	first := make(chan msg, 1)
	go func() { // mocknet streams have no read deadlines
		typ, _, err := readMsg(r, nil)
		first <- msg{typ, err}
	}()
	select {
	case m := <-first:
		t.Fatalf("the requester received message %d (%v) while the commit was pending", m.typ, m.err)
	case <-time.After(500 * time.Millisecond):
	}
	close(n.pl.hold)
	if m := <-first; m.err != nil || m.typ != msgAccept {
		t.Fatalf("after the commit: message %d, %v; want the accept", m.typ, m.err)
	}
	if typ, _, err := readMsg(r, nil); err != nil || typ != msgChunk {
		t.Fatalf("then message %d, %v; want a chunk", typ, err)
	}
}

// No commit, no data: a failed commit ends the exchange with
// NOT_COMMITTED and nothing else.
func TestACommitFailureSendsNoData(t *testing.T) {
	n := newNet(t, 50, Config{})
	n.chain.grant("AUTH-1", nil)
	n.pl.fail = true
	sr, _ := n.signedAsk(ask("AUTH-1", "address"))
	_, r := n.rawStream(hello{Signed: sr})
	typ, body, err := readMsg(r, nil)
	var f failure
	if err != nil || typ != msgFailure || decodeJSON(body, &f) != nil || f.Code != api.CodeNotCommitted {
		t.Fatalf("message %d %s, %v; want the failure NOT_COMMITTED", typ, body, err)
	}
	if _, _, err := readMsg(r, nil); err == nil {
		t.Error("more followed the failure")
	}
	if _, err := n.fetch(ask("AUTH-1", "address")); codeOf(err) != api.CodeNotCommitted {
		t.Errorf("Fetch: %v, want NOT_COMMITTED", err)
	}
	if u := n.chain.uses("AUTH-1"); u != 0 {
		t.Errorf("uses = %d", u)
	}
}

// A signed request is served once: sent again, it is refused REPLAYED
// and the refusal is on the trail.
func TestAReplayedSignedRequestIsRefused(t *testing.T) {
	n := newNet(t, 10, Config{})
	n.chain.grant("AUTH-1", nil)
	var first record.SignedRequest
	capture := func(r record.DataRequest) (record.SignedRequest, error) {
		sr, err := n.signer("wuhu-requester")(r)
		first = sr
		return sr, err
	}
	res, err := n.client.Fetch(t.Context(), n.provider.ID(), ask("AUTH-1", "address"), capture)
	if err != nil {
		t.Fatal(err)
	}
	res.Close()
	_, r := n.rawStream(hello{Signed: first})
	typ, body, err := readMsg(r, nil)
	var f failure
	if err != nil || typ != msgFailure || decodeJSON(body, &f) != nil || f.Code != string(record.CodeReplayed) || f.DenialID == "" {
		t.Fatalf("the replay: message %d %s, %v; want REPLAYED with a denial", typ, body, err)
	}
	if u := n.chain.uses("AUTH-1"); u != 1 {
		t.Errorf("uses = %d, want 1", u)
	}
}

// An iterator closed part way stops reading; the next one reads every
// row from the start, and a result closed with an iterator still reading
// stops it.
func TestRowsIteratorsStopWhenClosed(t *testing.T) {
	n := newNet(t, 500, Config{ChunkSize: 1024})
	n.chain.grant("AUTH-1", nil)
	res, err := n.fetch(ask("AUTH-1", "address"))
	if err != nil {
		t.Fatal(err)
	}
	it, err := res.Rows()
	if err != nil {
		t.Fatal(err)
	}
	if !it.Next() || it.Close() != nil || it.Next() {
		t.Fatal("an iterator closed after one row went on")
	}
	if got := collect(t, res); len(got) != 500 {
		t.Fatalf("the next iterator read %d rows, want 500", len(got))
	}
	if it, err = res.Rows(); err != nil || !it.Next() {
		t.Fatalf("a third iterator: %v", err)
	}
	if err := res.Close(); err != nil {
		t.Fatal(err)
	}
	if it.Next() {
		t.Error("an iterator of a closed result went on")
	}
}

// The requester hands out no row unless the rows hash to the committed
// record's response digest.
func TestADigestMismatchReturnsNoRows(t *testing.T) {
	n := newNet(t, 30, Config{})
	n.chain.grant("AUTH-1", nil)
	n.rl.lie = gm.SM3Hex([]byte("other rows"))
	res, err := n.fetch(ask("AUTH-1", "address"))
	if res != nil || codeOf(err) != api.CodeDigestMismatch {
		t.Fatalf("a lying record: %v, %v; want DIGEST_MISMATCH and no result", res, err)
	}
}

// Rows changed at the provider between the commit and a resume: the
// resume, projecting them again, ends DATA_CHANGED before it sends any
// row (no accept): a resume delivers only the response recorded.
func TestRowsChangedBeforeAResumeEndItDataChanged(t *testing.T) {
	n := newNet(t, 300, Config{ChunkSize: 1024})
	n.chain.grant("AUTH-1", nil)
	var cut atomic.Bool
	var resumed atomic.Int32 // accepts of a resume
	cutter := n.cutOnce(&cut, 3, func() { n.rows.tables["hefei.household"].rows[5][1] = "改动" })
	n.mitm(func(typ byte, body []byte, sent int) [][2][]byte {
		if sent == 0 && typ == msgAccept && cut.Load() {
			resumed.Add(1)
		}
		return cutter(typ, body, sent)
	})
	res, err := n.fetch(ask("AUTH-1", "address"))
	if res != nil || codeOf(err) != api.CodeDataChanged || !cut.Load() {
		t.Fatalf("changed rows: %v, %v (cut: %v); want DATA_CHANGED and no result", res, err, cut.Load())
	}
	if resumed.Load() != 0 {
		t.Errorf("a resume of changed rows was accepted %d times", resumed.Load())
	}
}

// A refusal is told from a failure to commit by its code, as a gateway's
// service or the chaincode's message carries it.
func TestRefusalsAreToldFromFailuresByTheirCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want record.Code
	}{
		{&api.Error{Status: 403, Code: string(record.CodeUsesExhausted)}, record.CodeUsesExhausted},
		{errors.New("REPLAYED: the request's nonce was used"), record.CodeReplayed},
		{record.Errorf(record.CodeForbidden, "no"), record.CodeForbidden},
		{&api.Error{Status: 503, Code: api.CodeUnavailable}, ""},
		{&api.Error{Status: 502, Code: api.CodeEndorsement}, ""},
		{errors.New("dial tcp 127.0.0.1:7051: connection refused"), ""},
	} {
		if got := refusal(c.err); got != c.want {
			t.Errorf("refusal(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
