package domain_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// BenchmarkIssue issues one licence per transaction on the fake ledger:
// decode-free domain work (role, type, accreditation, seal lookups, SM2
// verification, schema and window checks, writes) plus the fake's commit.
func BenchmarkIssue(b *testing.B) {
	w := newWorld(b).setUp()
	reqs := make([]record.IssueRequest, 0, b.N)
	for i := range b.N {
		reqs = append(reqs, w.request(w.content(fmt.Sprintf("BENCH-%d", i))))
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, reqs[i]) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusAt answers a status query for a licence with a history.
func BenchmarkStatusAt(b *testing.B) {
	w := newWorld(b).setUp()
	w.issue("BL-1")
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Suspend(s, "BL-1", "INVESTIGATION") })
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Reinstate(s, "BL-1", "INVESTIGATION_CLOSED") })
	at := t0.Add(24 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.run("hefei-verifier", func(s domain.State) (any, error) { return domain.StatusAt(s, "BL-1", at) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordAccess records one access per transaction against an
// unlimited authorization.
func BenchmarkRecordAccess(b *testing.B) {
	w := newWorld(b)
	w.bind("hefei-admin", "hefei-owner", record.RoleDataOwner, "")
	w.bind("wuhu-admin", "wuhu-requester", record.RoleRequester, "")
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.RegisterDataset(s, household()) })
	a := authorization()
	a.MaxUses = 0
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) })
	r := access("address")
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.access(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTraceOver100k pages through a 50-record window of a trail of
// 100,000 access records by dataset.
func BenchmarkTraceOver100k(b *testing.B) {
	w := newWorld(b)
	w.bind("hefei-admin", "hefei-owner", record.RoleDataOwner, "")
	w.bind("wuhu-admin", "wuhu-requester", record.RoleRequester, "")
	w.bind("anhui-admin", "anhui-auditor", record.RoleAuditor, "")
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.RegisterDataset(s, household()) })
	a := authorization()
	a.MaxUses, a.ValidTo = 0, t0.AddDate(1, 0, 0)
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) })
	r := access("address")
	const n = 100_000
	for range n {
		if _, err := w.access(r); err != nil {
			b.Fatal(err)
		}
	}
	mid := t0.Add(n / 2 * time.Second)
	q := record.TraceQuery{By: record.TraceByDataset, Key: "hefei.household", From: mid, To: mid.Add(time.Hour), PageSize: 50}
	b.ResetTimer()
	for b.Loop() {
		p, err := w.run("anhui-auditor", func(s domain.State) (any, error) { return domain.Trace(s, q) })
		if err != nil {
			b.Fatal(err)
		}
		if len(p.(record.Page[*record.AccessRecord]).Items) != 50 {
			b.Fatal("short page")
		}
	}
}
