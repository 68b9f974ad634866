package snapshot

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/presentation"
)

func parse(t *testing.T, f *fixture, data []byte) *Snapshot {
	t.Helper()
	s, err := Parse(data, f.trust())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func failed(v Verdict) []string {
	var out []string
	for _, c := range v.Checks {
		if !c.OK {
			out = append(out, c.Name+": "+c.Detail)
		}
	}
	return out
}

func TestAPresentationVerifiesOfflineWithItsSnapshotsAge(t *testing.T) {
	f := newFixture(t)
	s := parse(t, f, f.file(t, f.body(nil, 3)))
	now := testBuilt.Add(90 * time.Minute)
	v, err := s.Check(f.present(t, now, "name"), expectAt(now), false)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Valid || v.Stale || v.AgeSeconds != 5400 || v.FreshnessLimit != 12*3600 || v.Status != record.StatusActive || v.BlockHeight != 42 {
		t.Fatalf("verdict %+v, failed %v", v, failed(v))
	}
	if len(v.Disclosed) != 1 || v.Disclosed[0] != (Field{Name: "name", Value: "合肥示例科技有限公司"}) {
		t.Fatalf("disclosed %+v", v.Disclosed)
	}
	for _, name := range []string{CheckKeyBinding, api.CheckFound, CheckFresh, api.CheckAccredited, api.CheckSeal, api.CheckWindow, api.CheckStatus} {
		if !slices.ContainsFunc(v.Checks, func(c api.Check) bool { return c.Name == name && c.OK }) {
			t.Errorf("check %s missing", name)
		}
	}
}

func TestALicenceRevokedInTheSnapshotIsNotValid(t *testing.T) {
	f := newFixture(t)
	l := f.licence
	revokedAt := testBuilt.Add(-time.Hour)
	l.Status, l.StatusHistory = record.StatusRevoked, []record.StatusChange{{Status: record.StatusRevoked, Reason: "FRAUD", EffectiveAt: revokedAt}}
	s := parse(t, f, f.file(t, f.body(&l, 0)))
	now := testBuilt.Add(time.Minute)
	v, err := s.Check(f.present(t, now), expectAt(now), false)
	if err != nil {
		t.Fatal(err)
	}
	if v.Valid || v.Status != record.StatusRevoked {
		t.Fatalf("verdict %+v", v)
	}
	if got := failed(v); len(got) != 1 || !strings.HasPrefix(got[0], api.CheckStatus+": revoked since "+revokedAt.Format(time.RFC3339)) {
		t.Fatalf("failed checks %v", got)
	}
}

func TestAStaleSnapshotIsRefusedUnlessAccepted(t *testing.T) {
	f := newFixture(t)
	s := parse(t, f, f.file(t, f.body(nil, 0)))
	now := testBuilt.Add(13 * time.Hour) // BL's limit is 12h
	off := f.present(t, now)
	v, err := s.Check(off, expectAt(now), false)
	if err != nil {
		t.Fatal(err)
	}
	if got := failed(v); v.Valid || !v.Stale || len(got) != 1 || !strings.HasPrefix(got[0], CheckFresh+": "+string(Stale)) {
		t.Fatalf("verdict %+v, failed %v", v, got)
	}
	v, err = s.Check(off, expectAt(now), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := failed(v); !v.Valid || !v.Stale || !v.StaleAccepted || v.AgeSeconds != 13*3600 || len(got) != 1 || !strings.HasPrefix(got[0], CheckFresh+": "+string(Stale)) {
		t.Fatalf("accepted stale: %+v, failed %v", v, got)
	}
}

func TestOfflineChecksRefuseWhatTheOnlineOnesRefuse(t *testing.T) {
	f := newFixture(t)
	now := testBuilt.Add(time.Minute)
	good := f.present(t, now, "creditCode")
	signed, pres, _ := strings.Cut(good, "~")
	other := newFixture(t) // another licence of the same ID, sealed by a key the snapshot lacks
	otherSigned, _, _ := strings.Cut(other.present(t, now), "~")
	notListed := newFixture(t)
	notListed.licence.ID = "BL-OTHER"
	for name, c := range map[string]struct {
		offline string
		exp     presentation.Expect
		check   string
	}{
		"wrong nonce":       {good, presentation.Expect{Nonce: "nonce-other-000", Audience: testAudience, Now: now}, CheckKeyBinding},
		"wrong audience":    {good, presentation.Expect{Nonce: testNonce, Audience: "hefei-amr", Now: now}, CheckKeyBinding},
		"too old":           {good, expectAt(now.Add(time.Hour)), CheckKeyBinding},
		"another's content": {otherSigned + "~" + pres, expectAt(now), CheckKeyBinding},
	} {
		s := parse(t, f, f.file(t, f.body(nil, 0)))
		v, err := s.Check(c.offline, c.exp, false)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := failed(v); v.Valid || len(got) == 0 || !strings.HasPrefix(got[0], c.check+": ") {
			t.Errorf("%s: failed %v", name, got)
		}
	}
	// The other licence's holder signs for content its seal key is not in
	// the snapshot for: the seal fails.
	s := parse(t, f, f.file(t, f.body(nil, 0)))
	v, err := s.Check(other.present(t, now), expectAt(now), false)
	if err != nil || v.Valid || !slices.ContainsFunc(failed(v), func(c string) bool { return strings.HasPrefix(c, api.CheckSeal+": the seal signature does not verify") }) {
		t.Fatalf("another seal: %v %v", err, failed(v))
	}
	// Not in the snapshot at all.
	s = parse(t, f, f.file(t, notListed.body(&notListed.licence, 0)))
	v, err = s.Check(good, expectAt(now), false)
	if err != nil || v.Valid || !strings.HasPrefix(failed(v)[len(failed(v))-1], api.CheckFound+": "+string(UnknownLicence)) {
		t.Fatalf("unknown licence: %v %v", err, failed(v))
	}
	// Forms refused before any check.
	for name, text := range map[string]string{"no content": pres, "no seal": strings.Split(signed, ".")[0] + "~" + pres, "bad base64": "!" + good} {
		if _, err := s.Check(text, expectAt(now), false); !isCode(err, OfflineForm) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestARelayedLicenceVerifiesOfflineByWhatItsProofCarried(t *testing.T) {
	f := newFixture(t)
	b := NewBuilder(testMSP, "anhui", 7, testBuilt, nil)
	b.AddRelayed(&record.RelayedLicence{Evidence: record.Evidence{Licence: &f.licence, Grant: &f.grant, SealKey: &f.sealKey},
		Type: &record.LicenceType{Code: "BL", MutualRecognition: true}, Source: record.Source{Channel: "delta"}})
	s := parse(t, f, f.file(t, b.Body()))
	now := testBuilt.Add(23 * time.Hour) // the default limit is 24h
	v, err := s.Check(f.present(t, now), expectAt(now), false)
	if err != nil || !v.Valid || v.RelayedFrom != "delta" || v.FreshnessLimit != 86400 {
		t.Fatalf("%v %+v %v", err, v, failed(v))
	}
}

func isCode(err error, c Code) bool {
	e, ok := errors.AsType[*Error](err)
	return ok && e.Code == c
}

// TestAccreditationAndSealAreJudgedAtSealing: a grant withdrawn before the
// licence was sealed, a licence whose grant the snapshot lacks, and a seal
// key revoked before sealing each fail their check, as online.
func TestAccreditationAndSealAreJudgedAtSealing(t *testing.T) {
	f := newFixture(t)
	now := testBuilt.Add(time.Minute)
	for name, c := range map[string]struct {
		bend  func(*fixture)
		check string
	}{
		"grant withdrawn before sealing": {func(f *fixture) {
			f.grant.Withdrawn = &record.Withdraw{At: f.licence.SealedAt.Add(-time.Hour)}
		}, api.CheckAccredited},
		"grant not in the snapshot": {func(f *fixture) { f.licence.GrantID = "other:000001" }, api.CheckAccredited},
		"seal key revoked before sealing": {func(f *fixture) {
			f.sealKey.Revocation = &record.Revocation{EffectiveAt: f.licence.SealedAt.Add(-time.Hour)}
		}, api.CheckSeal},
		"seal key of another agency": {func(f *fixture) { f.sealKey.AgencyID = "wuhu-amr" }, api.CheckSeal},
	} {
		g := *f
		c.bend(&g)
		s := parse(t, f, f.file(t, g.body(&g.licence, 0)))
		v, err := s.Check(f.present(t, now), expectAt(now), false)
		if got := failed(v); err != nil || v.Valid || len(got) != 1 || !strings.HasPrefix(got[0], c.check+": ") {
			t.Errorf("%s: %v %v", name, err, got)
		}
	}
}

func TestASnapshotOverItsLimitIsRefusedUnread(t *testing.T) {
	f := newFixture(t)
	if _, err := Parse(make([]byte, MaxFile+1), f.trust()); !isCode(err, TooLarge) {
		t.Fatal(err)
	}
}
