package gateway

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
)

// registry sets up, through the API with the minimal bodies a client
// writes, a licence type, an accredited Hefei agency, its seal key and
// the role bindings of every demo identity; it returns the seal key.
func (w *world) registry(t *testing.T) *gm.PrivateKey {
	now := w.chain.Now()
	var typ api.Tx[record.LicenceType]
	w.must("ProvinceAdmin", http.MethodPut, "/v1/registry/types/business-licence", api.LicenceTypeRequest{Name: "营业执照", MaxValidityDays: 3650,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}, &typ)
	if typ.Data.Code != "business-licence" || typ.Data.Province != "AnhuiMSP" || typ.TxID == "" {
		t.Fatalf("type: %+v", typ)
	}
	var grant api.Tx[record.Accreditation]
	w.must("ProvinceAdmin", http.MethodPost, "/v1/registry/accreditations", api.AccreditationRequest{AgencyID: "hefei-amr", MSPID: "HefeiMSP",
		Types: []string{"business-licence"}, Region: "340100", ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(2, 0, 0)}, &grant)
	if grant.Data.GrantID != "hefei-amr:000001" || grant.Data.Province != "AnhuiMSP" {
		t.Fatalf("grant: %+v", grant.Data)
	}
	seal, _ := gm.GenerateKey()
	var key api.Tx[record.SealKey]
	w.must("Admin", http.MethodPost, "/v1/registry/seals", api.SealKeyRequest{KeyID: "seal-1", AgencyID: "hefei-amr", PublicKey: seal.Public().Hex(),
		ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(2, 0, 0)}, &key)
	if key.Data.MSPID != "HefeiMSP" || key.Data.PublicKey != seal.Public().Hex() {
		t.Fatalf("seal: %+v", key.Data)
	}
	for _, b := range []struct{ admin, as, role, agency string }{{"Admin", "Issuer", "issuer", "hefei-amr"}, {"Admin", "Verifier", "verifier", ""},
		{"Admin", "Owner", "data-owner", ""}, {"Admin", "Auditor", "auditor", ""}, {"Admin", "Clerk", "clerk", ""},
		{"WuhuAdmin", "WuhuRequester", "requester", ""}, {"WuhuAdmin", "WuhuClerk", "clerk", ""}} {
		var me api.Read[struct{ ClientID string }]
		w.must(b.as, http.MethodGet, "/v1/whoami", nil, &me)
		var rb api.Tx[record.RoleBinding]
		w.must(b.admin, http.MethodPost, "/v1/registry/roles", api.RoleRequest{ClientID: me.Data.ClientID, Role: b.role, AgencyID: b.agency}, &rb)
		if rb.Data.ClientID != me.Data.ClientID || string(rb.Data.Role) != b.role || rb.Data.GrantedBy == "" {
			t.Fatalf("binding: %+v", rb.Data)
		}
	}
	return seal
}

// sealed is an issue request for licence id, sealed by seal, with one field
// "name" and its salt.
func sealed(t *testing.T, seal *gm.PrivateKey, id string, now time.Time) (api.IssueRequest, string) {
	holder, _ := gm.GenerateKey()
	return sealedFor(t, seal, holder, id, now)
}

// sealedFor is sealed with the holder's key given.
func sealedFor(t *testing.T, seal, holder *gm.PrivateKey, id string, now time.Time) (api.IssueRequest, string) {
	salt := []byte("0123456789abcdef")
	d, err := credential.FieldDigestOf(id, "name", salt, "合肥示例")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := credential.HolderPseudonym([]byte("province-secret-salt"), "340104199001011234")
	c := credential.Content{ID: id, Type: "business-licence", AgencyID: "hefei-amr", Region: "340104", SealKeyID: "seal-1",
		HolderPseudonym: p, HolderPublicKey: holder.Public().Hex(), Fields: []credential.FieldDigest{{Name: "name", Digest: d}},
		ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(1, 0, 0)}
	sig, err := credential.Sign(seal, c)
	if err != nil {
		t.Fatal(err)
	}
	return api.IssueRequest{Content: c, Signature: hex.EncodeToString(sig)}, hex.EncodeToString(salt)
}

func TestRegistryEndpointsWithTheRealChaincode(t *testing.T) {
	w := newWorld(t)
	w.registry(t)
	var typ api.Read[record.LicenceType]
	w.must("Verifier", http.MethodGet, "/v1/registry/types/business-licence", nil, &typ)
	if typ.Source != "cache" || typ.Data.Name != "营业执照" || typ.BlockHeight == 0 {
		t.Errorf("type from the cache: %+v", typ)
	}
	w.must("Verifier", http.MethodGet, "/v1/registry/types/business-licence?fresh=true", nil, &typ)
	if typ.Source != "ledger" || typ.Data.MaxValidityDays != 3650 {
		t.Errorf("type from the ledger: %+v", typ)
	}
	var agency api.Read[record.AgencyGrants]
	w.must("Verifier", http.MethodGet, "/v1/registry/accreditations/hefei-amr", nil, &agency)
	if agency.Data.Province != "AnhuiMSP" || len(agency.Data.Grants) != 1 {
		t.Errorf("agency: %+v", agency.Data)
	}
	var grant api.Read[record.Accreditation]
	w.must("Verifier", http.MethodGet, "/v1/registry/grants/hefei-amr:000001", nil, &grant)
	if grant.Source != "cache" || grant.Data.Seq != 1 {
		t.Errorf("grant: %+v", grant)
	}
	var key api.Read[record.SealKey]
	w.must("Verifier", http.MethodGet, "/v1/registry/seals/seal-1?fresh=true", nil, &key)
	if key.Source != "ledger" || key.Data.AgencyID != "hefei-amr" {
		t.Errorf("seal: %+v", key)
	}
	next, _ := gm.GenerateKey()
	var rot api.Tx[record.Rotation]
	w.must("Admin", http.MethodPost, "/v1/registry/seals/seal-1/rotate", api.SealKeyRequest{KeyID: "seal-2", PublicKey: next.Public().Hex(),
		ValidTo: w.chain.Now().AddDate(1, 0, 0)}, &rot)
	if rot.Data.Old.SupersededBy != "seal-2" || rot.Data.New.AgencyID != "hefei-amr" {
		t.Errorf("rotation: %+v %+v", rot.Data.Old, rot.Data.New)
	}
	var rev api.Tx[record.SealKey]
	w.must("Admin", http.MethodPost, "/v1/registry/seals/seal-2/revoke", api.SealKeyRevocation{ReasonRequest: api.ReasonRequest{Reason: "KEY_LOST"}}, &rev)
	if rev.Data.Revocation == nil || rev.Data.Revocation.Reason != "KEY_LOST" {
		t.Errorf("revocation: %+v", rev.Data)
	}
	var me api.Read[struct{ ClientID string }]
	w.must("Clerk", http.MethodGet, "/v1/whoami", nil, &me)
	var unbound api.Tx[record.RoleBinding]
	w.must("Admin", http.MethodPost, "/v1/registry/roles/unbind", api.RoleUnbindRequest{ClientID: me.Data.ClientID, Role: "clerk"}, &unbound)
	if !unbound.Data.Revoked {
		t.Errorf("unbinding: %+v", unbound.Data)
	}
	if st, b := w.call("Clerk", http.MethodPost, "/v1/handoffs", api.HandoffRequest{ID: "H0", Target: "WuhuMSP", ServiceItem: "item",
		ApplicantPseudonym: strings.Repeat("ab", 32), Deadline: w.chain.Now().Add(time.Hour)}, nil); st != http.StatusForbidden {
		t.Errorf("an unbound clerk opened a handoff: %d %s", st, b)
	}
	var withdrawn api.Tx[record.Accreditation]
	w.must("ProvinceAdmin", http.MethodPost, "/v1/registry/grants/hefei-amr:000001/withdraw", api.ReasonRequest{Reason: "REORGANISATION"}, &withdrawn)
	if withdrawn.Data.Withdrawn == nil || withdrawn.Data.Withdrawn.Reason != "REORGANISATION" {
		t.Errorf("withdrawal: %+v", withdrawn.Data)
	}
}

func TestLicenceEndpointsWithTheRealChaincode(t *testing.T) {
	w := newWorld(t)
	seal := w.registry(t)
	one, salt := sealed(t, seal, "BL-1", w.chain.Now())
	var issued api.Tx[record.Licence]
	w.must("Issuer", http.MethodPost, "/v1/licences", one, &issued)
	if issued.Data.Status != record.StatusActive || issued.Data.GrantID != "hefei-amr:000001" || issued.Data.IssuerMSP != "HefeiMSP" {
		t.Fatalf("issued: %+v", issued.Data)
	}
	two, _ := sealed(t, seal, "BL-2", w.chain.Now())
	three, _ := sealed(t, seal, "BL-3", w.chain.Now())
	var batch api.Tx[record.BatchResult]
	w.must("Issuer", http.MethodPost, "/v1/licences/batch", []api.IssueRequest{two, three}, &batch)
	if batch.Data.Count != 2 {
		t.Fatalf("batch: %+v", batch.Data)
	}
	var got api.Read[record.Licence]
	w.must("Verifier", http.MethodGet, "/v1/licences/BL-1", nil, &got)
	if got.Source != "cache" || got.Data.Signature != one.Signature || got.BlockHeight != batch.BlockNumber+1 {
		t.Errorf("from the cache: %+v", got)
	}
	var v api.Verdict
	w.must("Verifier", http.MethodPost, "/v1/verify", api.VerifyRequest{LicenceID: "BL-1", Disclosed: []api.Disclosure{{Name: "name", Value: "合肥示例", Salt: salt}}}, &v)
	if !v.Valid || v.Source != "cache" {
		t.Errorf("verdict: %+v", v)
	}
	w.must("Verifier", http.MethodPost, "/v1/verify?fresh=true", api.VerifyRequest{LicenceID: "BL-1"}, &v)
	if !v.Valid || v.Source != "ledger" {
		t.Errorf("fresh verdict: %+v", v)
	}
	w.must("Verifier", http.MethodPost, "/v1/verify?fresh=true", api.VerifyRequest{LicenceID: "BL-NONE"}, &v)
	if v.Valid || len(v.Checks) != 1 || v.Checks[0].Name != api.CheckFound || v.Checks[0].OK {
		t.Errorf("fresh verdict of an unknown licence: %+v", v)
	}
	var changed api.Tx[record.Licence]
	w.must("Issuer", http.MethodPost, "/v1/licences/BL-1/suspend", api.StatusChangeRequest{ReasonRequest: api.ReasonRequest{Reason: "INVESTIGATION"}}, &changed)
	if changed.Data.Status != record.StatusSuspended {
		t.Errorf("suspended: %s", changed.Data.Status)
	}
	w.must("Issuer", http.MethodPost, "/v1/licences/BL-1/reinstate", api.StatusChangeRequest{ReasonRequest: api.ReasonRequest{Reason: "INVESTIGATION_CLOSED"}}, &changed)
	if changed.Data.Status != record.StatusActive {
		t.Errorf("reinstated: %s", changed.Data.Status)
	}
	resealed := one.Content
	resealed.ValidTo = resealed.ValidTo.AddDate(1, 0, 0)
	sig, err := credential.Sign(seal, resealed)
	if err != nil {
		t.Fatal(err)
	}
	w.must("Issuer", http.MethodPost, "/v1/licences/BL-1/renew", api.RenewRequest{ValidTo: resealed.ValidTo, SealKeyID: "seal-1", Signature: hex.EncodeToString(sig)}, &changed)
	if !changed.Data.ValidTo.Equal(resealed.ValidTo) {
		t.Errorf("renewed to %s", changed.Data.ValidTo)
	}
	w.must("Issuer", http.MethodPost, "/v1/licences/BL-2/revoke", api.StatusChangeRequest{ReasonRequest: api.ReasonRequest{Reason: "FRAUD"}}, &changed)
	if changed.Data.Status != record.StatusRevoked {
		t.Errorf("revoked: %s", changed.Data.Status)
	}
	var hist api.Read[[]record.Version]
	w.must("Verifier", http.MethodGet, "/v1/licences/BL-1/history", nil, &hist)
	if len(hist.Data) != 4 || hist.Source != "ledger" {
		t.Errorf("history of %d versions", len(hist.Data))
	}
	// A ledger read reports the peer's height asked just before it.
	if h, _ := w.chain.Height(t.Context()); hist.BlockHeight != h || h == 0 {
		t.Errorf("the history reports height %d; the ledger is at %d", hist.BlockHeight, h)
	}
	var st api.Read[record.StatusAnswer]
	w.must("Verifier", http.MethodGet, "/v1/licences/BL-2/status", nil, &st)
	if st.Data.Status != record.StatusRevoked {
		t.Errorf("status: %+v", st.Data)
	}
}

// The cursor case: a page's cursor brings the next page, not the first,
// though the chaincode's bookmark holds NUL bytes; a malformed one is 400.
func TestListCursorsBringTheNextPage(t *testing.T) {
	w := newWorld(t)
	seal := w.registry(t)
	var reqs []api.IssueRequest
	for _, id := range []string{"BL-1", "BL-2", "BL-3"} {
		r, _ := sealed(t, seal, id, w.chain.Now())
		reqs = append(reqs, r)
	}
	w.must("Issuer", http.MethodPost, "/v1/licences/batch", reqs, nil)
	var page1, page2 api.Read[record.Page[record.Licence]]
	w.must("Verifier", http.MethodGet, "/v1/licences?issuer=hefei-amr&limit=2", nil, &page1)
	if len(page1.Data.Items) != 2 || page1.Data.Bookmark == "" || strings.ContainsRune(page1.Data.Bookmark, 0) {
		t.Fatalf("page 1: %d items, cursor %q", len(page1.Data.Items), page1.Data.Bookmark)
	}
	w.must("Verifier", http.MethodGet, "/v1/licences?issuer=hefei-amr&limit=2&cursor="+page1.Data.Bookmark, nil, &page2)
	if len(page2.Data.Items) != 1 || page2.Data.Items[0].ID == page1.Data.Items[0].ID || page2.Data.Items[0].ID == page1.Data.Items[1].ID {
		t.Errorf("page 2 is not the next page: %+v", page2.Data.Items)
	}
	var byHolder api.Read[record.Page[record.Licence]]
	w.must("Verifier", http.MethodGet, "/v1/licences?holder="+reqs[0].Content.HolderPseudonym, nil, &byHolder)
	if len(byHolder.Data.Items) != 3 || byHolder.Data.Bookmark != "" {
		t.Errorf("by holder: %d items, cursor %q", len(byHolder.Data.Items), byHolder.Data.Bookmark)
	}
	var e api.Error
	st, b := w.call("Verifier", http.MethodGet, "/v1/licences?issuer=hefei-amr&cursor=%00%01", nil, nil)
	if json.Unmarshal(b, &e); st != http.StatusBadRequest || e.Code != api.CodeBadRequest {
		t.Errorf("a malformed cursor: %d %s", st, b)
	}
}

func TestSharingAndAuditEndpointsWithTheRealChaincode(t *testing.T) {
	w := newWorld(t)
	w.registry(t)
	now := w.chain.Now()
	var ds api.Tx[record.Dataset]
	w.must("Owner", http.MethodPost, "/v1/datasets", api.DatasetRequest{ID: "hukou", Description: "户籍",
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}, &ds)
	if ds.Data.Owner != "HefeiMSP" || ds.Data.Registrant == "" {
		t.Fatalf("dataset: %+v", ds.Data)
	}
	var dsGot api.Read[record.Dataset]
	w.must("Auditor", http.MethodGet, "/v1/datasets/hukou", nil, &dsGot)
	var dsList api.Read[record.Page[record.Dataset]]
	w.must("Auditor", http.MethodGet, "/v1/datasets", nil, &dsList)
	if dsGot.Data.ID != "hukou" || len(dsList.Data.Items) != 1 || dsList.Data.Bookmark != "" {
		t.Errorf("dataset read %+v, list %+v", dsGot.Data, dsList.Data)
	}
	var auth api.Tx[record.Authorization]
	w.must("Owner", http.MethodPost, "/v1/authorizations", api.AuthorizationRequest{ID: "A1", Requester: "WuhuMSP", DatasetID: "hukou",
		Fields: []string{"name"}, Purpose: "social-security", LegalBasis: "PIPL_13_3_LEGAL_DUTY", ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(1, 0, 0), MaxUses: 1}, &auth)
	if auth.Data.Owner != "HefeiMSP" || auth.Data.GrantedBy == "" || auth.Data.Uses != 0 {
		t.Fatalf("authorization: %+v", auth.Data)
	}
	var authGot api.Read[record.Authorization]
	w.must("WuhuRequester", http.MethodGet, "/v1/authorizations/A1", nil, &authGot)
	var auths api.Read[record.Page[record.Authorization]]
	w.must("Owner", http.MethodGet, "/v1/authorizations?owner=HefeiMSP", nil, &auths)
	if authGot.Data.Requester != "WuhuMSP" || len(auths.Data.Items) != 1 {
		t.Errorf("authorization read %+v, list %+v", authGot.Data, auths.Data)
	}
	gbk := []byte{0xd6, 0xd0, 0xce, 0xc4} // 中文 in GBK: not UTF-8
	hukou := record.DataRequest{AuthorizationID: "A1", DatasetID: "hukou", Fields: []string{"name"}, Purpose: "social-security"}
	access, err := w.recordAccess(hukou, gbk)
	if err != nil || access.Data.Kind != record.KindAccess {
		t.Fatalf("access: %+v %v", access.Data, err)
	}
	// The second use is over the limit: a denial on the trail.
	if over, err := w.recordAccess(hukou, gbk); err != nil || over.Data.Kind != record.KindDenial || over.Data.Reason != string(record.CodeUsesExhausted) {
		t.Errorf("an access over the limit: %+v %v", over.Data, err)
	}
	var denial api.Tx[record.AccessRecord]
	w.must("Owner", http.MethodPost, "/v1/denials", api.DenialRequest{Requester: "WuhuMSP", DatasetID: "hukou", Fields: []string{"name"},
		Purpose: "social-security", Reason: "BAD_SIGNATURE", DetailText: "签名不符"}, &denial)
	if denial.Data.Kind != record.KindDenial || denial.Data.DetailDigest != gm.SM3Hex([]byte("签名不符")) {
		t.Errorf("denial: %+v", denial.Data)
	}
	var trail api.Read[record.Page[record.AccessRecord]]
	w.must("Auditor", http.MethodGet, "/v1/audit/trace?by=dataset&key=hukou", nil, &trail)
	if len(trail.Data.Items) != 3 {
		t.Errorf("trace: %d records", len(trail.Data.Items))
	}

	// The GBK case: the body's bytes as base64 match byte for byte.
	request, err := access.Data.Signed.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var check api.Read[record.Verification]
	w.must("Auditor", http.MethodPost, "/v1/audit/verify", api.AccessCheckRequest{AccessID: access.Data.ID,
		RequestBase64: base64.StdEncoding.EncodeToString(request), ResponseBase64: base64.StdEncoding.EncodeToString(gbk)}, &check)
	if !check.Data.RequestMatches || !check.Data.ResponseMatches {
		t.Errorf("GBK body as base64: %+v", check.Data)
	}
	w.must("Auditor", http.MethodPost, "/v1/audit/verify", api.AccessCheckRequest{AccessID: access.Data.ID, Response: "中文"}, &check)
	if check.Data.ResponseMatches {
		t.Error("the UTF-8 text of a GBK body matched")
	}
	// One record by its ID, with its digests and signed request, for a
	// check of bodies of any size made by the auditor (audit verify).
	var one api.Read[record.AccessRecord]
	w.must("Auditor", http.MethodGet, "/v1/accesses/"+access.Data.ID, nil, &one)
	if one.Data.ID != access.Data.ID || one.Data.ResponseDigest != access.Data.ResponseDigest || one.Data.RequestDigest != access.Data.RequestDigest ||
		one.Data.Signed == nil || one.BlockHeight == 0 {
		t.Errorf("GET /v1/accesses/{id}: %+v", one)
	}
	var e api.Error
	if st, b := w.call("Auditor", http.MethodGet, "/v1/accesses/"+strings.Repeat("0", 64), nil, nil); json.Unmarshal(b, &e) != nil || st != http.StatusNotFound || e.Code != string(record.CodeNotFound) {
		t.Errorf("an access that is not there: %d %s", st, b)
	}
	st, b := w.call("Auditor", http.MethodPost, "/v1/audit/verify", api.AccessCheckRequest{AccessID: access.Data.ID, Request: "x", RequestBase64: "eA=="}, nil)
	if json.Unmarshal(b, &e); st != http.StatusBadRequest || e.Code != api.CodeBadRequest {
		t.Errorf("a body given twice: %d %s", st, b)
	}
	var revoked api.Tx[record.Authorization]
	w.must("Owner", http.MethodPost, "/v1/authorizations/A1/revoke", api.ReasonRequest{Reason: "PURPOSE_ACHIEVED"}, &revoked)
	if revoked.Data.Revocation == nil {
		t.Errorf("revocation: %+v", revoked.Data)
	}
}

func TestHandoffEndpointsWithTheRealChaincode(t *testing.T) {
	w := newWorld(t)
	w.registry(t)
	open := func(id string) {
		var h api.Tx[record.Handoff]
		w.must("Clerk", http.MethodPost, "/v1/handoffs", api.HandoffRequest{ID: id, Target: "WuhuMSP", ServiceItem: "social-security-transfer",
			ApplicantPseudonym: strings.Repeat("ab", 32), Deadline: w.chain.Now().Add(24 * time.Hour)}, &h)
		if h.Data.Origin != "HefeiMSP" || h.Data.Status != record.HandoffOpen || len(h.Data.History) != 1 {
			t.Fatalf("opened: %+v", h.Data)
		}
	}
	move := func(as, id, action string, body api.HandoffMove, want record.HandoffStatus) {
		var h api.Tx[record.Handoff]
		w.must(as, http.MethodPost, "/v1/handoffs/"+id+"/"+action, body, &h)
		if h.Data.Status != want {
			t.Errorf("%s: %s, want %s", action, h.Data.Status, want)
		}
	}
	open("H1")
	move("WuhuClerk", "H1", "accept", api.HandoffMove{}, record.HandoffAccepted)
	move("WuhuClerk", "H1", "start", api.HandoffMove{}, record.HandoffInProgress)
	move("WuhuClerk", "H1", "complete", api.HandoffMove{ResultDigest: strings.Repeat("cd", 32)}, record.HandoffCompleted)
	open("H2")
	move("WuhuClerk", "H2", "reject", api.HandoffMove{Reason: "INCOMPLETE_DOCUMENTS"}, record.HandoffRejected)
	open("H3")
	move("Clerk", "H3", "cancel", api.HandoffMove{Reason: "APPLICANT_WITHDREW"}, record.HandoffCancelled)
	var h api.Read[record.HandoffView]
	w.must("Clerk", http.MethodGet, "/v1/handoffs/H1", nil, &h)
	if h.Data.Status != record.HandoffCompleted || h.Data.Overdue {
		t.Errorf("read: %+v", h.Data)
	}
	var list api.Read[record.Page[record.HandoffView]]
	w.must("Clerk", http.MethodGet, "/v1/handoffs?org=HefeiMSP&status=rejected", nil, &list)
	if len(list.Data.Items) != 1 || list.Data.Items[0].ID != "H2" {
		t.Errorf("list: %+v", list.Data)
	}
}
