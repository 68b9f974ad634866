package domain_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"github.com/wanledger/wanledger/chaincode/stubstate"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// world is the anhui channel in a fake ledger, with the identities and the
// set-up most tests need: a licence type owned by Anhui, an accredited Hefei
// agency with a seal key, and an issuer bound to it.
type world struct {
	t      testing.TB
	l      *fakestub.Ledger
	now    time.Time
	ids    map[string]*fakestub.Identity
	seal   *gm.PrivateKey
	holder *gm.PrivateKey
}

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

const (
	agency  = "hefei-amr"
	typeBiz = "business-licence"
	sealID  = "hefei-amr-seal-1"
	grant1  = agency + ":000001" // the agency's first grant, made by setUp
)

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, l: governedLedger(t, "anhui"), now: t0, ids: map[string]*fakestub.Identity{}}
	for _, spec := range []struct {
		name, msp string
		admin     bool
	}{
		{"anhui-admin", "AnhuiMSP", true}, {"hefei-admin", "HefeiMSP", true}, {"wuhu-admin", "WuhuMSP", true},
		{"shanghai-admin", "ShanghaiMSP", true}, {"jiangsu-admin", "JiangsuMSP", true}, {"hefei-clerk", "HefeiMSP", false}, {"hefei-issuer", "HefeiMSP", false},
		{"wuhu-issuer", "WuhuMSP", false}, {"hefei-verifier", "HefeiMSP", false}, {"wuhu-verifier", "WuhuMSP", false},
		{"hefei-owner", "HefeiMSP", false}, {"wuhu-requester", "WuhuMSP", false}, {"anhui-auditor", "AnhuiMSP", false},
		{"wuhu-clerk", "WuhuMSP", false}, {"shanghai-clerk", "ShanghaiMSP", false},
	} {
		id, err := fakestub.NewIdentity(spec.msp, spec.name, spec.admin)
		if err != nil {
			t.Fatal(err)
		}
		w.ids[spec.name] = id
	}
	var err error
	if w.seal, err = gm.GenerateKey(); err != nil {
		t.Fatal(err)
	}
	if w.holder, err = gm.GenerateKey(); err != nil {
		t.Fatal(err)
	}
	return w
}

// setUp defines the type, accredits the agency, registers its seal key and
// binds the issuer and verifier roles.
func (w *world) setUp() *world {
	w.t.Helper()
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, businessType()) })
	food := businessType()
	food.Code, food.Name = "food-licence", "食品经营许可证"
	w.must("anhui-admin", func(s domain.State) (any, error) { return domain.PutLicenceType(s, food) })
	w.must("anhui-admin", func(s domain.State) (any, error) {
		return domain.GrantAccreditation(s, record.Accreditation{AgencyID: agency, MSPID: "HefeiMSP", Types: []string{typeBiz},
			Region: "340100", ValidFrom: t0.Add(-24 * time.Hour), ValidTo: t0.AddDate(2, 0, 0)})
	})
	w.must("hefei-admin", func(s domain.State) (any, error) {
		return domain.RegisterSealKey(s, record.SealKey{KeyID: sealID, AgencyID: agency, PublicKey: w.seal.Public().Hex(),
			ValidFrom: t0.Add(-time.Hour), ValidTo: t0.AddDate(1, 0, 0)})
	})
	w.bind("hefei-admin", "hefei-issuer", record.RoleIssuer, agency)
	w.bind("hefei-admin", "hefei-verifier", record.RoleVerifier, "")
	w.bind("wuhu-admin", "wuhu-verifier", record.RoleVerifier, "")
	w.bind("wuhu-admin", "wuhu-issuer", record.RoleIssuer, "wuhu-amr")
	return w
}

func businessType() record.LicenceType {
	return record.LicenceType{Code: typeBiz, Name: "营业执照", MaxValidityDays: 3650, MutualRecognition: true,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true},
			{Name: "creditCode", Type: record.FieldString, Required: true}, {Name: "capital", Type: record.FieldNumber}}}
}

func (w *world) bind(admin, who string, role record.Role, agencyID string) {
	w.t.Helper()
	w.must(admin, func(s domain.State) (any, error) {
		return domain.BindRole(s, w.ids[who].ClientID(), role, agencyID)
	})
}

// run executes f as a transaction by the named identity and commits it,
// endorsed by every member of the world's channel, if f succeeds.
func (w *world) run(who string, f func(domain.State) (any, error)) (any, error) {
	return w.runEndorsed(who, w.l.Orgs(), f)
}

func (w *world) runEndorsed(who string, endorsers []string, f func(domain.State) (any, error)) (any, error) {
	w.t.Helper()
	id, ok := w.ids[who]
	if !ok {
		w.t.Fatalf("no identity %s", who)
	}
	w.now = w.now.Add(time.Second)
	tx := w.l.Begin(id.Serialize(), w.now)
	ci, err := cid.New(tx)
	if err != nil {
		w.t.Fatal(err)
	}
	v, err := f(domain.Memo(stubstate.New(tx, ci)))
	if err != nil {
		if len(tx.Writes()) != 0 && record.CodeOf(err) != record.CodeInternal {
			// Writes of a refused transaction never commit; say so loudly if
			// a refusal wrote first, so the rule's order is looked at.
			w.t.Logf("note: %v came after %d writes", err, len(tx.Writes()))
		}
		return nil, err
	}
	if n := tx.EventCount(); n != 1 && len(tx.Writes()) > 0 {
		w.t.Errorf("a write transaction set %d events, want exactly 1", n)
	}
	if err := tx.Commit(endorsers...); err != nil {
		return nil, err
	}
	return v, nil
}

func (w *world) must(who string, f func(domain.State) (any, error)) any {
	w.t.Helper()
	v, err := w.run(who, f)
	if err != nil {
		w.t.Fatalf("%s: %v", who, err)
	}
	return v
}

// content makes licence content with digests of real salted fields.
func (w *world) content(id string) credential.Content {
	w.t.Helper()
	pseudonym, err := credential.HolderPseudonym([]byte("anhui-province-secret-salt"), "340104199001011234")
	if err != nil {
		w.t.Fatal(err)
	}
	c := credential.Content{ID: id, Type: typeBiz, AgencyID: agency, Region: "340104", SealKeyID: sealID,
		HolderPseudonym: pseudonym, HolderPublicKey: w.holder.Public().Hex(),
		ValidFrom: t0, ValidTo: t0.AddDate(5, 0, 0)}
	for _, f := range []struct{ name, value string }{{"creditCode", "91340100MA2XXXXX1Q"}, {"name", "合肥示例科技有限公司"}} {
		salt := make([]byte, 16)
		rand.Read(salt)
		d, err := credential.FieldDigestOf(id, f.name, salt, f.value)
		if err != nil {
			w.t.Fatal(err)
		}
		c.Fields = append(c.Fields, credential.FieldDigest{Name: f.name, Digest: d})
	}
	return c
}

func (w *world) request(c credential.Content) record.IssueRequest {
	w.t.Helper()
	sig, err := credential.Sign(w.seal, c)
	if err != nil {
		w.t.Fatal(err)
	}
	return record.IssueRequest{Content: c, Signature: hex.EncodeToString(sig)}
}

func (w *world) issue(id string) *record.Licence {
	w.t.Helper()
	return w.must("hefei-issuer", func(s domain.State) (any, error) { return domain.Issue(s, w.request(w.content(id))) }).(*record.Licence)
}

func wantCode(t testing.TB, err error, code record.Code) {
	t.Helper()
	if record.CodeOf(err) != code {
		t.Errorf("err = %v, want code %s", err, code)
	}
	if err != nil && !strings.HasPrefix(err.Error(), string(code)+": ") {
		t.Errorf("error %q does not start with its code", err)
	}
}

func lastEvent(t testing.TB, l *fakestub.Ledger) (string, map[string]any) {
	t.Helper()
	ev := l.Events()
	if len(ev) == 0 {
		t.Fatal("no events")
	}
	var env struct {
		Version int            `json:"version"`
		Type    string         `json:"type"`
		TxID    string         `json:"txId"`
		Payload map[string]any `json:"payload"`
	}
	e := ev[len(ev)-1]
	if err := json.Unmarshal(e.Payload, &env); err != nil {
		t.Fatal(err)
	}
	if env.Version != domain.EventVersion || env.Type != e.Name || env.TxID != e.TxID {
		t.Errorf("event envelope %+v does not match %s/%s", env, e.Name, e.TxID)
	}
	return e.Name, env.Payload
}

func ids(ls []*record.Licence) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.ID)
	}
	slices.Sort(out)
	return out
}
