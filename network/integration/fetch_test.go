package integration

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/apiclient"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/fetch"
	"github.com/wanledger/wanledger/gateway/mesh"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestFetchAuthorizedRowsOnTheTrail: Wuhu fetches through POST /v1/fetch
// the rows of Hefei's dataset its authorization covers; each fetch is an
// access on the auditor's trail with the request and response digests the
// answer named; the response bytes pass POST /v1/audit/verify; the CLI
// fetches a subject's rows into a file; once the uses are spent the next
// fetch is refused USES_EXHAUSTED, a denial on the trail.
func TestFetchAuthorizedRowsOnTheTrail(t *testing.T) {
	w := fetchSetup(t)
	ctx := t.Context()
	auth := w.grant(3, "address", "members")

	fields := []string{"members", "address"}
	info, rows, err := w.fetch(w.ask(auth, fields...))
	if err != nil {
		t.Fatal(err)
	}
	if !sameRows(rows, w.want(fields)) || info.Rows != uint64(len(rows)) {
		t.Fatalf("fetched %d rows %v (header %d), want %v", len(rows), rows, info.Rows, w.want(fields))
	}

	var raw bytes.Buffer
	rawInfo, err := w.req.Fetch(ctx, w.ask(auth, "address"), apiclient.FetchResponse, &raw)
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.req.VerifyAccess(ctx, api.AccessCheckRequest{AccessID: rawInfo.AccessID, ResponseBase64: base64.StdEncoding.EncodeToString(raw.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Data.ResponseMatches || v.Data.ResponseDigest != rawInfo.ResponseDigest {
		t.Errorf("the delivered response does not verify: %+v, answer's digest %s", v.Data, rawInfo.ResponseDigest)
	}
	v, err = w.req.VerifyAccess(ctx, api.AccessCheckRequest{AccessID: rawInfo.AccessID, ResponseBase64: base64.StdEncoding.EncodeToString(append(raw.Bytes(), 0))})
	if err != nil || v.Data.ResponseMatches {
		t.Errorf("a response with one byte more verifies: %+v, %v", v, err)
	}

	rawFile := filepath.Join(t.TempDir(), "response")
	if err := os.WriteFile(rawFile, raw.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var check struct {
		Kind              string
		Matches           bool
		Request, Response struct {
			Recorded, Computed string
			SignatureVerified  *bool
			Matches            bool
		}
	}
	cliJSON(t, w.env, w.reqGW, &check, "audit", "verify", "--access", rawInfo.AccessID, "--request-from-record", "--response", rawFile)
	if !check.Matches || check.Kind != record.KindAccess || check.Request.Recorded != rawInfo.RequestDigest || check.Request.Computed != rawInfo.RequestDigest ||
		check.Request.SignatureVerified == nil || !*check.Request.SignatureVerified || check.Response.Recorded != rawInfo.ResponseDigest ||
		check.Response.Computed != rawInfo.ResponseDigest {
		t.Errorf("wanledger audit verify of the delivered response and the record's signed request: %+v, answer's digests %s, %s", check, rawInfo.RequestDigest, rawInfo.ResponseDigest)
	}

	out := filepath.Join(t.TempDir(), "rows.jsonl")
	var cliInfo api.FetchInfo
	cliJSON(t, w.env, w.reqGW, &cliInfo, "fetch", "--authorization", auth, "--dataset", w.dataset, "--fields", "address",
		"--purpose", "social-assistance", "--subject", pseudonym(1), "--out", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]string
	for line := range strings.Lines(string(b)) {
		var row map[string]string
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("%s: %q: %v", out, line, err)
		}
		got = append(got, row)
	}
	if want := w.want([]string{"address"}, pseudonym(1)); !sameRows(got, want) || cliInfo.AccessID == "" {
		t.Errorf("wanledger fetch --subject (one subject) wrote %v (%+v), want %v", got, cliInfo, want)
	}

	_, _, err = w.fetch(w.ask(auth, "address"))
	denial := wantRefusal(t, err, record.CodeUsesExhausted)
	if ae := (*api.Error)(nil); errors.As(err, &ae) && (strings.Contains(ae.Message, string(record.CodeUsesExhausted)) || !strings.Contains(ae.Message, auth)) {
		t.Errorf("the refusal's message %q: want the authorization named, the code not repeated", ae.Message)
	}

	trail := w.trail(auth, 4)
	byID := map[string]*record.AccessRecord{}
	for _, r := range trail {
		byID[r.ID] = r
	}
	for _, a := range []api.FetchInfo{info, rawInfo, cliInfo} {
		r := byID[a.AccessID]
		if r == nil || r.Kind != record.KindAccess || r.RequestDigest == "" || r.RequestDigest != a.RequestDigest || r.ResponseDigest != a.ResponseDigest {
			t.Errorf("access %s on the trail is %+v; the answer named digests %s, %s", a.AccessID, r, a.RequestDigest, a.ResponseDigest)
		}
	}
	if r := byID[denial]; r == nil || r.Kind != record.KindDenial || r.Reason != string(record.CodeUsesExhausted) {
		t.Errorf("denial %s on the trail is %+v", denial, r)
	}
}

// TestFetchRefusalsAreOnTheTrail: a field the authorization does not
// grant, another purpose, and a revoked authorization are refused with
// their codes, no rows sent, and each is a denial on the trail.
func TestFetchRefusalsAreOnTheTrail(t *testing.T) {
	w := fetchSetup(t)
	auth := w.grant(10, "address")

	denials := map[string]string{}
	_, rows, err := w.fetch(w.ask(auth, "address", "members"))
	denials[wantRefusal(t, err, record.CodeFieldsNotGranted)] = string(record.CodeFieldsNotGranted)
	r := w.ask(auth, "address")
	r.Purpose = "tax-audit"
	_, rows2, err := w.fetch(r)
	denials[wantRefusal(t, err, record.CodePurposeMismatch)] = string(record.CodePurposeMismatch)
	if _, err := w.owner.RevokeAuthorization(t.Context(), auth, api.ReasonRequest{Reason: "PURPOSE_ACHIEVED"}); err != nil {
		t.Fatal(err)
	}
	_, rows3, err := w.fetch(w.ask(auth, "address"))
	denials[wantRefusal(t, err, record.CodeNotActive)] = string(record.CodeNotActive)
	if rows != nil || rows2 != nil || rows3 != nil {
		t.Errorf("rows came with refusals: %v %v %v", rows, rows2, rows3)
	}
	for _, r := range w.trail(auth, 3) {
		if r.Kind != record.KindDenial || denials[r.ID] != r.Reason || r.Requester != "WuhuMSP" || r.RequesterID == "" {
			t.Errorf("trail record %+v; the refusals were %v", r, denials)
		}
	}
}

// TestFetchExactlyMaxUsesOfConcurrentFetches: 20 concurrent fetches under
// an authorization of 2 uses: exactly 2 return rows, the others are
// refused, and the trail holds exactly 2 accesses.
func TestFetchExactlyMaxUsesOfConcurrentFetches(t *testing.T) {
	w := fetchSetup(t)
	const uses, tries = 2, 20
	auth := w.grant(uses, "address")
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		ok      int
		refused = map[string]int{}
	)
	for range tries {
		wg.Go(func() {
			_, rows, err := w.fetch(w.ask(auth, "address"))
			mu.Lock()
			defer mu.Unlock()
			var ae *api.Error
			switch {
			case err == nil && sameRows(rows, w.want([]string{"address"})):
				ok++
			case errors.As(err, &ae):
				refused[ae.Code]++
			default:
				t.Errorf("fetch: rows %v, %v", rows, err)
			}
		})
	}
	wg.Wait()
	t.Logf("%d fetched, refused by code: %v", ok, refused)
	if ok != uses || refused[string(record.CodeUsesExhausted)] == 0 {
		t.Errorf("%d of %d fetches returned rows (refused: %v), want exactly %d", ok, tries, refused, uses)
	}
	accesses := 0
	nettest.Eventually(t, 30*time.Second, func() error {
		p, err := w.audit.Trace(t.Context(), apiclient.TraceQuery{By: record.TraceByAuthorization, Value: auth}, apiclient.Paging{Limit: 100})
		if err != nil {
			return err
		}
		accesses = 0
		for _, r := range p.Data.Items {
			if r.Kind == record.KindAccess {
				accesses++
			}
		}
		if len(p.Data.Items) < uses+refused[string(record.CodeUsesExhausted)] {
			return fmt.Errorf("the trail holds %d records so far", len(p.Data.Items))
		}
		return nil
	})
	if accesses != uses {
		t.Errorf("the trail holds %d accesses, want %d", accesses, uses)
	}
}

// TestFetchFromAnUnregisteredPeerIsRefused: a libp2p host running the
// gateway's own mesh and fetch code, with a request Wuhu's requester
// signed, but whose peer ID no organisation registered, gets nothing from
// Hefei's gateway, and its attempt spends no use.
func TestFetchFromAnUnregisteredPeerIsRefused(t *testing.T) {
	w := fetchSetup(t)
	ctx := t.Context()
	auth := w.grant(1, "address")
	st, err := adminClient(t, w.env, "hefei").Mesh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	view := &ledgerView{eps: st.Data.Endpoints}
	outsider, err := mesh.New(ctx, mesh.Config{KeyFile: filepath.Join(t.TempDir(), "mesh.key")}, view)
	if err != nil {
		t.Fatal(err)
	}
	defer outsider.Close()

	org, _ := w.env.Net.Topo.Org("wuhu")
	user := network.DemoUser("requester")
	mspDir, _ := w.env.Net.Home.User(org, user)
	id, sign, err := fabricid.Load("WuhuMSP", mspDir)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := identity.CertificateFromPEM(id.Credentials())
	if err != nil {
		t.Fatal(err)
	}
	signer := func(r record.DataRequest) (record.SignedRequest, error) {
		r.Requester, r.RequesterID = "WuhuMSP", record.ClientIDOf(cert)
		return record.Sign(r, id.Credentials(), sign)
	}
	c := fetch.NewClient(outsider.Libp2p(), accessReader{contract(t, w.env, "wuhu", user, "share")}, fetch.ClientConfig{SpoolDir: t.TempDir(), ResumeWait: -1})
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	p, err := outsider.Dial(dctx, "HefeiMSP")
	if err == nil {
		var res *fetch.Result
		res, err = c.Fetch(dctx, p, record.DataRequest{AuthorizationID: auth, DatasetID: w.dataset, Fields: []string{"address"}, Purpose: "social-assistance"}, signer)
		if err == nil {
			res.Close()
			t.Fatal("Hefei's gateway served rows to a peer no organisation registered")
		}
	}
	t.Logf("refused: %v", err)
	// The one use is still there: Wuhu's own gateway fetches.
	if _, rows, err := w.fetch(w.ask(auth, "address")); err != nil || !sameRows(rows, w.want([]string{"address"})) {
		t.Errorf("Wuhu's gateway after the outsider: %v, %v", rows, err)
	}
}
