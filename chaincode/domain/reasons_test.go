package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

func TestParseReason(t *testing.T) {
	sum := digest("申请人张三提交的营业执照系伪造")
	for _, tc := range []struct {
		kind   record.ReasonKind
		reason string
		want   record.Code
	}{
		{record.ReasonLicenceRevocation, "FRAUD", ""},
		{record.ReasonLicenceRevocation, "FRAUD:" + sum, ""},
		{record.ReasonLicenceRevocation, "OTHER:" + sum, ""},
		{record.ReasonLicenceRevocation, "OTHER", record.CodeInvalidArgument},
		{record.ReasonLicenceRevocation, "forged papers", record.CodeInvalidArgument},
		{record.ReasonLicenceRevocation, "", record.CodeInvalidArgument},
		{record.ReasonLicenceRevocation, "FRAUD:" + strings.ToUpper(sum), record.CodeInvalidArgument},
		{record.ReasonLicenceRevocation, "FRAUD:申请人张三", record.CodeInvalidArgument},
		{record.ReasonLicenceRevocation, "KEY_LOST", record.CodeInvalidArgument},
		{record.ReasonSealKeyRevocation, "KEY_LOST", ""},
		{record.ReasonLegalBasis, "PIPL_13_3_LEGAL_DUTY", ""},
		{record.ReasonLegalBasis, "社会救助暂行办法 第十一条", record.CodeInvalidArgument},
		{"no-such-kind", "FRAUD", record.CodeInternal},
	} {
		r, err := domain.ParseReason(tc.kind, tc.reason)
		if record.CodeOf(err) != tc.want {
			t.Errorf("%s %q: %v, want %q", tc.kind, tc.reason, err, tc.want)
		}
		if err == nil && r.String() != tc.reason {
			t.Errorf("%q reads back as %q", tc.reason, r.String())
		}
	}
	for _, l := range record.ReasonLists {
		if !strings.Contains(strings.Join(l.Codes, ","), record.ReasonOther) {
			t.Errorf("list %s has no %s", l.Kind, record.ReasonOther)
		}
	}
}

// The failing input: free-text reasons put personal data on the ledger in
// clear. Every reason a transaction takes is now a code (and an optional
// digest); free text is refused, and nothing but the code and digest is kept.
func TestEveryReasonOnTheLedgerIsACode(t *testing.T) {
	const text = "holder 张三 (340104199001011234) forged papers"
	w := sharing(t)
	w.setUp()
	w.issue("BL-R")
	h := handoff()
	w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, h) })
	changes := []struct {
		name, who string
		call      func(s domain.State, reason string) (any, error)
		code      string
	}{
		{"licence suspension", "hefei-issuer", func(s domain.State, r string) (any, error) { return domain.Suspend(s, "BL-R", r) }, "INVESTIGATION"},
		{"licence reinstatement", "hefei-issuer", func(s domain.State, r string) (any, error) { return domain.Reinstate(s, "BL-R", r) }, "ISSUE_RESOLVED"},
		{"licence revocation", "hefei-issuer", func(s domain.State, r string) (any, error) { return domain.Revoke(s, "BL-R", r, time.Time{}) }, "FRAUD"},
		{"authorization revocation", "hefei-owner", func(s domain.State, r string) (any, error) { return domain.RevokeAuthorization(s, "AUTH-1", r) }, "CONSENT_WITHDRAWN"},
		{"handoff rejection", "wuhu-clerk", func(s domain.State, r string) (any, error) { return domain.Reject(s, h.ID, r) }, "INCOMPLETE_DOCUMENTS"},
		{"seal key revocation", "hefei-admin", func(s domain.State, r string) (any, error) { return domain.RevokeSealKey(s, sealID, r, time.Time{}) }, "KEY_COMPROMISED"},
		{"accreditation withdrawal", "anhui-admin", func(s domain.State, r string) (any, error) {
			return domain.WithdrawAccreditation(s, agency+":000001", r)
		}, "MISCONDUCT"},
	}
	for _, c := range changes {
		_, err := w.run(c.who, func(s domain.State) (any, error) { return c.call(s, text) })
		if record.CodeOf(err) != record.CodeInvalidArgument {
			t.Errorf("%s with free text: %v, want INVALID_ARGUMENT", c.name, err)
		}
		w.must(c.who, func(s domain.State) (any, error) { return c.call(s, c.code+":"+digest(text)) })
	}
	a := authorization()
	a.ID, a.LegalBasis = "AUTH-T", "社会救助暂行办法 第十一条 "+text
	_, err := w.run("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) })
	wantCode(t, err, record.CodeInvalidArgument)
	for _, k := range w.l.Keys() {
		if v := string(w.l.Get(k)); strings.Contains(v, "340104199001011234") || strings.Contains(v, "张三") {
			t.Errorf("the ledger holds the text under %q", k)
		}
	}
}
