package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/internal/gm"
)

func digest(s string) string { return gm.SM3Hex([]byte(s)) }

// sharing binds the sharing roles and grants Wuhu three uses of two fields
// of Hefei's household dataset.
func sharing(t testing.TB) *world {
	w := newWorld(t)
	w.bind("hefei-admin", "hefei-owner", record.RoleDataOwner, "")
	w.bind("wuhu-admin", "wuhu-requester", record.RoleRequester, "")
	w.bind("anhui-admin", "anhui-auditor", record.RoleAuditor, "")
	w.bind("hefei-admin", "hefei-clerk", record.RoleClerk, "")
	w.bind("wuhu-admin", "wuhu-clerk", record.RoleClerk, "")
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.RegisterDataset(s, household()) })
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, authorization()) })
	return w
}

func household() record.Dataset {
	return record.Dataset{ID: "hefei.household", Description: "合肥市户籍人口", Fields: []record.FieldSpec{
		{Name: "address", Type: record.FieldString, Required: true}, {Name: "members", Type: record.FieldNumber}, {Name: "income", Type: record.FieldNumber}}}
}

func authorization() record.Authorization {
	return record.Authorization{ID: "AUTH-1", Requester: "WuhuMSP", DatasetID: "hefei.household", Fields: []string{"address", "members"},
		Purpose: "social-assistance", LegalBasis: "SOCIAL_ASSISTANCE_MEASURES:" + digest("社会救助暂行办法 第十一条"), ValidFrom: t0.Add(-time.Hour), ValidTo: t0.AddDate(0, 1, 0), MaxUses: 3}
}

// access is Wuhu's request for fields of Hefei's household dataset under
// AUTH-1; world.signed completes and signs it.
func access(fields ...string) record.DataRequest {
	return record.DataRequest{AuthorizationID: "AUTH-1", DatasetID: "hefei.household", Fields: fields, Purpose: "social-assistance", Requester: "WuhuMSP"}
}

func TestRecordAccessCountsUsesAndWritesTheRecord(t *testing.T) {
	w := sharing(t)
	for i := range 3 {
		rec := w.mustAccess(access("address"))
		if rec.Kind != record.KindAccess || rec.Owner != "HefeiMSP" || rec.Requester != "WuhuMSP" || rec.ID == "" || !rec.At.Equal(w.now) {
			t.Errorf("record %d = %+v", i, rec)
		}
	}
	wantDenial(t, w, access("address"), record.CodeUsesExhausted)
	a := w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GetAuthorization(s, "AUTH-1") }).(*record.Authorization)
	if a.Uses != 3 {
		t.Errorf("uses = %d", a.Uses)
	}
	if p, _ := w.l.PolicyOf("\x00authorization\x00AUTH-1\x00"); p != "AND(HefeiMSP.peer, OR(AnhuiMSP.peer, WuhuMSP.peer))" {
		t.Errorf("every use needs the owner's endorsement and a majority; policy = %q", p)
	}
}

// wantDenial records an access the authorization refuses: it commits a
// denial with the refusal's code, on the trail, and counts no use.
func wantDenial(t *testing.T, w *world, r record.DataRequest, code record.Code) {
	t.Helper()
	uses := func() int64 {
		return w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GetAuthorization(s, r.AuthorizationID) }).(*record.Authorization).Uses
	}
	before := uses()
	rec, err := w.access(r)
	if err != nil {
		t.Fatalf("a refused access is a committed denial, not an error: %v", err)
	}
	if rec.Kind != record.KindDenial || rec.Reason != string(code) || rec.AuthorizationID != r.AuthorizationID || rec.Requester != "WuhuMSP" || rec.Owner != "HefeiMSP" {
		t.Errorf("denial = %+v, want reason %s", rec, code)
	}
	if name, _ := lastEvent(t, w.l); name != domain.EventAccessDenied {
		t.Errorf("event %s, want %s", name, domain.EventAccessDenied)
	}
	if after := uses(); after != before {
		t.Errorf("a denial counted a use: %d → %d", before, after)
	}
	p := w.must("anhui-auditor", func(s domain.State) (any, error) {
		return domain.Trace(s, record.TraceQuery{By: record.TraceByAuthorization, Key: r.AuthorizationID, PageSize: 200})
	}).(record.Page[*record.AccessRecord])
	if last := p.Items[len(p.Items)-1]; last.ID != rec.ID || last.Kind != record.KindDenial {
		t.Errorf("the trail ends with %+v, want the denial %s", last, rec.ID)
	}
}

// Every access the authorization refuses leaves a denial on the trail.
func TestRefusedAccessesAreDenialsOnTheTrail(t *testing.T) {
	tests := []struct {
		name string
		edit func(*record.DataRequest)
		when time.Time
		want record.Code
	}{
		{"another purpose", func(r *record.DataRequest) { r.Purpose = "marketing" }, time.Time{}, record.CodePurposeMismatch},
		{"a field not granted", func(r *record.DataRequest) { r.Fields = []string{"address", "income"} }, time.Time{}, record.CodeFieldsNotGranted},
		{"another dataset", func(r *record.DataRequest) { r.DatasetID = "hefei.household2" }, time.Time{}, record.CodeFieldsNotGranted},
		{"after the window", nil, t0.AddDate(0, 2, 0), record.CodeNotActive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := sharing(t)
			other := household()
			other.ID = "hefei.household2"
			w.must("hefei-owner", func(s domain.State) (any, error) { return domain.RegisterDataset(s, other) })
			r := access("address")
			if tt.edit != nil {
				tt.edit(&r)
			}
			if !tt.when.IsZero() {
				w.now = tt.when
			}
			wantDenial(t, w, r, tt.want)
		})
	}
	t.Run("a revoked authorization", func(t *testing.T) {
		w := sharing(t)
		w.must("hefei-owner", func(s domain.State) (any, error) { return domain.RevokeAuthorization(s, "AUTH-1", "PURPOSE_ACHIEVED") })
		wantDenial(t, w, access("address"), record.CodeNotActive)
	})
	t.Run("a subject outside the consent", func(t *testing.T) {
		w := sharing(t)
		a := authorization()
		a.ID, a.LegalBasis, a.ConsentDigest, a.Subjects = "AUTH-C", "", digest("consent form"), []string{digest("citizen-1")}
		w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) })
		r := access("address")
		r.AuthorizationID, r.Subjects = "AUTH-C", []string{digest("citizen-2")}
		wantDenial(t, w, r, record.CodeSubjectNotCovered)
		r.Subjects = []string{digest("citizen-1")}
		w.mustAccess(r)
	})
	t.Run("fifty refusals, fifty denials", func(t *testing.T) {
		w := sharing(t)
		r := access("address")
		r.Purpose = "marketing"
		for range 50 {
			w.mustAccess(r)
		}
		p := w.must("anhui-auditor", func(s domain.State) (any, error) {
			return domain.Trace(s, record.TraceQuery{By: record.TraceByAuthorization, Key: "AUTH-1", PageSize: 200})
		}).(record.Page[*record.AccessRecord])
		if len(p.Items) != 50 {
			t.Errorf("50 refusals left %d denial records", len(p.Items))
		}
	})
}

func TestGrantRefusals(t *testing.T) {
	tests := []struct {
		name string
		who  string
		edit func(*record.Authorization)
		want record.Code
	}{
		{"without the data-owner role", "hefei-clerk", nil, record.CodeForbidden},
		{"to a non-member of the channel", "", func(a *record.Authorization) { a.Requester = "ShanghaiMSP" }, record.CodeInvalidArgument},
		{"to the owner itself", "", func(a *record.Authorization) { a.Requester = "HefeiMSP" }, record.CodeInvalidArgument},
		{"without legal basis or consent", "", func(a *record.Authorization) { a.LegalBasis = "" }, record.CodeInvalidArgument},
		{"subjects without a consent", "", func(a *record.Authorization) { a.Subjects = []string{digest("x")} }, record.CodeInvalidArgument},
		{"no fields", "", func(a *record.Authorization) { a.Fields = nil }, record.CodeInvalidArgument},
		{"negative uses", "", func(a *record.Authorization) { a.MaxUses = -1 }, record.CodeInvalidArgument},
		{"a duplicate ID", "", func(a *record.Authorization) { a.ID = "AUTH-1" }, record.CodeAlreadyExists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := sharing(t)
			a := authorization()
			a.ID = "AUTH-2"
			if tt.edit != nil {
				tt.edit(&a)
			}
			who := tt.who
			if who == "" {
				who = "hefei-owner"
			}
			_, err := w.run(who, func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) })
			wantCode(t, err, tt.want)
		})
	}
}

func TestDenialsAndTraces(t *testing.T) {
	w := sharing(t)
	w.mustAccess(access("address"))
	deny := record.DenialRequest{AuthorizationID: "AUTH-1", Requester: "WuhuMSP", DatasetID: "hefei.household",
		Fields: []string{"income"}, Purpose: "social-assistance", Reason: record.CodeFieldsNotGranted, DetailDigest: digest("income is not granted")}
	_, err := w.run("wuhu-requester", func(s domain.State) (any, error) { return domain.RecordDenial(s, deny) })
	wantCode(t, err, record.CodeForbidden)
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.RecordDenial(s, deny) })
	ghost := deny
	ghost.AuthorizationID = "AUTH-GHOST"
	_, err = w.run("hefei-owner", func(s domain.State) (any, error) { return domain.RecordDenial(s, ghost) })
	wantCode(t, err, record.CodeNotFound)
	bad := deny
	bad.Reason = "BECAUSE"
	_, err = w.run("hefei-owner", func(s domain.State) (any, error) { return domain.RecordDenial(s, bad) })
	wantCode(t, err, record.CodeInvalidArgument)
	// A denial names only a registered dataset of the organisation that
	// records it, and the dataset of the authorization it names.
	tax := household()
	tax.ID = "hefei.tax"
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.RegisterDataset(s, tax) })
	census := household()
	census.ID = "wuhu.census"
	w.must("wuhu-admin", func(s domain.State) (any, error) { return domain.RegisterDataset(s, census) })
	for _, tc := range []struct {
		name, dataset string
		want          record.Code
	}{
		{"an unregistered dataset", "no.such.dataset", record.CodeNotFound},
		{"another organisation's dataset", "wuhu.census", record.CodeForbidden},
		{"another dataset than the authorization's", "hefei.tax", record.CodeInvalidArgument},
	} {
		d := deny
		d.DatasetID = tc.dataset
		_, err := w.run("hefei-owner", func(s domain.State) (any, error) { return domain.RecordDenial(s, d) })
		if record.CodeOf(err) != tc.want {
			t.Errorf("a denial naming %s: %v, want %s", tc.name, err, tc.want)
		}
	}

	trace := func(who string, q record.TraceQuery) (record.Page[*record.AccessRecord], error) {
		v, err := w.run(who, func(s domain.State) (any, error) { return domain.Trace(s, q) })
		if err != nil {
			return record.Page[*record.AccessRecord]{}, err
		}
		return v.(record.Page[*record.AccessRecord]), nil
	}
	p, err := trace("anhui-auditor", record.TraceQuery{By: record.TraceByDataset, Key: "hefei.household"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 || p.Items[0].Kind != record.KindAccess || p.Items[1].Kind != record.KindDenial {
		t.Errorf("trace by dataset = %+v", p.Items)
	}
	if p, _ := trace("anhui-auditor", record.TraceQuery{By: record.TraceByTime, From: t0.Add(time.Hour)}); len(p.Items) != 0 {
		t.Errorf("a window after the accesses holds %d", len(p.Items))
	}
	if p, err := trace("wuhu-requester", record.TraceQuery{By: record.TraceByRequester, Key: "WuhuMSP"}); err != nil || len(p.Items) != 2 {
		t.Errorf("the requester's own trace: %v, %v", p.Items, err)
	}
	if p, err := trace("hefei-owner", record.TraceQuery{By: record.TraceByAuthorization, Key: "AUTH-1"}); err != nil || len(p.Items) != 2 {
		t.Errorf("a party's trace of its authorization: %v, %v", p.Items, err)
	}
	// The failing input: a data owner traces its own dataset.
	if p, err := trace("hefei-owner", record.TraceQuery{By: record.TraceByDataset, Key: "hefei.household"}); err != nil || len(p.Items) != 2 {
		t.Errorf("the owner's trace of its dataset: %v, %v", p.Items, err)
	}
	_, err = trace("wuhu-requester", record.TraceQuery{By: record.TraceByDataset, Key: "hefei.household"})
	wantCode(t, err, record.CodeForbidden)
	if err == nil || !strings.Contains(err.Error(), "dataset hefei.household is HefeiMSP's") {
		t.Errorf("refusal = %v; want it to say whose dataset it is", err)
	}
	_, err = trace("hefei-owner", record.TraceQuery{By: record.TraceByDataset, Key: "no.such"})
	wantCode(t, err, record.CodeNotFound)
	_, err = trace("hefei-owner", record.TraceQuery{By: record.TraceByTime})
	wantCode(t, err, record.CodeForbidden)
	_, err = trace("wuhu-requester", record.TraceQuery{By: record.TraceByRequester, Key: "HefeiMSP"})
	wantCode(t, err, record.CodeForbidden)
	_, err = trace("anhui-auditor", record.TraceQuery{By: "colour", Key: "x"})
	wantCode(t, err, record.CodeInvalidArgument)
}

func TestTracePagesWithBookmarksAndBySubject(t *testing.T) {
	w := sharing(t)
	a := authorization()
	a.ID, a.MaxUses = "AUTH-U", 0
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, a) })
	subject := digest("citizen-1")
	for range 7 {
		r := access("members")
		r.AuthorizationID, r.Subjects = "AUTH-U", []string{subject}
		w.mustAccess(r)
	}
	var got []*record.AccessRecord
	q := record.TraceQuery{By: record.TraceBySubject, Key: subject, PageSize: 3}
	for pages := 1; ; pages++ {
		v := w.must("anhui-auditor", func(s domain.State) (any, error) { return domain.Trace(s, q) }).(record.Page[*record.AccessRecord])
		got = append(got, v.Items...)
		if v.Bookmark == "" {
			if pages != 3 {
				t.Errorf("%d pages", pages)
			}
			break
		}
		q.Bookmark = v.Bookmark
	}
	if len(got) != 7 {
		t.Fatalf("traced %d of 7", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i].At.Before(got[i-1].At) {
			t.Error("trace not in time order")
		}
	}
	q.Bookmark = "ix/dataset/other/"
	_, err := w.run("anhui-auditor", func(s domain.State) (any, error) { return domain.Trace(s, q) })
	wantCode(t, err, record.CodeInvalidArgument)
}

func TestVerifyComparesBodiesWithTheDigests(t *testing.T) {
	w := sharing(t)
	rec := w.mustAccess(access("address"))
	request, err := rec.Signed.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	verify := func(response string) *record.Verification {
		return w.must("anhui-auditor", func(s domain.State) (any, error) {
			return domain.VerifyAccess(s, rec.ID, request, []byte(response))
		}).(*record.Verification)
	}
	if v := verify("tampered"); !v.RequestMatches || v.ResponseMatches {
		t.Errorf("a tampered body: %+v", v)
	}
	if v := verify("response"); !v.RequestMatches || !v.ResponseMatches || v.ResponseDigest != rec.ResponseDigest {
		t.Errorf("the body delivered: %+v", v)
	}
}
