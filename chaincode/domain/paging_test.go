package domain_test

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

// Fabric resumes a paged query at the bookmark itself, whatever it is; a
// bookmark outside the query's own range is refused, for every listing.
func TestPagedQueriesKeepToTheirRange(t *testing.T) {
	w := sharing(t)
	w.setUp()
	w.bind("anhui-admin", "anhui-auditor", record.RoleAuditor, "")
	before := t0.Add(-48 * time.Hour).Format("2006-01-02T15:04:05Z")
	tests := []struct {
		name, who string
		list      func(s domain.State) (any, error)
	}{
		{"roles of another organisation", "hefei-admin", func(s domain.State) (any, error) {
			return domain.ListRoles(s, 0, "\x00role\x00")
		}},
		{"seal keys resumed among role bindings", "hefei-admin", func(s domain.State) (any, error) {
			return domain.ListSealKeys(s, 0, "\x00role\x00")
		}},
		{"licence types resumed at seal keys", "hefei-admin", func(s domain.State) (any, error) {
			return domain.ListLicenceTypes(s, 0, "\x00seal\x00")
		}},
		{"licences of another agency", "hefei-verifier", func(s domain.State) (any, error) {
			return domain.ListByIssuer(s, "wuhu-amr", 0, "\x00licence-agency\x00")
		}},
		{"authorizations of another organisation", "wuhu-requester", func(s domain.State) (any, error) {
			return domain.ListAuthorizations(s, "WuhuMSP", false, 0, "ix/auth-owner/HefeiMSP/")
		}},
		{"trace before its window", "anhui-auditor", func(s domain.State) (any, error) {
			return domain.Trace(s, record.TraceQuery{By: record.TraceByTime, From: t0, Bookmark: "ix/time/all/" + before})
		}},
		{"trace past its window", "anhui-auditor", func(s domain.State) (any, error) {
			return domain.Trace(s, record.TraceQuery{By: record.TraceByTime, To: t0, Bookmark: "ix/time/all/" + t0.AddDate(1, 0, 0).Format("2006-01-02T15:04:05Z")})
		}},
		{"handoffs of another organisation", "hefei-admin", func(s domain.State) (any, error) {
			return domain.ListHandoffs(s, "HefeiMSP", record.HandoffOpen, 0, "ix/handoff/")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := w.run(tc.who, tc.list)
			if err == nil {
				t.Fatalf("listed %+v", v)
			}
			wantCode(t, err, record.CodeInvalidArgument)
		})
	}
}

// Bookmarks the ledger hands out still page through the whole range.
func TestPagingWithItsOwnBookmarks(t *testing.T) {
	w := newWorld(t)
	for _, who := range []string{"hefei-issuer", "hefei-verifier", "hefei-clerk", "hefei-owner"} {
		w.bind("hefei-admin", who, record.RoleAuditor, "")
	}
	w.bind("wuhu-admin", "wuhu-clerk", record.RoleClerk, "")
	var got []record.RoleBinding
	bookmark := ""
	for range 10 {
		p := w.must("hefei-admin", func(s domain.State) (any, error) { return domain.ListRoles(s, 1, bookmark) }).(record.Page[record.RoleBinding])
		got = append(got, p.Items...)
		if bookmark = p.Bookmark; bookmark == "" {
			break
		}
	}
	if len(got) != 4 {
		t.Fatalf("listed %d bindings, want Hefei's 4", len(got))
	}
	for _, b := range got {
		if b.MSPID != "HefeiMSP" {
			t.Errorf("listed %s's binding", b.MSPID)
		}
	}
}
