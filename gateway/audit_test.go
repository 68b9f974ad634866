package gateway

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/internal/auditreport"
	"github.com/wanledger/wanledger/internal/gm"
)

// auditTrail puts an access, a denial over the authorization's one use and
// a denial the owner recorded on dataset hukou; it answers the access.
func auditTrail(t *testing.T, w *world) api.Tx[*record.AccessRecord] {
	t.Helper()
	w.registry(t)
	now := w.chain.Now()
	w.must("Owner", http.MethodPost, "/v1/datasets", api.DatasetRequest{ID: "hukou", Description: "户籍",
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}, nil)
	w.must("Owner", http.MethodPost, "/v1/authorizations", api.AuthorizationRequest{ID: "A1", Requester: "WuhuMSP", DatasetID: "hukou",
		Fields: []string{"name"}, Purpose: "social-security", LegalBasis: "PIPL_13_3_LEGAL_DUTY", ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(1, 0, 0), MaxUses: 1}, nil)
	hukou := record.DataRequest{AuthorizationID: "A1", DatasetID: "hukou", Fields: []string{"name"}, Purpose: "social-security"}
	access, err := w.recordAccess(hukou, []byte("rows"))
	if err != nil || access.Data.Kind != record.KindAccess {
		t.Fatalf("access: %+v %v", access.Data, err)
	}
	if over, err := w.recordAccess(hukou, []byte("rows")); err != nil || over.Data.Kind != record.KindDenial {
		t.Fatalf("over the limit: %+v %v", over.Data, err)
	}
	w.must("Owner", http.MethodPost, "/v1/denials", api.DenialRequest{Requester: "WuhuMSP", DatasetID: "hukou", Fields: []string{"name"},
		Purpose: "social-security", Reason: "BAD_SIGNATURE"}, nil)
	return access
}

// TestTheTimelineCountsTheTrailAndEveryAuditQueryIsCheckedAtTheEdge: the
// timeline of hukou counts the access and both denials in minute buckets
// from the first; a query the ledger would refuse is 400 BAD_REQUEST on
// the trace, the timeline and the report alike, before any ledger call.
func TestTheTimelineCountsTheTrailAndEveryAuditQueryIsCheckedAtTheEdge(t *testing.T) {
	w := newWorld(t)
	access := auditTrail(t, w)
	var tl api.Read[api.Timeline]
	w.must("Auditor", http.MethodGet, "/v1/audit/timeline?by=dataset&key=hukou", nil, &tl)
	sum := 0
	for _, b := range tl.Data.Buckets {
		sum += b.Accesses + b.Denials
	}
	if d := tl.Data; d.Accesses != 1 || d.Denials != 2 || sum != 3 || d.Step != 60 || d.From.After(access.Data.At) || len(d.Buckets) == 0 || tl.BlockHeight == 0 {
		t.Errorf("timeline: %+v at %d", d, tl.BlockHeight)
	}
	from := url.QueryEscape(access.Data.At.Add(time.Second).Format(time.RFC3339))
	w.must("Auditor", http.MethodGet, "/v1/audit/timeline?by=dataset&key=hukou&from="+from, nil, &tl)
	if d := tl.Data; d.Accesses != 0 || d.Denials != 2 || !d.From.Equal(access.Data.At.Add(time.Second)) {
		t.Errorf("timeline from after the access: %+v", d)
	}
	for _, q := range []string{"by=dataset", "by=time&key=x", "by=subject&key=ABC", "by=dataset&key=a/b", "by=place&key=x",
		"by=time&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "by=time&from=yesterday"} {
		for _, path := range []string{"/v1/audit/trace", "/v1/audit/timeline", "/v1/audit/report"} {
			var e api.Error
			if st, b := w.call("Auditor", http.MethodGet, path+"?"+q, nil, nil); json.Unmarshal(b, &e) != nil || st != http.StatusBadRequest || e.Code != api.CodeBadRequest {
				t.Errorf("%s?%s: %d %s", path, q, st, b)
			}
		}
	}
}

// TestAnAuditEntryIsWhereTheChannelHoldsTheRecord: the entry of the access
// names its transaction, its block and the SM3 of the bytes the ledger
// holds under its key; one that is not there is 404.
func TestAnAuditEntryIsWhereTheChannelHoldsTheRecord(t *testing.T) {
	w := newWorld(t)
	access := auditTrail(t, w)
	var e api.Read[api.AuditEntry]
	w.must("Auditor", http.MethodGet, "/v1/audit/entries/"+access.TxID, nil, &e)
	k, err := shim.CreateCompositeKey("access", []string{access.TxID})
	if err != nil {
		t.Fatal(err)
	}
	d := gm.SM3(w.chain.l.Get(k))
	if e.Data.ID != access.TxID || e.Data.TxID != access.TxID || e.Data.Block != access.BlockNumber || e.Data.RecordDigest != hex.EncodeToString(d[:]) ||
		e.Data.Kind != record.KindAccess || e.Data.RequestDigest != access.Data.RequestDigest || e.Data.ResponseDigest != access.Data.ResponseDigest {
		t.Errorf("entry %+v of access %+v in block %d", e.Data, access.Data, access.BlockNumber)
	}
	if st, b := w.call("Auditor", http.MethodGet, "/v1/audit/entries/nothing-here", nil, nil); st != http.StatusNotFound {
		t.Errorf("an entry that is not there: %d %s", st, b)
	}
}

// apiLedger reads the ledger through the world's API as an auditor, as
// the command line's check does.
type apiLedger struct{ w *world }

func (l apiLedger) Entry(_ context.Context, id string) (api.AuditEntry, error) {
	var e api.Read[api.AuditEntry]
	st, b := l.w.call("Auditor", http.MethodGet, "/v1/audit/entries/"+id, nil, &e)
	switch st {
	case http.StatusOK:
		return e.Data, nil
	case http.StatusNotFound:
		return e.Data, auditreport.ErrNotFound
	}
	return e.Data, fmt.Errorf("%d %s", st, b)
}

func (l apiLedger) Trace(_ context.Context, q api.AuditQuery, _ int) ([]string, error) {
	var page api.Read[record.Page[*record.AccessRecord]]
	l.w.must("Auditor", http.MethodGet, "/v1/audit/trace?limit=200&by="+q.By+"&key="+q.Key, nil, &page)
	var ids []string
	for _, r := range page.Data.Items {
		ids = append(ids, r.ID)
	}
	return ids, nil
}

// TestTheSignedReportChecksAgainstTheLedger: the auditor's report of hukou
// lists the three records signed by the organisation's identity and
// checks against the ledger; a verifier may not take one; a report taken
// before a new access still matches (the access is past its height).
func TestTheSignedReportChecksAgainstTheLedger(t *testing.T) {
	w := newWorld(t)
	dir, roots := mspDir(t)
	w.g.cfg.Identities = []config.Identity{{Name: "Auditor", MSPDir: dir}}
	auditTrail(t, w)
	st, data := w.call("Auditor", http.MethodGet, "/v1/audit/report?by=dataset&key=hukou", nil, nil)
	if st != http.StatusOK {
		t.Fatalf("report: %d %s", st, data)
	}
	p, err := auditreport.Parse(data, auditreport.Trust{MSPID: "HefeiMSP", Roots: roots, Channels: []string{"anhui"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Accesses != 1 || p.Denials != 2 || len(p.Entries) != 3 || p.LedgerHeight == 0 || p.Query.Key != "hukou" || p.Channel != "anhui" {
		t.Errorf("report: %+v", p.Body)
	}
	if st, b := w.call("Verifier", http.MethodGet, "/v1/audit/report?by=dataset&key=hukou", nil, nil); st != http.StatusForbidden {
		t.Errorf("a verifier's report: %d %s", st, b)
	}
	w.must("Owner", http.MethodPost, "/v1/denials", api.DenialRequest{Requester: "WuhuMSP", DatasetID: "hukou", Fields: []string{"name"},
		Purpose: "social-security", Reason: "BAD_SIGNATURE"}, nil)
	r, err := auditreport.Check(context.Background(), p, apiLedger{w})
	if err != nil || !r.Matches || r.Entries != 3 {
		t.Errorf("check: %+v, %v", r, err)
	}
}
