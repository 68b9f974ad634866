package domain_test

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

func TestAnAccreditedIssuerIssuesAVerifiedLicence(t *testing.T) {
	w := newWorld(t).setUp()
	l := w.issue("BL-0001")
	if l.Status != record.StatusActive || l.IssuerMSP != "HefeiMSP" || !l.IssuedAt.Equal(w.now) {
		t.Errorf("licence = %+v", l)
	}
	if name, p := lastEvent(t, w.l); name != domain.EventLicenceIssued || p["id"] != "BL-0001" {
		t.Errorf("event %s %v", name, p["id"])
	}
	k := "\x00licence\x00BL-0001\x00"
	if p, err := w.l.PolicyOf(k); err != nil || p != "AND(HefeiMSP.peer, OR(AnhuiMSP.peer, WuhuMSP.peer))" {
		t.Errorf("key-level policy of the licence = %q, %v; want Hefei and a majority", p, err)
	}
	if strings.Contains(string(w.l.Get(k)), "340104199001011234") || strings.Contains(string(w.l.Get(k)), "合肥") {
		t.Error("personal data reached the ledger")
	}
}

func TestIssueRefusals(t *testing.T) {
	otherKey, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		who    string
		edit   func(w *world, c *credential.Content) // before signing
		sign   func(w *world, c credential.Content) string
		tamper func(c *credential.Content) // after signing
		want   record.Code
	}{
		{name: "a caller without the issuer role", who: "hefei-verifier", want: record.CodeForbidden},
		{name: "an issuer of another organisation", who: "wuhu-issuer", want: record.CodeForbidden},
		{name: "an organisation admin who is no issuer", who: "hefei-admin", want: record.CodeForbidden},
		{name: "a type the agency is not accredited for", edit: func(w *world, c *credential.Content) { c.Type = "food-licence" }, want: record.CodeNotAccredited},
		{name: "a region outside the accreditation", edit: func(w *world, c *credential.Content) { c.Region = "340200" }, want: record.CodeWrongRegion},
		{name: "a region that is no division code", edit: func(w *world, c *credential.Content) { c.Region = "hefei!" }, want: record.CodeWrongRegion},
		{name: "an unknown seal key", edit: func(w *world, c *credential.Content) { c.SealKeyID = "nokey" }, want: record.CodeSealInvalid},
		{name: "a signature by another key", sign: func(w *world, c credential.Content) string {
			sig, _ := credential.Sign(otherKey, c)
			return hex.EncodeToString(sig)
		}, want: record.CodeBadSignature},
		{name: "a digest tampered with after signing", tamper: func(c *credential.Content) { c.Fields[0].Digest = strings.Repeat("0", 64) }, want: record.CodeBadSignature},
		{name: "a validity window changed after signing", tamper: func(c *credential.Content) { c.ValidTo = c.ValidTo.Add(time.Hour) }, want: record.CodeBadSignature},
		{name: "a signature that is not hex", sign: func(*world, credential.Content) string { return "zz" }, want: record.CodeInvalidArgument},
		{name: "a licence ID of dots only", edit: func(w *world, c *credential.Content) { c.ID = ".." }, want: record.CodeInvalidArgument},
		{name: "a seal key ID of one dot", edit: func(w *world, c *credential.Content) { c.SealKeyID = "." }, want: record.CodeInvalidArgument},
		{name: "a missing required field", edit: func(w *world, c *credential.Content) { c.Fields = c.Fields[:1] }, want: record.CodeSchemaMismatch},
		{name: "a field the schema lacks", edit: func(w *world, c *credential.Content) {
			c.Fields = append(c.Fields, credential.FieldDigest{Name: "zzz", Digest: c.Fields[0].Digest})
		}, want: record.CodeSchemaMismatch},
		{name: "a validity longer than the type allows", edit: func(w *world, c *credential.Content) { c.ValidTo = c.ValidFrom.AddDate(11, 0, 0) }, want: record.CodeValidityTooLong},
		{name: "a window that ends before it starts", edit: func(w *world, c *credential.Content) { c.ValidTo = c.ValidFrom.Add(-time.Hour) }, want: record.CodeInvalidArgument},
		{name: "a licence ID with a slash", edit: func(w *world, c *credential.Content) { c.ID = "BL/1" }, want: record.CodeInvalidArgument},
		{name: "an oversized licence ID", edit: func(w *world, c *credential.Content) { c.ID = strings.Repeat("x", 65) }, want: record.CodeInvalidArgument},
		{name: "a holder key that is not on the curve", edit: func(w *world, c *credential.Content) { c.HolderPublicKey = "04" + strings.Repeat("11", 64) }, want: record.CodeInvalidArgument},
		{name: "a pseudonym that is not a digest", edit: func(w *world, c *credential.Content) { c.HolderPseudonym = "340104199001011234" },
			sign: func(*world, credential.Content) string { return "3006020101020101" }, want: record.CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t).setUp()
			c := w.content("BL-REFUSED")
			if tt.edit != nil {
				tt.edit(w, &c)
			}
			var sig string
			if tt.sign != nil {
				sig = tt.sign(w, c)
			} else {
				sig = w.request(c).Signature
			}
			if tt.tamper != nil {
				tt.tamper(&c)
			}
			who := tt.who
			if who == "" {
				who = "hefei-issuer"
			}
			_, err := w.run(who, func(s domain.State) (any, error) {
				return domain.Issue(s, record.IssueRequest{Content: c, Signature: sig})
			})
			wantCode(t, err, tt.want)
			if w.l.Get("\x00licence\x00"+c.ID+"\x00") != nil {
				t.Error("a refused licence is on the ledger")
			}
		})
	}
}

func TestIssueRefusesADuplicateID(t *testing.T) {
	w := newWorld(t).setUp()
	w.issue("BL-0001")
	_, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(w.content("BL-0001"))) })
	wantCode(t, err, record.CodeAlreadyExists)
}

func TestSealKeyTimeRules(t *testing.T) {
	t.Run("an expired seal key", func(t *testing.T) {
		w := newWorld(t).setUp()
		w.now = t0.AddDate(1, 0, 1)
		_, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(w.content("BL-X"))) })
		wantCode(t, err, record.CodeSealInvalid)
	})
	t.Run("a revoked seal key, even revoked in the past", func(t *testing.T) {
		w := newWorld(t).setUp()
		w.must("hefei-admin", func(s domain.State) (any, error) {
			return domain.RevokeSealKey(s, sealID, "KEY_COMPROMISED", t0.Add(-time.Minute))
		})
		_, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(w.content("BL-X"))) })
		wantCode(t, err, record.CodeSealInvalid)
	})
	t.Run("after rotation the old key stops, the new one signs, the old window stays", func(t *testing.T) {
		w := newWorld(t).setUp()
		l := w.issue("BL-OLD")
		next, _ := gm.GenerateKey()
		rot := w.must("hefei-admin", func(s domain.State) (any, error) {
			return domain.RotateSealKey(s, sealID, record.SealKey{KeyID: "hefei-amr-seal-2", PublicKey: next.Public().Hex(), ValidTo: t0.AddDate(3, 0, 0)})
		}).(*record.Rotation)
		if rot.Old.SupersededBy != "hefei-amr-seal-2" || !rot.Old.ValidTo.Equal(w.now) || !rot.New.ValidFrom.Equal(w.now) {
			t.Errorf("rotation = %+v / %+v", rot.Old, rot.New)
		}
		// What the old key signed while valid still verifies against it.
		if err := rot.Old.ValidAt(l.IssuedAt); err != nil {
			t.Errorf("old key not valid at the old licence's issuance: %v", err)
		}
		_, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(w.content("BL-X"))) })
		wantCode(t, err, record.CodeSealInvalid)
		w.seal = next
		c := w.content("BL-NEW")
		c.SealKeyID = "hefei-amr-seal-2"
		w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(c)) })
	})
	t.Run("only the agency organisation's admin registers its keys", func(t *testing.T) {
		w := newWorld(t).setUp()
		k, _ := gm.GenerateKey()
		_, err := w.run("wuhu-admin", func(s domain.State) (any, error) {
			return domain.RegisterSealKey(s, record.SealKey{KeyID: "evil", AgencyID: agency, PublicKey: k.Public().Hex(), ValidFrom: t0, ValidTo: t0.AddDate(1, 0, 0)})
		})
		wantCode(t, err, record.CodeForbidden)
	})
}

func TestAccreditationRules(t *testing.T) {
	t.Run("a withdrawn accreditation stops issuance", func(t *testing.T) {
		w := newWorld(t).setUp()
		w.must("anhui-admin", func(s domain.State) (any, error) {
			return domain.WithdrawAccreditation(s, grant1, "REORGANISATION")
		})
		_, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(w.content("BL-X"))) })
		wantCode(t, err, record.CodeNotAccredited)
	})
	t.Run("withdrawal needs the province and a majority, not the agency's organisation", func(t *testing.T) {
		w := newWorld(t).setUp()
		withdraw := func(s domain.State) (any, error) { return domain.WithdrawAccreditation(s, grant1, "MISCONDUCT") }
		for _, orgs := range [][]string{{"AnhuiMSP"}, {"HefeiMSP", "WuhuMSP"}} {
			if _, err := w.runEndorsed("anhui-admin", orgs, withdraw); err == nil || !strings.Contains(err.Error(), "ENDORSEMENT_POLICY_FAILURE") {
				t.Errorf("withdrawal endorsed by %v: %v", orgs, err)
			}
		}
		if _, err := w.runEndorsed("anhui-admin", []string{"AnhuiMSP", "WuhuMSP"}, withdraw); err != nil {
			t.Errorf("withdrawal by the province and Wuhu, without the agency's Hefei: %v", err)
		}
	})
	tests := []struct {
		name string
		who  string
		edit func(*record.Accreditation)
		want record.Code
	}{
		{"a city admin cannot grant", "hefei-admin", nil, record.CodeForbidden},
		{"another province cannot grant for Anhui's organisations", "shanghai-admin", nil, record.CodeForbidden},
		{"a region outside the province", "anhui-admin", func(a *record.Accreditation) { a.Region = "310000" }, record.CodeWrongRegion},
		{"an unknown type", "anhui-admin", func(a *record.Accreditation) { a.Types = []string{"nope"} }, record.CodeNotFound},
		{"an empty window", "anhui-admin", func(a *record.Accreditation) { a.ValidTo = a.ValidFrom }, record.CodeInvalidArgument},
		{"an organisation not in the province", "anhui-admin", func(a *record.Accreditation) { a.MSPID = "ShanghaiMSP" }, record.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.must("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, businessType()) })
			a := record.Accreditation{AgencyID: "wuhu-amr", MSPID: "WuhuMSP", Types: []string{typeBiz}, Region: "340200", ValidFrom: t0, ValidTo: t0.AddDate(1, 0, 0)}
			if tt.edit != nil {
				tt.edit(&a)
			}
			_, err := w.run(tt.who, func(s domain.State) (any, error) { return domain.GrantAccreditation(s, a) })
			wantCode(t, err, tt.want)
		})
	}
}

func TestLicenceTypeRules(t *testing.T) {
	w := newWorld(t)
	_, err := w.run("hefei-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, businessType()) })
	wantCode(t, err, record.CodeForbidden)
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, businessType()) })
	_, err = w.run("shanghai-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, businessType()) })
	wantCode(t, err, record.CodeForbidden)
	for name, edit := range map[string]func(*record.LicenceType){
		"no fields":         func(lt *record.LicenceType) { lt.Fields = nil },
		"a field twice":     func(lt *record.LicenceType) { lt.Fields = append(lt.Fields, lt.Fields[0]) },
		"a bad field type":  func(lt *record.LicenceType) { lt.Fields[0].Type = "blob" },
		"a bad field name":  func(lt *record.LicenceType) { lt.Fields[0].Name = "1st" },
		"zero validity":     func(lt *record.LicenceType) { lt.MaxValidityDays = 0 },
		"a control in name": func(lt *record.LicenceType) { lt.Name = "a\nb" },
	} {
		lt := businessType()
		edit(&lt)
		_, err := w.run("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, lt) })
		if record.CodeOf(err) != record.CodeInvalidArgument {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestStatusTransitions(t *testing.T) {
	w := newWorld(t).setUp()
	w.issue("BL-1")
	step := func(who string, f func(domain.State) (*record.Licence, error)) error {
		_, err := w.run(who, func(s domain.State) (any, error) { return f(s) })
		return err
	}
	suspend := func(s domain.State) (*record.Licence, error) { return domain.Suspend(s, "BL-1", "INVESTIGATION") }
	reinstate := func(s domain.State) (*record.Licence, error) {
		return domain.Reinstate(s, "BL-1", "INVESTIGATION_CLOSED")
	}
	revoke := func(s domain.State) (*record.Licence, error) { return domain.Revoke(s, "BL-1", "FRAUD", time.Time{}) }

	wantCode(t, step("hefei-issuer", reinstate), record.CodeInvalidTransition)
	wantCode(t, step("wuhu-issuer", suspend), record.CodeForbidden)
	wantCode(t, step("hefei-verifier", suspend), record.CodeForbidden)
	if err := step("hefei-issuer", suspend); err != nil {
		t.Fatal(err)
	}
	wantCode(t, step("hefei-issuer", suspend), record.CodeInvalidTransition)
	if err := step("hefei-issuer", reinstate); err != nil {
		t.Fatal(err)
	}
	if err := step("hefei-issuer", revoke); err != nil {
		t.Fatal(err)
	}
	wantCode(t, step("hefei-issuer", reinstate), record.CodeInvalidTransition)
	wantCode(t, step("hefei-issuer", suspend), record.CodeInvalidTransition)
	wantCode(t, step("hefei-issuer", revoke), record.CodeInvalidTransition)

	// Status changes need the issuing organisation's endorsement.
	w2 := newWorld(t).setUp()
	w2.issue("BL-2")
	_, err := w2.runEndorsed("hefei-issuer", []string{"AnhuiMSP", "WuhuMSP"}, func(s domain.State) (any, error) {
		return domain.Suspend(s, "BL-2", "INVESTIGATION")
	})
	if err == nil || !strings.Contains(err.Error(), "ENDORSEMENT_POLICY_FAILURE") {
		t.Errorf("a suspension not endorsed by Hefei: %v", err)
	}
}

func TestStatusAtAnswersForAnyTime(t *testing.T) {
	w := newWorld(t).setUp()
	w.issue("BL-1")
	w.now = t0.Add(10 * 24 * time.Hour)
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Suspend(s, "BL-1", "INVESTIGATION") })
	suspendedAt := w.now
	w.now = t0.Add(20 * 24 * time.Hour)
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Reinstate(s, "BL-1", "INVESTIGATION_CLOSED") })
	w.now = t0.Add(40 * 24 * time.Hour)
	invalidSince := t0.Add(30 * 24 * time.Hour)
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Revoke(s, "BL-1", "FRAUD", invalidSince) })

	tests := []struct {
		at   time.Time
		want record.Status
	}{
		{t0.Add(-time.Second), record.StatusNotYetValid},
		{t0, record.StatusActive},
		{suspendedAt, record.StatusSuspended},
		{t0.Add(25 * 24 * time.Hour), record.StatusActive},
		{invalidSince.Add(-time.Second), record.StatusActive},
		{invalidSince, record.StatusRevoked},
		{t0.AddDate(6, 0, 0), record.StatusRevoked},
	}
	for _, tt := range tests {
		a := w.must("hefei-verifier", func(s domain.State) (any, error) { return domain.StatusAt(s, "BL-1", tt.at) }).(*record.StatusAnswer)
		if a.Status != tt.want {
			t.Errorf("StatusAt(%s) = %s, want %s", tt.at.Format(time.RFC3339), a.Status, tt.want)
		}
	}
	// Without the revocation, the licence expires at its valid-to.
	w2 := newWorld(t).setUp()
	l := w2.issue("BL-2")
	if a := l.StatusAt(l.ValidTo); a.Status != record.StatusExpired {
		t.Errorf("at valid-to: %s", a.Status)
	}
}

func TestHistoryShowsEveryChangeWithItsTransaction(t *testing.T) {
	w := newWorld(t).setUp()
	w.issue("BL-1")
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Suspend(s, "BL-1", "INVESTIGATION") })
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Reinstate(s, "BL-1", "INVESTIGATION_CLOSED") })
	h := w.must("wuhu-verifier", func(s domain.State) (any, error) { return domain.History(s, "BL-1") }).([]record.Version)
	var got []string
	for _, v := range h {
		got = append(got, string(v.Licence.Status)+"@"+v.TxID)
		if v.Licence.TxID != v.TxID {
			t.Errorf("version %s holds record of %s", v.TxID, v.Licence.TxID)
		}
	}
	if len(h) != 3 || h[0].Licence.Status != record.StatusActive || h[1].Licence.Status != record.StatusSuspended || h[2].Licence.Status != record.StatusActive {
		t.Errorf("history = %v", got)
	}
	_, err := w.run("hefei-clerk", func(s domain.State) (any, error) { return domain.History(s, "BL-1") })
	wantCode(t, err, record.CodeForbidden)
}

func TestBatchIssueIsAllOrNothing(t *testing.T) {
	w := newWorld(t).setUp()
	reqs := []record.IssueRequest{w.request(w.content("B-1")), w.request(w.content("B-2")), w.request(w.content("B-3"))}
	res := w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.IssueBatch(s, reqs) }).(*record.BatchResult)
	if res.Count != 3 {
		t.Fatalf("count = %d", res.Count)
	}
	if name, _ := lastEvent(t, w.l); name != domain.EventLicenceBatchIssued {
		t.Errorf("event %s", name)
	}
	bad := []record.IssueRequest{w.request(w.content("B-4")), w.request(w.content("B-4"))}
	_, err := w.run("hefei-issuer", func(s domain.State) (any, error) { return domain.IssueBatch(s, bad) })
	wantCode(t, err, record.CodeAlreadyExists)
	if w.l.Get("\x00licence\x00B-4\x00") != nil {
		t.Error("a refused batch left a licence")
	}
	_, err = w.run("hefei-issuer", func(s domain.State) (any, error) {
		return domain.IssueBatch(s, make([]record.IssueRequest, domain.MaxBatch+1))
	})
	wantCode(t, err, record.CodeTooLarge)
}

func TestListsPageWithBookmarks(t *testing.T) {
	w := newWorld(t).setUp()
	var reqs []record.IssueRequest
	for i := range 7 {
		reqs = append(reqs, w.request(w.content("L-"+string(rune('a'+i)))))
	}
	w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.IssueBatch(s, reqs) })
	var all []*record.Licence
	bookmark := ""
	for pages := 0; ; pages++ {
		p := w.must("hefei-verifier", func(s domain.State) (any, error) { return domain.ListByIssuer(s, agency, 3, bookmark) }).(record.Page[*record.Licence])
		all = append(all, p.Items...)
		if p.Bookmark == "" {
			if pages != 2 {
				t.Errorf("%d pages of 3 for 7 licences", pages+1)
			}
			break
		}
		bookmark = p.Bookmark
	}
	if got := strings.Join(ids(all), ","); got != "L-a,L-b,L-c,L-d,L-e,L-f,L-g" {
		t.Errorf("listed %s", got)
	}
	byHolder := w.must("wuhu-verifier", func(s domain.State) (any, error) {
		return domain.ListByHolder(s, reqs[0].Content.HolderPseudonym, 0, "")
	}).(record.Page[*record.Licence])
	if len(byHolder.Items) != 7 {
		t.Errorf("by holder: %d", len(byHolder.Items))
	}
	_, err := w.run("hefei-verifier", func(s domain.State) (any, error) { return domain.ListByIssuer(s, agency, 1000, "") })
	wantCode(t, err, record.CodeInvalidArgument)
}

func TestRenewExtendsAndReseals(t *testing.T) {
	w := newWorld(t).setUp()
	l := w.issue("BL-1")
	c := l.Content
	c.ValidTo = l.ValidTo.AddDate(1, 0, 0)
	sig, _ := credential.Sign(w.seal, c)
	r := w.must("hefei-issuer", func(s domain.State) (any, error) {
		return domain.Renew(s, record.RenewRequest{ID: "BL-1", ValidTo: c.ValidTo, SealKeyID: sealID, Signature: hex.EncodeToString(sig)})
	}).(*record.Licence)
	if !r.ValidTo.Equal(c.ValidTo) || !r.SealedAt.Equal(w.now) || !r.IssuedAt.Equal(l.IssuedAt) {
		t.Errorf("renewed: valid-to %s, sealed at %s, issued at %s", r.ValidTo, r.SealedAt, r.IssuedAt)
	}
	_, err := w.run("hefei-issuer", func(s domain.State) (any, error) {
		return domain.Renew(s, record.RenewRequest{ID: "BL-1", ValidTo: c.ValidTo.AddDate(1, 0, 0), SealKeyID: sealID, Signature: hex.EncodeToString(sig)})
	})
	wantCode(t, err, record.CodeBadSignature)
}

func TestRolesAreBoundByTheirOwnOrganisationsAdmin(t *testing.T) {
	w := newWorld(t)
	_, err := w.run("hefei-clerk", func(s domain.State) (any, error) {
		return domain.BindRole(s, w.ids["hefei-clerk"].ClientID(), record.RoleAuditor, "")
	})
	wantCode(t, err, record.CodeForbidden)
	_, err = w.run("hefei-admin", func(s domain.State) (any, error) { return domain.BindRole(s, "x509::CN=a::CN=b", "superuser", "") })
	wantCode(t, err, record.CodeInvalidArgument)
	_, err = w.run("hefei-admin", func(s domain.State) (any, error) {
		return domain.BindRole(s, "x509::CN=a::CN=b", record.RoleIssuer, "")
	})
	wantCode(t, err, record.CodeInvalidArgument)
	b := w.must("hefei-admin", func(s domain.State) (any, error) {
		return domain.BindRole(s, w.ids["hefei-clerk"].ClientID(), record.RoleClerk, "")
	}).(*record.RoleBinding)
	if b.MSPID != "HefeiMSP" || b.GrantedBy != w.ids["hefei-admin"].ClientID() || !b.UpdatedAt.Equal(w.now) {
		t.Errorf("binding = %+v", b)
	}
	// A Wuhu admin binding the same client ID binds it under Wuhu, which
	// gives the Hefei identity nothing.
	w.must("wuhu-admin", func(s domain.State) (any, error) {
		return domain.BindRole(s, w.ids["hefei-clerk"].ClientID(), record.RoleAuditor, "")
	})
	_, err = w.run("hefei-clerk", func(s domain.State) (any, error) { return domain.ListRoles(s, 0, "") })
	wantCode(t, err, record.CodeForbidden)
	w.must("hefei-admin", func(s domain.State) (any, error) {
		return domain.UnbindRole(s, w.ids["hefei-clerk"].ClientID(), record.RoleClerk)
	})
	_, err = w.run("hefei-admin", func(s domain.State) (any, error) {
		return domain.UnbindRole(s, w.ids["hefei-clerk"].ClientID(), record.RoleClerk)
	})
	wantCode(t, err, record.CodeInvalidTransition)
}

func TestGatewayEndpoints(t *testing.T) {
	w := newWorld(t)
	ep := w.must("hefei-admin", func(s domain.State) (any, error) {
		return domain.SetGatewayEndpoint(s, "12D3KooWxyz", []string{"/ip4/127.0.0.1/tcp/4001"})
	}).(*record.GatewayEndpoint)
	if ep.MSPID != "HefeiMSP" {
		t.Errorf("endpoint = %+v", ep)
	}
	for name, args := range map[string][]string{"no peer ID": {""}, "a slash in the peer ID": {"a/b"}, "no address": {"p"}, "a host:port": {"p", "127.0.0.1:1"}} {
		_, err := w.run("hefei-admin", func(s domain.State) (any, error) { return domain.SetGatewayEndpoint(s, args[0], args[1:]) })
		if record.CodeOf(err) != record.CodeInvalidArgument {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := w.run("hefei-admin", func(s domain.State) (any, error) { return domain.GetGatewayEndpoint(s, "NanjingMSP") })
	wantCode(t, err, record.CodeNotFound)
}

// A verifier's evidence is the licence with the grant it names and the
// seal key that sealed it, read in one query; an unknown licence is
// NOT_FOUND.
func TestVerificationEvidenceReadsTheLicenceItsGrantAndSealKeyTogether(t *testing.T) {
	w := newWorld(t).setUp()
	l := w.issue("BL-0001")
	got := w.must("wuhu-verifier", func(s domain.State) (any, error) { return domain.VerificationEvidence(s, "BL-0001") }).(*record.Evidence)
	if got.Licence == nil || got.Licence.ID != l.ID || got.Grant == nil || got.Grant.GrantID != l.GrantID ||
		got.SealKey == nil || got.SealKey.KeyID != l.SealKeyID {
		t.Fatalf("evidence = %+v", got)
	}
	_, err := w.run("wuhu-verifier", func(s domain.State) (any, error) { return domain.VerificationEvidence(s, "BL-NONE") })
	wantCode(t, err, record.CodeNotFound)
}
