package integration

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestTheAuditorPageTracesExportsAndItsReportChecksOnTheNetwork: Hefei
// owns a dataset and grants Wuhu two uses; Wuhu accesses it twice, a third
// access is denied (USES_EXHAUSTED) and Hefei records a denial of its own.
// An auditor opens Hefei's auditor page in Chromium and, with the keyboard
// alone, traces the dataset three records a page (and the next page),
// sees the timeline of two accesses and two denials drawn, traces the
// authorization in the second of its denial (a window of one second), exports the
// whole dataset trace as CSV (four rows with their IDs and kinds) and the
// signed report; `wanledger audit check-report` checks the report against
// the ledger through Hefei's gateway (exit 0), and refuses a copy with one
// entry's requester changed (exit 3, REPORT_BAD_SIGNATURE). In Chinese the
// page traces the same. axe passes in each state, with no console error or
// policy violation; screenshots of each are test artefacts.
func TestTheAuditorPageTracesExportsAndItsReportChecksOnTheNetwork(t *testing.T) {
	env := nettest.Get(t)
	bindRoles(t, env, "hefei", record.RoleDataOwner)
	bindRoles(t, env, "wuhu", record.RoleRequester)
	now := time.Now().UTC().Truncate(time.Second)
	dataset, auth := fmt.Sprintf("auditpage-%d.household", now.Unix()), fmt.Sprintf("AUDITPAGE-%d", now.Unix())
	owner := contract(t, env, "hefei", "User1", "share")
	mustSubmit(t, owner, "RegisterDataset", toJSON(t, record.Dataset{ID: dataset, Description: "合肥市户籍人口（审计页）",
		Fields: []record.FieldSpec{{Name: "address", Type: record.FieldString}, {Name: "members", Type: record.FieldNumber}}}))
	settled(t, env, "anhui", "hefei")
	mustSubmit(t, owner, "Grant", toJSON(t, record.Authorization{ID: auth, Requester: "WuhuMSP", DatasetID: dataset,
		Fields: []string{"address"}, Purpose: "social-assistance", LegalBasis: "SOCIAL_ASSISTANCE_MEASURES",
		ValidFrom: now.Add(-time.Minute), ValidTo: now.Add(time.Hour), MaxUses: 2}))
	ask := record.DataRequest{AuthorizationID: auth, DatasetID: dataset, Fields: []string{"address"}, Purpose: "social-assistance"}
	var ids []string
	for range 3 { // two accesses, then a denial: the uses are spent
		ids = append(ids, mustSubmit(t, owner, "RecordAccess", signedAccess(t, env, "wuhu", "User1", ask, "rows")))
	}
	ids = append(ids, mustSubmit(t, owner, "RecordDenial", toJSON(t, record.DenialRequest{Requester: "WuhuMSP", DatasetID: dataset,
		Fields: []string{"members"}, Purpose: "social-assistance", Reason: record.CodeBadSignature})))

	auditor := gatewayAs(t, env, "hefei", "auditor")
	var trail api.Read[record.Page[*record.AccessRecord]]
	nettest.Eventually(t, 30*time.Second, func() error {
		if st := auditor.call(http.MethodGet, "/v1/audit/trace?by=dataset&key="+dataset, nil, &trail); st != http.StatusOK || len(trail.Data.Items) != 4 {
			return fmt.Errorf("Hefei's peer traces %d records (%d)", len(trail.Data.Items), st)
		}
		return nil
	})
	// The trail is in the order of time, then ID: records of one second
	// in the order of their IDs.
	order := make([]string, len(trail.Data.Items))
	kinds := map[string]string{}
	for i, r := range trail.Data.Items {
		order[i], kinds[r.ID] = r.ID, r.Kind
	}
	if !sameSet(order, ids) || kinds[ids[0]] != record.KindAccess || kinds[ids[1]] != record.KindAccess || kinds[ids[2]] != record.KindDenial || kinds[ids[3]] != record.KindDenial {
		t.Fatalf("the trail %v of kinds %v, recorded %v", order, kinds, ids)
	}

	downloads := t.TempDir()
	b := browsertest.Start(t, browsertest.Options{})
	b.SaveDownloads(downloads)
	a := pagetest.OpenAuditor(b, auditor.url, "en")
	b.CheckAccessibility()
	a.SignIn(auditor.key)
	rows := a.Trace(pagetest.Query{By: "dataset", Key: dataset, Limit: 3})
	if len(rows) != 3 || rows[0].ID != order[0] || rows[2].ID != order[2] || rows[2].Kind != kinds[order[2]] || !a.CanTurn("next") {
		t.Fatalf("page 1: %+v", rows)
	}
	if acc, den, caption, drawn := a.Timeline(); acc != 2 || den != 2 || !drawn || caption == "" {
		t.Errorf("timeline: %d accesses, %d denials, drawn %v, %q", acc, den, drawn, caption)
	}
	b.CheckAccessibility()
	b.Screenshot("network-audit-traced")
	if rows := a.Turn("next"); len(rows) != 1 || rows[0].ID != order[3] || a.Page() != 2 {
		t.Errorf("page 2: %+v", rows)
	}
	// The authorization's records (not the owner's own denial) in the
	// second of the denial of the spent uses: that denial, and the accesses
	// recorded in the same second.
	spent := trail.Data.Items[slices.Index(order, ids[2])].At
	var want []string
	for _, r := range trail.Data.Items {
		if r.AuthorizationID == auth && r.At.Equal(spent) {
			want = append(want, r.ID)
		}
	}
	rows = a.Trace(pagetest.Query{By: "authorization", Key: auth, From: spent, To: spent.Add(time.Second), Limit: 20})
	got := make([]string, len(rows))
	for i, r := range rows {
		got[i] = r.ID
	}
	if !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("the authorization in the second of %s: %v, want %v", spent, got, want)
	}

	// The whole dataset's trace, exported.
	a.Trace(pagetest.Query{By: "dataset", Key: dataset, Limit: 3})
	name := a.Export("export-csv")
	body, bom := bytes.CutPrefix(b.Downloaded(downloads, name), []byte("\ufeff"))
	table, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || !bom || len(table) != 5 {
		t.Fatalf("CSV %s (BOM %v, %v):\n%s", name, bom, err, body)
	}
	for i, row := range table[1:] {
		if row[2] != order[i] || row[1] != kinds[order[i]] || row[3] != dataset || row[5] != "WuhuMSP" {
			t.Errorf("CSV row %d: %q", i+1, row)
		}
	}
	report := filepath.Join(downloads, a.Export("export-report"))
	b.Downloaded(downloads, filepath.Base(report))
	if s := a.ExportStatus(); !strings.Contains(s, "4 records") || !strings.Contains(s, "HefeiMSP") {
		t.Errorf("after the report: %q", s)
	}
	b.CheckAccessibility()
	b.Screenshot("network-audit-exported")

	check := func(file string) (string, string, error) {
		return cli(t, env, "audit", "check-report", file, "--msp", "HefeiMSP", "--home", string(env.Net.Home), "--url", auditor.url, "--key", auditor.key)
	}
	out, errOut, err := check(report)
	if err != nil || !strings.Contains(out, "all 4 entries match") {
		t.Errorf("check-report: %v\n%s%s", err, out, errOut)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), "tampered.json")
	if err := os.WriteFile(tampered, bytes.Replace(data, []byte(`"requester": "WuhuMSP"`), []byte(`"requester": "JiangsuMSP"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errOut, err := check(tampered); exitOf(err) != 3 || !strings.Contains(errOut, "REPORT_BAD_SIGNATURE") {
		t.Errorf("check-report of a tampered copy: exit %d\n%s%s", exitOf(err), out, errOut)
	}
	var parsed struct {
		Report struct {
			LedgerHeight uint64 `json:"ledgerHeight"`
			Entries      []api.AuditEntry
		} `json:"report"`
	}
	if err := json.Unmarshal(data, &parsed); err != nil || len(parsed.Report.Entries) != 4 || parsed.Report.Entries[0].Block == 0 || parsed.Report.LedgerHeight <= parsed.Report.Entries[0].Block {
		t.Errorf("the report: %+v, %v", parsed.Report, err)
	}

	a = pagetest.OpenAuditor(b, auditor.url, "zh") // still signed in
	b.WaitText("h1", "审计数据访问")
	if rows := a.Trace(pagetest.Query{By: "dataset", Key: dataset, Limit: 20}); len(rows) != 4 {
		t.Errorf("in Chinese: %+v", rows)
	}
	b.CheckAccessibility()
	b.Screenshot("network-audit-zh")
	b.NoProblems()
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(s string) bool { return !slices.Contains(b, s) })
}
