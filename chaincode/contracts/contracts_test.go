package contracts

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/fakestub"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// chain drives the assembled chaincode, through contractapi, on the fake
// ledger: arguments go in as strings, results and errors come out as a peer
// would return them.
type chain struct {
	t   testing.TB
	cc  *contractapi.ContractChaincode
	l   *fakestub.Ledger
	now time.Time
	ids map[string]*fakestub.Identity
}

func newChain(t testing.TB) *chain {
	t.Helper()
	cc, err := New()
	if err != nil {
		t.Fatal(err)
	}
	c := &chain{t: t, cc: cc, l: fakestub.New("anhui"), now: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), ids: map[string]*fakestub.Identity{}}
	for _, s := range []struct {
		name, msp string
		admin     bool
	}{{"anhui-admin", "AnhuiMSP", true}, {"hefei-admin", "HefeiMSP", true}, {"hefei-issuer", "HefeiMSP", false}, {"wuhu-verifier", "WuhuMSP", false}, {"wuhu-admin", "WuhuMSP", true}, {"bengbu-admin", "BengbuMSP", true}} {
		id, err := fakestub.NewIdentity(s.msp, s.name, s.admin)
		if err != nil {
			t.Fatal(err)
		}
		c.ids[s.name] = id
	}
	c.govern()
	return c
}

// anhuiMembers is the first membership of anhui: the province and its two
// cities.
var anhuiMembers = []record.Organisation{{MSPID: "AnhuiMSP", Province: "AnhuiMSP", Prefix: "34"},
	{MSPID: "HefeiMSP", Province: "AnhuiMSP"}, {MSPID: "WuhuMSP", Province: "AnhuiMSP"}}

// govern configures the channel with anhui's organisations and has the
// admins of two of them approve its first membership.
func (c *chain) govern() {
	c.l.Configure(Name, "AnhuiMSP", "HefeiMSP", "WuhuMSP")
	c.must("anhui-admin", "registry:ApproveMembership", jsonArg(c.t, anhuiMembers))
	c.must("hefei-admin", "registry:ApproveMembership", jsonArg(c.t, anhuiMembers))
}

// call invokes fn with args as who and commits on success, endorsed by all.
func (c *chain) call(who, fn string, args ...string) (string, error) {
	c.t.Helper()
	c.now = c.now.Add(time.Second)
	tx := c.l.Begin(c.ids[who].Serialize(), c.now, append([]string{fn}, args...)...)
	resp := c.cc.Invoke(tx)
	if resp.Status != 200 {
		return "", &wireError{resp.Message}
	}
	if err := tx.Commit("AnhuiMSP", "HefeiMSP", "WuhuMSP"); err != nil {
		return "", err
	}
	return string(resp.Payload), nil
}

type wireError struct{ msg string }

func (e *wireError) Error() string { return e.msg }

func (c *chain) must(who, fn string, args ...string) string {
	c.t.Helper()
	out, err := c.call(who, fn, args...)
	if err != nil {
		c.t.Fatalf("%s %s: %v", who, fn, err)
	}
	return out
}

func jsonArg(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// setUp defines a type, accredits Hefei's agency, registers its seal and
// binds roles, all through the contracts.
func (c *chain) setUp(seal *gm.PrivateKey) {
	lt := record.LicenceType{Code: "business-licence", Name: "营业执照", MaxValidityDays: 3650,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}
	c.must("anhui-admin", "registry:PutLicenceType", jsonArg(c.t, lt))
	c.must("anhui-admin", "registry:GrantAccreditation", jsonArg(c.t, record.Accreditation{AgencyID: "hefei-amr", MSPID: "HefeiMSP",
		Types: []string{"business-licence"}, Region: "340100", ValidFrom: c.now.Add(-time.Hour), ValidTo: c.now.AddDate(1, 0, 0)}))
	c.must("hefei-admin", "registry:RegisterSealKey", jsonArg(c.t, record.SealKey{KeyID: "seal-1", AgencyID: "hefei-amr",
		PublicKey: seal.Public().Hex(), ValidFrom: c.now.Add(-time.Hour), ValidTo: c.now.AddDate(1, 0, 0)}))
	var me Identity
	if err := json.Unmarshal([]byte(c.must("hefei-issuer", "registry:WhoAmI")), &me); err != nil {
		c.t.Fatal(err)
	}
	c.must("hefei-admin", "registry:BindRole", me.ClientID, "issuer", "hefei-amr")
	c.must("wuhu-admin", "registry:BindRole", c.ids["wuhu-verifier"].ClientID(), "verifier", "")
}

func issueRequest(t testing.TB, seal *gm.PrivateKey, holder *gm.PrivateKey, id string, at time.Time) record.IssueRequest {
	d, err := credential.FieldDigestOf(id, "name", []byte("0123456789abcdef"), "合肥示例")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := credential.HolderPseudonym([]byte("province-secret-salt"), "340104199001011234")
	content := credential.Content{ID: id, Type: "business-licence", AgencyID: "hefei-amr", Region: "340100", SealKeyID: "seal-1",
		HolderPseudonym: p, HolderPublicKey: holder.Public().Hex(), Fields: []credential.FieldDigest{{Name: "name", Digest: d}},
		ValidFrom: at.Truncate(time.Second).Add(-time.Hour), ValidTo: at.Truncate(time.Second).AddDate(3, 0, 0)}
	sig, err := credential.Sign(seal, content)
	if err != nil {
		t.Fatal(err)
	}
	return record.IssueRequest{Content: content, Signature: hex.EncodeToString(sig)}
}

func TestTheLicenceLifecycleThroughTheContracts(t *testing.T) {
	c := newChain(t)
	seal, _ := gm.GenerateKey()
	holder, _ := gm.GenerateKey()
	c.setUp(seal)
	req := issueRequest(t, seal, holder, "BL-1", c.now)
	c.must("hefei-issuer", "licence:Issue", jsonArg(t, req))

	var l record.Licence
	if err := json.Unmarshal([]byte(c.must("wuhu-verifier", "licence:Get", "BL-1")), &l); err != nil {
		t.Fatal(err)
	}
	if l.Status != record.StatusActive || l.Signature != req.Signature {
		t.Errorf("licence = %+v", l)
	}
	_, err := c.call("wuhu-verifier", "licence:Revoke", "BL-1", "FRAUD", "")
	if record.CodeOf(err) != record.CodeForbidden {
		t.Errorf("a Wuhu verifier revoked: %v", err)
	}
	c.must("hefei-issuer", "licence:Revoke", "BL-1", "FRAUD", c.now.Add(-time.Minute).Format(time.RFC3339))
	var a record.StatusAnswer
	if err := json.Unmarshal([]byte(c.must("wuhu-verifier", "licence:StatusAt", "BL-1", c.now.Format(time.RFC3339))), &a); err != nil {
		t.Fatal(err)
	}
	if a.Status != record.StatusRevoked {
		t.Errorf("status now = %s", a.Status)
	}
	var h []record.Version
	if err := json.Unmarshal([]byte(c.must("wuhu-verifier", "licence:History", "BL-1")), &h); err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[1].Licence.Status != record.StatusRevoked || h[0].TxID == h[1].TxID {
		t.Errorf("history = %+v", h)
	}
	events := c.l.Events()
	if last := events[len(events)-1]; last.Name != domain.EventLicenceStatusChanged {
		t.Errorf("last event %s", last.Name)
	}
}

func TestMalformedArgumentsGetStableCodes(t *testing.T) {
	c := newChain(t)
	tests := []struct {
		name string
		fn   string
		args []string
		want record.Code
	}{
		{"unknown fields", "registry:PutLicenceType", []string{`{"code":"x","surprise":1}`}, record.CodeInvalidArgument},
		{"not JSON", "licence:Issue", []string{`{"content":`}, record.CodeInvalidArgument},
		{"trailing data", "licence:Issue", []string{`{} {}`}, record.CodeInvalidArgument},
		{"a wrong type", "registry:GrantAccreditation", []string{`{"types":"x"}`}, record.CodeInvalidArgument},
		{"an oversized argument", "licence:Issue", []string{`"` + strings.Repeat("a", MaxArg) + `"`}, record.CodeTooLarge},
		{"a bad time", "licence:StatusAt", []string{"BL-1", "yesterday"}, record.CodeInvalidArgument},
		{"no time", "licence:StatusAt", []string{"BL-1", ""}, record.CodeInvalidArgument},
		{"a bad page size", "licence:ListByIssuer", []string{"hefei-amr", "ten", ""}, record.CodeInvalidArgument},
		{"addresses that are not a list", "registry:SetGatewayEndpoint", []string{"p", `"/ip4/1.2.3.4/tcp/1"`}, record.CodeInvalidArgument},
		{"an access request with an unknown field", "share:RecordAccess", []string{`{"authorizationId":"A","why":"x"}`}, record.CodeInvalidArgument},
		{"a denial that is a list", "share:RecordDenial", []string{`[]`}, record.CodeInvalidArgument},
		{"a dataset with an unknown field", "share:RegisterDataset", []string{`{"id":"d","owner2":"x"}`}, record.CodeInvalidArgument},
		{"a trace with a bad time", "audit:Trace", []string{`{"by":"time","from":"noon"}`}, record.CodeInvalidArgument},
		{"bodies too large to verify", "audit:Verify", []string{"tx1", strings.Repeat("a", MaxBatchArg), "b"}, record.CodeTooLarge},
		{"a handoff with a numeric deadline", "handoff:Open", []string{`{"id":"H","deadline":5}`}, record.CodeInvalidArgument},
		{"a handoff list with a bad status", "handoff:List", []string{"AnhuiMSP", "lost", "", ""}, record.CodeInvalidArgument},
		{"a withdrawal by agency ID, not grant ID", "registry:WithdrawAccreditation", []string{"hefei-amr", "REORGANISATION"}, record.CodeInvalidArgument},
		{"a grant ID with a short sequence", "registry:GetGrant", []string{"hefei-amr:1"}, record.CodeInvalidArgument},
		{"a grant ID with a bad agency", "registry:GetGrant", []string{"hefei amr:000001"}, record.CodeInvalidArgument},
		{"a grant in force without a time", "registry:GrantAt", []string{"hefei-amr", "t", "340100", ""}, record.CodeInvalidArgument},
		{"a grant in force at a bad time", "registry:GrantAt", []string{"hefei-amr", "t", "340100", "soon"}, record.CodeInvalidArgument},
		{"an agency that was never accredited", "registry:GetAgency", []string{"nobody"}, record.CodeNotAccredited},
		{"a grant check of no licence", "licence:CheckGrant", []string{"BL-404"}, record.CodeNotFound},
		{"a membership that is not a list", "registry:ApproveMembership", []string{`{"mspId":"AnhuiMSP"}`}, record.CodeInvalidArgument},
		{"a first membership again", "registry:ApproveMembership", []string{jsonArg(t, anhuiMembers)}, record.CodeAlreadyExists},
		{"a member with an unknown field", "registry:AddMember", []string{`{"mspId":"BengbuMSP","province":"AnhuiMSP","city":"x"}`}, record.CodeInvalidArgument},
		{"a member already in", "registry:AddMember", []string{`{"mspId":"WuhuMSP","province":"AnhuiMSP"}`}, record.CodeAlreadyExists},
		{"the removal of no member", "registry:RemoveMember", []string{"BengbuMSP"}, record.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.call("anhui-admin", tt.fn, tt.args...)
			if record.CodeOf(err) != tt.want {
				t.Errorf("%s: %v, want %s", tt.fn, err, tt.want)
			}
		})
	}
}

func TestGrantsThroughTheContracts(t *testing.T) {
	c := newChain(t)
	seal, _ := gm.GenerateKey()
	holder, _ := gm.GenerateKey()
	c.setUp(seal)
	c.must("hefei-issuer", "licence:Issue", jsonArg(t, issueRequest(t, seal, holder, "BL-1", c.now)))
	c.must("anhui-admin", "registry:WithdrawAccreditation", "hefei-amr:000001", "REORGANISATION")
	var g record.Accreditation
	if err := json.Unmarshal([]byte(c.must("anhui-admin", "registry:GrantAccreditation", jsonArg(t, record.Accreditation{AgencyID: "hefei-amr", MSPID: "HefeiMSP",
		Types: []string{"business-licence"}, Region: "340100", ValidFrom: c.now, ValidTo: c.now.AddDate(1, 0, 0)}))), &g); err != nil {
		t.Fatal(err)
	}
	if g.GrantID != "hefei-amr:000002" {
		t.Errorf("the second grant is %q", g.GrantID)
	}
	var check record.GrantCheck
	if err := json.Unmarshal([]byte(c.must("wuhu-verifier", "licence:CheckGrant", "BL-1")), &check); err != nil {
		t.Fatal(err)
	}
	if !check.InForce || check.GrantID != "hefei-amr:000001" {
		t.Errorf("grant check %+v", check)
	}
	var at record.Accreditation
	if err := json.Unmarshal([]byte(c.must("wuhu-verifier", "registry:GrantAt", "hefei-amr", "business-licence", "340104", c.now.Format(time.RFC3339))), &at); err != nil {
		t.Fatal(err)
	}
	if at.GrantID != g.GrantID {
		t.Errorf("grant in force now %s", at.GrantID)
	}
	var ag record.AgencyGrants
	if err := json.Unmarshal([]byte(c.must("wuhu-verifier", "registry:GetAgency", "hefei-amr")), &ag); err != nil {
		t.Fatal(err)
	}
	if len(ag.Grants) != 2 || ag.MSPID != "HefeiMSP" {
		t.Errorf("agency %+v", ag)
	}
}

// TestTheMembershipThroughTheContracts: an organisation the configuration
// admits asks to join as a province's, the province adds it and, once
// evicted, removes it; GetMembership and
// MembershipHistory answer every client.
func TestTheMembershipThroughTheContracts(t *testing.T) {
	c := newChain(t)
	c.l.Configure(Name, "AnhuiMSP", "BengbuMSP", "HefeiMSP", "WuhuMSP")
	bengbu := `{"mspId":"BengbuMSP","province":"AnhuiMSP"}`
	c.must("bengbu-admin", "registry:RequestMembership", bengbu)
	c.must("anhui-admin", "registry:AddMember", bengbu)
	c.l.Configure(Name, "AnhuiMSP", "HefeiMSP", "WuhuMSP") // Bengbu's eviction
	c.must("anhui-admin", "registry:RemoveMember", "BengbuMSP")
	var m record.Membership
	if err := json.Unmarshal([]byte(c.must("wuhu-verifier", "registry:GetMembership")), &m); err != nil {
		t.Fatal(err)
	}
	if m.Revision != 3 || len(m.Orgs) != 3 || m.Change != (record.MembershipChange{Op: record.MembershipRemove, MSPID: "BengbuMSP"}) {
		t.Errorf("membership %+v", m)
	}
	var h []record.Membership
	if err := json.Unmarshal([]byte(c.must("hefei-issuer", "registry:MembershipHistory")), &h); err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, v := range h {
		ops = append(ops, fmt.Sprintf("%d %s %s", v.Revision, v.Change.Op, v.Change.MSPID))
	}
	if want := []string{"1 bootstrap ", "2 add BengbuMSP", "3 remove BengbuMSP"}; !slices.Equal(ops, want) {
		t.Errorf("history %q, want %q", ops, want)
	}
}

func TestOnlyTransactionsAreExported(t *testing.T) {
	c := newChain(t)
	_, err := c.call("anhui-admin", "licence:GetEvaluateTransactions")
	if err == nil {
		t.Error("a contract helper is callable as a transaction")
	}
	if _, err := c.call("anhui-admin", "registry:Version"); err != nil {
		t.Errorf("Version: %v", err)
	}
}

// TestExtraArgumentsAreRefused: a transaction called with more arguments
// than it takes is refused INVALID_ARGUMENT, in any contract, and changes
// nothing.
func TestExtraArgumentsAreRefused(t *testing.T) {
	c := newChain(t)
	c.l.Configure(Name, "AnhuiMSP", "BengbuMSP", "HefeiMSP", "WuhuMSP")
	for _, call := range [][]string{
		{"bengbu-admin", "registry:RequestMembership", `{"mspId":"BengbuMSP","province":"AnhuiMSP"}`, "x"},
		{"wuhu-verifier", "GetMembership", ""},
		{"wuhu-verifier", "licence:Get", "BL-0001", "x"},
	} {
		_, err := c.call(call[0], call[1], call[2:]...)
		if record.CodeOf(err) != record.CodeInvalidArgument {
			t.Errorf("%s with %d arguments: %v, want INVALID_ARGUMENT", call[1], len(call)-2, err)
		}
	}
	if _, err := c.call("anhui-admin", "registry:AddMember", `{"mspId":"BengbuMSP","province":"AnhuiMSP"}`); record.CodeOf(err) != record.CodeForbidden {
		t.Errorf("AddMember after a refused request: %v, want FORBIDDEN (no request recorded)", err)
	}
}
