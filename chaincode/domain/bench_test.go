package domain_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/wanledger/wanledger/chaincode/domain"
)

// BenchmarkIssue issues one licence per transaction on the fake ledger:
// decode-free domain work (role, type, accreditation, seal lookups, SM2
// verification, schema and window checks, writes) plus the fake's commit.
func BenchmarkIssue(b *testing.B) {
	w := newWorld(b).setUp()
	reqs := make([]domain.IssueRequest, 0, b.N)
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
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Suspend(s, "BL-1", "inspection") })
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Reinstate(s, "BL-1", "passed") })
	at := t0.Add(24 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.run("hefei-verifier", func(s domain.State) (any, error) { return domain.StatusAt(s, "BL-1", at) }); err != nil {
			b.Fatal(err)
		}
	}
}
