package fetch

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/contracts"
	"github.com/wanledger/wanledger/chaincode/fakestub"
)

// chain is the anhui channel running the real chaincode contracts on the
// in-memory ledger of chaincode/fakestub, at the wall clock: what the
// provider's and requester's Ledger adapters reach in these tests.
type chain struct {
	t   testing.TB
	cc  *contractapi.ContractChaincode
	l   *fakestub.Ledger
	ids map[string]*fakestub.Identity
	mu  sync.Mutex
	at  time.Time // the last transaction's time
}

func newChain(t testing.TB) *chain {
	cc, err := contracts.New()
	if err != nil {
		t.Fatal(err)
	}
	c := &chain{t: t, cc: cc, l: fakestub.New("anhui"), ids: map[string]*fakestub.Identity{}}
	for _, s := range []struct {
		name, msp string
		admin     bool
	}{{"hefei-admin", "HefeiMSP", true}, {"wuhu-admin", "WuhuMSP", true}, {"hefei-owner", "HefeiMSP", false},
		{"wuhu-requester", "WuhuMSP", false}, {"wuhu-clerk", "WuhuMSP", false}} {
		if c.ids[s.name], err = fakestub.NewIdentity(s.msp, s.name, s.admin); err != nil {
			t.Fatal(err)
		}
	}
	// anhui's first membership, approved by the admins of Hefei and Wuhu.
	c.l.Configure(contracts.Name, "AnhuiMSP", "HefeiMSP", "WuhuMSP")
	members := toJSON(t, []record.Organisation{{MSPID: "AnhuiMSP", Province: "AnhuiMSP", Prefix: "34"},
		{MSPID: "HefeiMSP", Province: "AnhuiMSP"}, {MSPID: "WuhuMSP", Province: "AnhuiMSP"}})
	c.must("hefei-admin", "registry:ApproveMembership", members)
	c.must("wuhu-admin", "registry:ApproveMembership", members)
	c.must("hefei-admin", "registry:BindRole", c.ids["hefei-owner"].ClientID(), string(record.RoleDataOwner), "")
	c.must("wuhu-admin", "registry:BindRole", c.ids["wuhu-requester"].ClientID(), string(record.RoleRequester), "")
	c.must("hefei-owner", "share:RegisterDataset", toJSON(t, record.Dataset{ID: "hefei.household", Description: "户籍", Fields: []record.FieldSpec{
		{Name: "name", Type: record.FieldString}, {Name: "address", Type: record.FieldString}, {Name: "members", Type: record.FieldNumber},
		{Name: "income", Type: record.FieldNumber}}}))
	c.must("hefei-owner", "share:RegisterDataset", toJSON(t, record.Dataset{ID: "hefei.elsewhere", Description: "not at the gateway",
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString}}}))
	return c
}

// grant grants Wuhu an authorization of the household dataset's address
// and members for social assistance, edited by edit.
func (c *chain) grant(id string, edit func(*record.Authorization)) {
	now := time.Now().UTC().Truncate(time.Second)
	a := record.Authorization{ID: id, Requester: "WuhuMSP", DatasetID: "hefei.household", Fields: []string{"address", "members"},
		Purpose: "social-assistance", LegalBasis: "SOCIAL_ASSISTANCE_MEASURES", ValidFrom: now.Add(-time.Hour), ValidTo: now.Add(24 * time.Hour)}
	if edit != nil {
		edit(&a)
	}
	c.must("hefei-owner", "share:Grant", toJSON(c.t, a))
}

// invoke runs one transaction and commits it if it succeeds; a refusal
// is the chaincode's "CODE: message".
func (c *chain) invoke(who string, commit bool, fn string, args ...string) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	at := time.Now().UTC()
	if !at.After(c.at) {
		at = c.at.Add(time.Millisecond)
	}
	c.at = at
	tx := c.l.Begin(c.ids[who].Serialize(), at, append([]string{fn}, args...)...)
	resp := c.cc.Invoke(tx)
	if resp.Status != 200 {
		return nil, errors.New(resp.Message)
	}
	if commit {
		if err := tx.Commit("AnhuiMSP", "HefeiMSP", "WuhuMSP"); err != nil {
			return nil, err
		}
	}
	return resp.Payload, nil
}

func (c *chain) must(who, fn string, args ...string) []byte {
	c.t.Helper()
	out, err := c.invoke(who, true, fn, args...)
	if err != nil {
		c.t.Fatalf("%s %s: %v", who, fn, err)
	}
	return out
}

func (c *chain) uses(id string) int64 {
	c.t.Helper()
	var a record.Authorization
	fromJSON(c.t, c.must("hefei-owner", "share:Get", id), &a)
	return a.Uses
}

// trail is the records under an authorization, as an auditor traces them.
func (c *chain) trail(authID string) []*record.AccessRecord {
	c.t.Helper()
	var p record.Page[*record.AccessRecord]
	fromJSON(c.t, c.must("hefei-owner", "audit:Trace", toJSON(c.t, record.TraceQuery{By: record.TraceByOwner, Key: "HefeiMSP", PageSize: 200})), &p)
	var out []*record.AccessRecord
	for _, r := range p.Items {
		if r.AuthorizationID == authID || authID == "" {
			out = append(out, r)
		}
	}
	return out
}

// ledger is the provider's Ledger (as Hefei's data-owner) or the
// requester's AccessReader (as Wuhu's requester) over the chain, with the
// hooks the tests need.
type ledger struct {
	c        *chain
	as       string
	hold     chan struct{} // if set, RecordAccess waits for it to close
	fail     bool          // RecordAccess fails to commit
	lie      string        // Access answers this response digest instead
	accesses atomic.Int32  // RecordAccess calls
}

func (l *ledger) RecordAccess(ctx context.Context, r record.AccessRequest) (*record.AccessRecord, error) {
	l.accesses.Add(1)
	if l.hold != nil {
		select {
		case <-l.hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if l.fail {
		return nil, errors.New("the orderer is unreachable")
	}
	return l.submit("share:RecordAccess", r)
}

func (l *ledger) RecordDenial(_ context.Context, d record.DenialRequest) (*record.AccessRecord, error) {
	return l.submit("share:RecordDenial", d)
}

func (l *ledger) submit(fn string, v any) (*record.AccessRecord, error) {
	out, err := l.c.invoke(l.as, true, fn, toJSON(l.c.t, v))
	if err != nil {
		return nil, err
	}
	var rec record.AccessRecord
	return &rec, json.Unmarshal(out, &rec)
}

func (l *ledger) Access(_ context.Context, id string) (*record.AccessRecord, error) {
	out, err := l.c.invoke(l.as, false, "share:GetAccess", id)
	if err != nil {
		return nil, err
	}
	var rec record.AccessRecord
	if err := json.Unmarshal(out, &rec); err != nil {
		return nil, err
	}
	if l.lie != "" {
		rec.ResponseDigest = l.lie
	}
	return &rec, nil
}

func (l *ledger) Authorization(_ context.Context, id string) (*record.Authorization, error) {
	out, err := l.c.invoke(l.as, false, "share:Get", id)
	if err != nil {
		return nil, err
	}
	var a record.Authorization
	return &a, json.Unmarshal(out, &a)
}

var _ Ledger = (*ledger)(nil)

// testNet is a provider (Hefei) and a requester (Wuhu) gateway on mocknet,
// over one chain.
type testNet struct {
	t        testing.TB
	mn       mocknet.Mocknet
	chain    *chain
	provider host.Host
	req      host.Host
	ids      *identities
	rows     *memRows
	pl       *ledger // the provider's
	rl       *ledger // the requester's
	server   *Server
	client   *Client
}

func newNet(t testing.TB, rows int, cfg Config) *testNet {
	t.Helper()
	mn := mocknet.New()
	t.Cleanup(func() { mn.Close() })
	n := &testNet{t: t, mn: mn, chain: newChain(t)}
	var err error
	if n.provider, err = mn.GenPeer(); err != nil {
		t.Fatal(err)
	}
	if n.req, err = mn.GenPeer(); err != nil {
		t.Fatal(err)
	}
	if err := mn.LinkAll(); err != nil {
		t.Fatal(err)
	}
	n.ids = &identities{roots: map[string]*x509.CertPool{}, peers: map[peer.ID]string{n.provider.ID(): "HefeiMSP", n.req.ID(): "WuhuMSP"}}
	for _, id := range n.chain.ids {
		if n.ids.roots[id.MSPID] == nil {
			n.ids.roots[id.MSPID] = x509.NewCertPool()
		}
		n.ids.roots[id.MSPID].AddCert(id.Cert)
	}
	n.rows = &memRows{tables: map[string]*table{"hefei.household": household(rows)}}
	n.pl, n.rl = &ledger{c: n.chain, as: "hefei-owner"}, &ledger{c: n.chain, as: "wuhu-requester"}
	if n.server, err = NewServer(cfg, n.rows, n.ids, n.pl); err != nil {
		t.Fatal(err)
	}
	n.server.Register(n.provider)
	n.client = NewClient(n.req, n.rl, ClientConfig{SpoolDir: t.TempDir(), RecordWait: 2 * time.Second, ResumeWait: time.Second})
	return n
}

// signer signs as the chain's identity who.
func (n *testNet) signer(who string) Signer {
	id := n.chain.ids[who]
	return func(r record.DataRequest) (record.SignedRequest, error) {
		r.Requester, r.RequesterID = id.MSPID, id.ClientID()
		return record.Sign(r, id.PEM(), id.Sign)
	}
}

// ask is Wuhu's request under authID for fields.
func ask(authID string, fields ...string) record.DataRequest {
	return record.DataRequest{AuthorizationID: authID, DatasetID: "hefei.household", Fields: fields, Purpose: "social-assistance"}
}

func (n *testNet) fetch(r record.DataRequest) (*Result, error) {
	return n.client.Fetch(n.t.Context(), n.provider.ID(), r, n.signer("wuhu-requester"))
}

// collect reads every row of a result.
func collect(t testing.TB, res *Result) [][]string {
	t.Helper()
	it, err := res.Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out [][]string
	for it.Next() {
		out = append(out, it.Row())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func toJSON(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func fromJSON(t testing.TB, b []byte, v any) {
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// codeOf is the code of a fetch error, "" if none.
func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
