package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
)

func handoff() record.Handoff {
	return record.Handoff{ID: "HO-1", Target: "WuhuMSP", ServiceItem: "household-transfer", ApplicantPseudonym: digest("citizen-1"),
		Documents: []string{digest("application.pdf")}, Deadline: t0.AddDate(0, 0, 10)}
}

func TestHandoffStateMachine(t *testing.T) {
	w := sharing(t)
	h := w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, handoff()) }).(*record.Handoff)
	if h.Origin != "HefeiMSP" || h.Status != record.HandoffOpen {
		t.Fatalf("opened %+v", h)
	}
	step := func(who string, f func(domain.State) (*record.Handoff, error)) error {
		_, err := w.run(who, func(s domain.State) (any, error) { return f(s) })
		return err
	}
	start := func(s domain.State) (*record.Handoff, error) { return domain.Start(s, "HO-1") }
	accept := func(s domain.State) (*record.Handoff, error) { return domain.Accept(s, "HO-1") }
	cancel := func(s domain.State) (*record.Handoff, error) { return domain.Cancel(s, "HO-1", "APPLICANT_WITHDREW") }
	complete := func(s domain.State) (*record.Handoff, error) {
		return domain.Complete(s, "HO-1", digest("certificate"))
	}

	wantCode(t, step("wuhu-clerk", start), record.CodeInvalidTransition)
	wantCode(t, step("hefei-clerk", accept), record.CodeForbidden)
	wantCode(t, step("wuhu-requester", accept), record.CodeForbidden)
	wantCode(t, step("wuhu-clerk", cancel), record.CodeForbidden)
	if err := step("wuhu-clerk", accept); err != nil {
		t.Fatal(err)
	}
	if p, _ := w.l.PolicyOf("\x00handoff\x00HO-1\x00"); p != "AND(HefeiMSP.peer, WuhuMSP.peer)" {
		t.Errorf("after acceptance the policy is %q", p)
	}
	wantCode(t, step("hefei-clerk", cancel), record.CodeInvalidTransition)
	// From acceptance on, one organisation's endorsement is not enough.
	_, err := w.runEndorsed("wuhu-clerk", []string{"WuhuMSP", "AnhuiMSP"}, func(s domain.State) (any, error) { return domain.Start(s, "HO-1") })
	if err == nil || !strings.Contains(err.Error(), "ENDORSEMENT_POLICY_FAILURE") {
		t.Errorf("a transition endorsed by the target alone: %v", err)
	}
	if err := step("wuhu-clerk", start); err != nil {
		t.Fatal(err)
	}
	if err := step("wuhu-clerk", complete); err != nil {
		t.Fatal(err)
	}
	wantCode(t, step("wuhu-clerk", complete), record.CodeInvalidTransition)
	v := w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.GetHandoff(s, "HO-1") }).(*record.HandoffView)
	if v.Status != record.HandoffCompleted || len(v.History) != 4 || v.ResultDigest != digest("certificate") {
		t.Errorf("handoff = %+v", v.Handoff)
	}
}

func TestHandoffOverdueAndLists(t *testing.T) {
	w := sharing(t)
	w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, handoff()) })
	other := handoff()
	other.ID = "HO-2"
	w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Open(s, other) })
	w.must("hefei-clerk", func(s domain.State) (any, error) { return domain.Cancel(s, "HO-2", "DUPLICATE") })

	w.now = t0.AddDate(0, 0, 11)
	v := w.must("wuhu-clerk", func(s domain.State) (any, error) { return domain.GetHandoff(s, "HO-1") }).(*record.HandoffView)
	if !v.Overdue {
		t.Error("an open handoff past its deadline is not overdue")
	}
	c := w.must("wuhu-clerk", func(s domain.State) (any, error) { return domain.GetHandoff(s, "HO-2") }).(*record.HandoffView)
	if c.Overdue {
		t.Error("a cancelled handoff is overdue")
	}
	list := func(who, msp string, st record.HandoffStatus) []string {
		p := w.must(who, func(s domain.State) (any, error) { return domain.ListHandoffs(s, msp, st, 0, "") }).(record.Page[record.HandoffView])
		var ids []string
		for _, h := range p.Items {
			ids = append(ids, h.ID)
		}
		return ids
	}
	if got := list("wuhu-clerk", "WuhuMSP", record.HandoffOpen); strings.Join(got, ",") != "HO-1" {
		t.Errorf("Wuhu's open handoffs: %v", got)
	}
	if got := list("hefei-clerk", "HefeiMSP", record.HandoffCancelled); strings.Join(got, ",") != "HO-2" {
		t.Errorf("Hefei's cancelled handoffs: %v", got)
	}
	_, err := w.run("wuhu-clerk", func(s domain.State) (any, error) {
		return domain.ListHandoffs(s, "HefeiMSP", record.HandoffOpen, 0, "")
	})
	wantCode(t, err, record.CodeForbidden)
}

func TestOpenRefusals(t *testing.T) {
	tests := []struct {
		name string
		who  string
		edit func(*record.Handoff)
		want record.Code
	}{
		{"without the clerk role", "hefei-owner", nil, record.CodeForbidden},
		{"to itself", "", func(h *record.Handoff) { h.Target = "HefeiMSP" }, record.CodeInvalidArgument},
		{"to a non-member", "", func(h *record.Handoff) { h.Target = "ShanghaiMSP" }, record.CodeInvalidArgument},
		{"a deadline in the past", "", func(h *record.Handoff) { h.Deadline = t0.Add(-time.Hour) }, record.CodeInvalidArgument},
		{"an applicant's ID number instead of a pseudonym", "", func(h *record.Handoff) { h.ApplicantPseudonym = "340104199001011234" }, record.CodeInvalidArgument},
		{"too many documents", "", func(h *record.Handoff) { h.Documents = make([]string, 33) }, record.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := sharing(t)
			h := handoff()
			if tt.edit != nil {
				tt.edit(&h)
			}
			who := tt.who
			if who == "" {
				who = "hefei-clerk"
			}
			_, err := w.run(who, func(s domain.State) (any, error) { return domain.Open(s, h) })
			wantCode(t, err, tt.want)
		})
	}
}
