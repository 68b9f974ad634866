package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
)

// grantFor is a grant request for the Hefei agency of business licences in
// Hefei city, valid [from, to).
func grantFor(from, to time.Time) record.Accreditation {
	return record.Accreditation{AgencyID: agency, MSPID: "HefeiMSP", Types: []string{typeBiz}, Region: "340100", ValidFrom: from, ValidTo: to}
}

func (w *world) grant(who string, a record.Accreditation) *record.Accreditation {
	w.t.Helper()
	return w.must(who, func(s domain.State) (any, error) { return domain.GrantAccreditation(s, a) }).(*record.Accreditation)
}

func (w *world) withdraw(who, grantID string) {
	w.t.Helper()
	w.must(who, func(s domain.State) (any, error) { return domain.WithdrawAccreditation(s, grantID, "REORGANISATION") })
}

// grantCheck asks the ledger whether a licence's grant was in force when it
// was sealed.
func (w *world) grantCheck(id string) *record.GrantCheck {
	w.t.Helper()
	return w.must("hefei-verifier", func(s domain.State) (any, error) { return domain.CheckLicenceGrant(s, id) }).(*record.GrantCheck)
}

func TestAReaccreditedAgencysOldLicenceStaysValid(t *testing.T) {
	w := newWorld(t).setUp()
	l := w.issue("BL-1")
	if l.GrantID != grant1 {
		t.Fatalf("licence names grant %q, want %s", l.GrantID, grant1)
	}
	w.withdraw("anhui-admin", grant1)
	g2 := w.grant("anhui-admin", grantFor(w.now, t0.AddDate(3, 0, 0)))
	if g2.GrantID != agency+":000002" || g2.Seq != 2 {
		t.Fatalf("second grant %s (seq %d)", g2.GrantID, g2.Seq)
	}
	if c := w.grantCheck("BL-1"); !c.InForce || c.GrantID != grant1 || c.Grant == nil || c.Grant.Withdrawn == nil {
		t.Errorf("the licence sealed before the withdrawal: %+v", c)
	}
	if l2 := w.issue("BL-2"); l2.GrantID != g2.GrantID {
		t.Errorf("a licence issued after re-accreditation names %s", l2.GrantID)
	}
	ag := w.must("hefei-verifier", func(s domain.State) (any, error) { return domain.GetAgency(s, agency) }).(*record.AgencyGrants)
	if ag.LastSeq != 2 || ag.Province != "AnhuiMSP" || len(ag.Grants) != 2 || ag.Grants[0].GrantID != g2.GrantID || ag.Grants[1].Withdrawn == nil {
		t.Errorf("agency %+v", ag)
	}
}

func TestAYearlyRenewalKeepsLastYearsLicencesValid(t *testing.T) {
	w := newWorld(t).setUp()
	w.issue("BL-1")
	// setUp's grant ends at t0+2y; after it ends, the province grants the
	// next period, and the agency registers a key for it.
	end := t0.AddDate(2, 0, 0)
	w.now = end.Add(time.Hour)
	g2 := w.grant("anhui-admin", grantFor(end, end.AddDate(1, 0, 0)))
	if c := w.grantCheck("BL-1"); !c.InForce || c.GrantID != grant1 {
		t.Errorf("last period's licence after the renewal: %+v", c)
	}
	w.must("hefei-admin", func(s domain.State) (any, error) {
		return domain.RegisterSealKey(s, record.SealKey{KeyID: "hefei-amr-seal-2", AgencyID: agency, PublicKey: w.seal.Public().Hex(), ValidFrom: end, ValidTo: end.AddDate(1, 0, 0)})
	})
	renewed := w.must("hefei-issuer", func(s domain.State) (any, error) {
		l, err := domain.GetLicence(s, "BL-1")
		if err != nil {
			return nil, err
		}
		c := l.Content
		c.ValidTo, c.SealKeyID = c.ValidTo.AddDate(1, 0, 0), "hefei-amr-seal-2"
		return domain.Renew(s, record.RenewRequest{ID: c.ID, ValidTo: c.ValidTo, SealKeyID: c.SealKeyID, Signature: w.request(c).Signature})
	}).(*record.Licence)
	if renewed.GrantID != g2.GrantID {
		t.Errorf("a renewal names grant %s, want %s", renewed.GrantID, g2.GrantID)
	}
	if c := w.grantCheck("BL-1"); !c.InForce || c.GrantID != g2.GrantID {
		t.Errorf("the renewed licence: %+v", c)
	}
}

func TestTheGrantInForce(t *testing.T) {
	w := newWorld(t).setUp() // grant 1: [t0-1d, t0+2y), business licences, Hefei city
	y1 := t0.AddDate(1, 0, 0)
	w.grant("anhui-admin", record.Accreditation{AgencyID: agency, MSPID: "HefeiMSP", Types: []string{typeBiz, "food-licence"},
		Region: "340104", ValidFrom: y1, ValidTo: y1.AddDate(1, 0, 0)}) // grant 2: both types, one district
	w.grant("anhui-admin", grantFor(t0.AddDate(0, 6, 0), t0.AddDate(3, 0, 0))) // grant 3
	w.withdraw("anhui-admin", agency+":000003")                                // withdrawn at once
	tests := []struct {
		name, typ, region string
		at                time.Time
		want              string
		code              record.Code
	}{
		{"only the first grant runs", typeBiz, "340104", t0, grant1, ""},
		{"the latest grant that covers wins", typeBiz, "340104", y1.Add(time.Hour), agency + ":000002", ""},
		{"a region only the older grant covers", typeBiz, "340111", y1.Add(time.Hour), grant1, ""},
		{"a type only the newer grant covers", "food-licence", "340104", y1.Add(time.Hour), agency + ":000002", ""},
		{"a withdrawn grant is never in force later", typeBiz, "340111", t0.AddDate(2, 1, 0), "", record.CodeNotAccredited},
		{"before every grant", typeBiz, "340104", t0.AddDate(-1, 0, 0), "", record.CodeNotAccredited},
		{"a region no grant covers", typeBiz, "340200", t0, "", record.CodeWrongRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := w.run("hefei-verifier", func(s domain.State) (any, error) { return domain.GrantAt(s, agency, tt.typ, tt.region, tt.at) })
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil || v.(*record.Accreditation).GrantID != tt.want {
				t.Errorf("GrantAt = %v, %v; want %s", v, err, tt.want)
			}
		})
	}
}

func TestAGrantIsWithdrawnAloneAndStaysOnRecord(t *testing.T) {
	w := newWorld(t).setUp()
	w.grant("anhui-admin", grantFor(t0, t0.AddDate(1, 0, 0)))
	w.withdraw("anhui-admin", grant1)
	g := w.must("hefei-verifier", func(s domain.State) (any, error) { return domain.GetGrant(s, grant1) }).(*record.Accreditation)
	if g.Withdrawn == nil || g.Withdrawn.Reason != "REORGANISATION" || g.Seq != 1 {
		t.Errorf("withdrawn grant %+v", g)
	}
	if l := w.issue("BL-1"); l.GrantID != agency+":000002" {
		t.Errorf("the other grant still allows issuing; licence names %s", l.GrantID)
	}
	for _, tt := range []struct {
		name, who, id string
		code          record.Code
	}{
		{"twice", "anhui-admin", grant1, record.CodeInvalidTransition},
		{"an unknown grant", "anhui-admin", agency + ":000009", record.CodeNotFound},
		{"an agency ID alone", "anhui-admin", agency, record.CodeInvalidArgument},
		{"a sequence out of range", "anhui-admin", agency + ":000000", record.CodeInvalidArgument},
		{"by the agency's organisation", "hefei-admin", agency + ":000002", record.CodeForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.run(tt.who, func(s domain.State) (any, error) { return domain.WithdrawAccreditation(s, tt.id, "MISCONDUCT") })
			wantCode(t, err, tt.code)
		})
	}
}

func TestSealKeysNeedARunningGrant(t *testing.T) {
	w := newWorld(t)
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, businessType()) })
	register := func(id string) error {
		_, err := w.run("hefei-admin", func(s domain.State) (any, error) {
			return domain.RegisterSealKey(s, record.SealKey{KeyID: id, AgencyID: agency, PublicKey: w.seal.Public().Hex(), ValidFrom: t0, ValidTo: t0.AddDate(1, 0, 0)})
		})
		return err
	}
	wantCode(t, register("k1"), record.CodeNotAccredited) // never accredited
	w.grant("anhui-admin", grantFor(t0.AddDate(0, 1, 0), t0.AddDate(1, 0, 0)))
	if err := register("k2"); err != nil { // a grant that starts later
		t.Errorf("a key for a grant not yet begun: %v", err)
	}
	w.withdraw("anhui-admin", grant1)
	wantCode(t, register("k3"), record.CodeNotAccredited) // only a withdrawn grant
}

// deltaWorld is the delta channel with a Shanghai type, agency, seal key
// and issuer, and a Jiangsu admin.
func deltaWorld(t *testing.T) *world {
	w := newWorld(t)
	w.l = governedLedger(t, "delta")
	for _, spec := range []struct{ name, msp string }{{"jiangsu-admin", "JiangsuMSP"}, {"shanghai-issuer", "ShanghaiMSP"}, {"anhui-admin", "AnhuiMSP"}} {
		id, err := fakestub.NewIdentity(spec.msp, spec.name, spec.name != "shanghai-issuer")
		if err != nil {
			t.Fatal(err)
		}
		w.ids[spec.name] = id
	}
	sh := businessType()
	sh.Code = "sh-biz"
	w.must("shanghai-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, sh) })
	w.grant("shanghai-admin", record.Accreditation{AgencyID: "sh-amr", MSPID: "ShanghaiMSP", Types: []string{"sh-biz"}, Region: "310000", ValidFrom: t0.Add(-time.Hour), ValidTo: t0.AddDate(1, 0, 0)})
	w.must("shanghai-admin", func(s domain.State) (any, error) {
		return domain.RegisterSealKey(s, record.SealKey{KeyID: "sh-seal", AgencyID: "sh-amr", PublicKey: w.seal.Public().Hex(), ValidFrom: t0.Add(-time.Hour), ValidTo: t0.AddDate(1, 0, 0)})
	})
	w.bind("shanghai-admin", "shanghai-issuer", record.RoleIssuer, "sh-amr")
	w.bind("shanghai-admin", "shanghai-clerk", record.RoleVerifier, "")
	return w
}

func TestAnAgencyIDBelongsForGoodToItsFirstProvince(t *testing.T) {
	w := deltaWorld(t)
	c := w.content("SH-1")
	c.Type, c.AgencyID, c.Region, c.SealKeyID = "sh-biz", "sh-amr", "310104", "sh-seal"
	w.must("shanghai-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(c)) })
	w.withdraw("shanghai-admin", "sh-amr:000001")

	js := businessType()
	js.Code = "js-biz"
	w.must("jiangsu-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, js) })
	_, err := w.run("jiangsu-admin", func(s domain.State) (any, error) {
		return domain.GrantAccreditation(s, record.Accreditation{AgencyID: "sh-amr", MSPID: "JiangsuMSP", Types: []string{"js-biz"}, Region: "320000", ValidFrom: t0, ValidTo: t0.AddDate(1, 0, 0)})
	})
	wantCode(t, err, record.CodeAgencyTaken)
	v := w.must("shanghai-clerk", func(s domain.State) (any, error) { return domain.CheckLicenceGrant(s, "SH-1") }).(*record.GrantCheck)
	if !v.InForce || v.Grant.Province != "ShanghaiMSP" {
		t.Errorf("Shanghai's licence after the refused take-over: %+v", v)
	}
}

func TestAnAgencyIDStaysWithItsOrganisation(t *testing.T) {
	w := newWorld(t).setUp()
	g := grantFor(t0, t0.AddDate(1, 0, 0))
	g.MSPID, g.Region = "WuhuMSP", "340200"
	_, err := w.run("anhui-admin", func(s domain.State) (any, error) { return domain.GrantAccreditation(s, g) })
	wantCode(t, err, record.CodeAgencyTaken)
}

func TestAGrantToAnOrganisationOffTheChannelIsRefused(t *testing.T) {
	w := deltaWorld(t)
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, businessType()) })
	_, err := w.run("anhui-admin", func(s domain.State) (any, error) {
		return domain.GrantAccreditation(s, grantFor(t0, t0.AddDate(1, 0, 0))) // to HefeiMSP, not on delta
	})
	wantCode(t, err, record.CodeForbidden)
	if err == nil || !strings.Contains(err.Error(), "not a member of channel delta") {
		t.Errorf("refusal %v", err)
	}
}

func TestAVerdictJudgesTheGrantAtSealing(t *testing.T) {
	g := grantFor(t0, t0.AddDate(1, 0, 0))
	g.GrantID = grant1
	withdrawn := g
	withdrawn.Withdrawn = &record.Withdraw{At: t0.AddDate(0, 1, 0), Reason: "x"}
	l := &record.Licence{GrantID: grant1, SealedAt: t0.Add(time.Hour)}
	l.ID, l.AgencyID, l.Type, l.Region = "BL-1", agency, typeBiz, "340104"
	later := *l
	later.SealedAt = t0.AddDate(0, 2, 0)
	other := *l
	other.GrantID = agency + ":000002"
	none := *l
	none.GrantID = ""
	for _, tt := range []struct {
		name string
		l    *record.Licence
		g    *record.Accreditation
		code record.Code
	}{
		{"sealed while the grant ran", l, &g, ""},
		{"sealed before a later withdrawal", l, &withdrawn, ""},
		{"sealed after the withdrawal", &later, &withdrawn, record.CodeNotAccredited},
		{"another grant than the one named", &other, &g, record.CodeNotAccredited},
		{"a licence naming no grant", &none, &g, record.CodeNotAccredited},
	} {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.l.CheckGrant(tt.g), tt.code) })
	}
}

// An issuer cannot date a licence's validity to before its agency held a
// grant for it; a licence valid from a time an earlier grant covered is
// issued under the grant in force now.
func TestALicenceCannotBeValidBeforeItsAgencyWasAccredited(t *testing.T) {
	w := newWorld(t).setUp() // grant 1 runs from t0 - 24h
	c := w.content("BL-OLD")
	c.ValidFrom = t0.AddDate(-2, 0, 0)
	c.ValidTo = t0.AddDate(1, 0, 0)
	_, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(c)) })
	wantCode(t, err, record.CodeNotAccredited)

	c.ValidFrom = t0.Add(-time.Hour)
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(c)) })
}
