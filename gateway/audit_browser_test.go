package gateway

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/config"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/auditreport"
	"github.com/wanledger/wanledger/internal/browsertest"
)

// The auditor's page, in a real browser and with the keyboard alone: a
// verifier's key is refused; the auditor traces hukou two records a page
// (pages forth and back), sees the timeline of one access and two
// denials drawn, exports the whole trace as CSV (three rows, after a byte
// order mark) and the signed report, which checks against the ledger; in
// Chinese the page traces by time alone. axe passes in each state, with no
// console error or policy violation.
func TestTheAuditorPageTracesPagesChartsAndExports(t *testing.T) {
	w := newWorld(t)
	dir, roots := mspDir(t)
	w.g.cfg.Identities = []config.Identity{{Name: "Auditor", MSPDir: dir}}
	access := auditTrail(t, w)
	downloads := t.TempDir()
	b := browsertest.Start(t, browsertest.Options{})
	b.SaveDownloads(downloads)
	a := pagetest.OpenAuditor(b, w.srv.URL, "en")
	b.CheckAccessibility()
	b.Screenshot("audit-signed-out")
	b.TabTo("api-key", 10)
	b.Type(w.keys["Verifier"])
	b.Press(browsertest.Enter)
	b.WaitText("#signin-error", "This key does not have the auditor role.")

	a.SignIn(w.keys["Auditor"])
	rows := a.Trace(pagetest.Query{By: "dataset", Key: "hukou", Limit: 2})
	if len(rows) != 2 || rows[0].ID != access.TxID || rows[0].Kind != record.KindAccess || rows[1].Kind != record.KindDenial || !a.CanTurn("next") || a.CanTurn("prev") {
		t.Fatalf("page 1: %+v", rows)
	}
	if acc, den, caption, drawn := a.Timeline(); acc != 1 || den != 2 || !drawn || caption == "" {
		t.Errorf("timeline: %d accesses, %d denials, drawn %v, %q", acc, den, drawn, caption)
	}
	b.CheckAccessibility()
	b.Screenshot("audit-traced")
	if rows := a.Turn("next"); len(rows) != 1 || rows[0].Kind != record.KindDenial || a.Page() != 2 || a.CanTurn("next") {
		t.Errorf("page 2: %+v", rows)
	}
	if rows := a.Turn("prev"); len(rows) != 2 || rows[0].ID != access.TxID || a.Page() != 1 {
		t.Errorf("back to page 1: %+v", rows)
	}

	name := a.Export("export-csv")
	data := b.Downloaded(downloads, name)
	body, bom := bytes.CutPrefix(data, []byte("\ufeff"))
	table, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || !bom || len(table) != 4 || table[0][0] != "at" || table[1][2] != access.TxID || table[1][1] != record.KindAccess || table[2][11] != string(record.CodeUsesExhausted) {
		t.Errorf("CSV %s (BOM %v, %v):\n%s", name, bom, err, data)
	}

	name = a.Export("export-report")
	if filepath.Ext(name) != ".json" {
		t.Errorf("report file %q", name)
	}
	p, err := auditreport.Parse(b.Downloaded(downloads, name), auditreport.Trust{MSPID: "HefeiMSP", Roots: roots}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r, err := auditreport.Check(context.Background(), p, apiLedger{w}); err != nil || !r.Matches || r.Entries != 3 {
		t.Errorf("the page's report: %+v, %v", r, err)
	}
	b.CheckAccessibility()
	b.Screenshot("audit-exported")

	a = pagetest.OpenAuditor(b, w.srv.URL, "zh") // still signed in
	b.WaitText("h1", "审计数据访问")
	if rows := a.Trace(pagetest.Query{By: "time", From: access.Data.At.Add(time.Second), Limit: 20}); len(rows) != 2 {
		t.Errorf("by time from after the access: %+v", rows)
	}
	b.CheckAccessibility()
	b.Screenshot("audit-zh")
	b.NoProblems()
}
