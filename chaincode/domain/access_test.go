package domain_test

import (
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/hashlist"
)

// signed completes a request as the signer's (its organisation and client
// ID, a fresh nonce and the next transaction's time, where unset) and signs
// it with the signer's certificate and key.
func (w *world) signed(signer string, r record.DataRequest) record.SignedRequest {
	w.t.Helper()
	id := w.ids[signer]
	if r.Requester == "" {
		r.Requester = id.MSPID
	}
	if r.RequesterID == "" {
		r.RequesterID = id.ClientID()
	}
	if r.Nonce == "" {
		n := make([]byte, record.NonceLen/2)
		rand.Read(n)
		r.Nonce = hex.EncodeToString(n)
	}
	if r.At.IsZero() {
		r.At = w.now.Add(time.Second)
	}
	if r.EphemeralKey == "" {
		r.EphemeralKey = ephemeralKey(w.t)
	}
	sr, err := record.Sign(r, id.PEM(), id.Sign)
	if err != nil {
		w.t.Fatal(err)
	}
	return sr
}

func ephemeralKey(t testing.TB) string {
	k, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k.Public().Hex()
}

// submitAccess has the recorder record an access of a signed request.
func (w *world) submitAccess(recorder string, r record.AccessRequest) (*record.AccessRecord, error) {
	v, err := w.run(recorder, func(s domain.State) (any, error) { return domain.RecordAccess(s, r) })
	if err != nil {
		return nil, err
	}
	return v.(*record.AccessRecord), nil
}

// access has Hefei's data-owner record the request Wuhu's requester signs,
// with the response digest of the body "response" (its SM3 hash list).
func (w *world) access(r record.DataRequest) (*record.AccessRecord, error) {
	return w.submitAccess("hefei-owner", record.AccessRequest{Signed: w.signed("wuhu-requester", r), ResponseDigest: hashlist.SumHex([]byte("response"))})
}

func (w *world) mustAccess(r record.DataRequest) *record.AccessRecord {
	w.t.Helper()
	rec, err := w.access(r)
	if err != nil {
		w.t.Fatal(err)
	}
	return rec
}

func TestAnAccessIsRecordedByTheProviderWithTheRequestersSignedRequest(t *testing.T) {
	w := sharing(t)
	signed := w.signed("wuhu-requester", access("address"))
	nonce := "0123456789abcdef0123456789abcdef"
	rec, err := w.submitAccess("hefei-owner", record.AccessRequest{Signed: signed, ResponseDigest: digest("rows"), SaltNonce: nonce})
	if err != nil {
		t.Fatal(err)
	}
	if rec.SaltNonce != nonce {
		t.Errorf("the record keeps salt nonce %q, want %q", rec.SaltNonce, nonce)
	}
	reqDigest, err := signed.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if rec.Kind != record.KindAccess || rec.RecordedBy != "HefeiMSP" || rec.Requester != "WuhuMSP" || rec.RequesterID != w.ids["wuhu-requester"].ClientID() ||
		rec.RequestDigest != reqDigest || rec.ResponseDigest != digest("rows") || rec.Signed == nil || rec.Signed.Signature != signed.Signature {
		t.Errorf("record = %+v", rec)
	}
	// An auditor re-checks the stored signature and digest from the record alone.
	if _, err := rec.Signed.Verify(); err != nil {
		t.Errorf("the stored request no longer verifies: %v", err)
	}
	if d, _ := rec.Signed.Digest(); d != rec.RequestDigest {
		t.Errorf("the stored request hashes to %s, the record says %s", d, rec.RequestDigest)
	}
	got := w.must("wuhu-requester", func(s domain.State) (any, error) { return domain.GetAccess(s, rec.ID) }).(*record.AccessRecord)
	if got.ID != rec.ID || got.ResponseDigest != rec.ResponseDigest {
		t.Errorf("GetAccess = %+v", got)
	}
	_, err = w.run("wuhu-clerk", func(s domain.State) (any, error) { return domain.GetAccess(s, "no-such-tx") })
	wantCode(t, err, record.CodeNotFound)
	for name, id := range w.ids {
		if got, want := record.ClientIDOf(id.Cert), id.ClientID(); got != want {
			t.Errorf("%s: ClientIDOf = %q, the shim says %q", name, got, want)
		}
	}
}

// Malformed or unsigned requests, a recorder or signer who may not, and a
// replayed request are errors: nothing is written, no use counted.
func TestRecordAccessErrors(t *testing.T) {
	tests := []struct {
		name     string
		recorder string
		signer   string
		edit     func(*record.DataRequest)
		after    func(*world, *record.AccessRequest) // after signing
		want     record.Code
	}{
		{"the requester recording its own access", "wuhu-requester", "", nil, nil, record.CodeForbidden},
		{"an owner-organisation identity without the data-owner role", "hefei-clerk", "", nil, nil, record.CodeForbidden},
		{"a signer without the requester role", "", "wuhu-clerk", nil, nil, record.CodeForbidden},
		{"a request naming another requester organisation", "", "", func(r *record.DataRequest) { r.Requester = "AnhuiMSP" }, nil, record.CodeForbidden},
		{"no such authorization", "", "", func(r *record.DataRequest) { r.AuthorizationID = "AUTH-9" }, nil, record.CodeNotFound},
		{"an unregistered dataset", "", "", func(r *record.DataRequest) { r.DatasetID = "anhui.health" }, nil, record.CodeNotFound},
		{"another owner's dataset", "", "", func(r *record.DataRequest) { r.DatasetID = "wuhu.census" }, nil, record.CodeInvalidArgument},
		{"a response digest that is not SM3 hex", "", "", nil, func(_ *world, r *record.AccessRequest) { r.ResponseDigest = "abc" }, record.CodeInvalidArgument},
		{"a salt nonce that is not 16 bytes of hex", "", "", nil, func(_ *world, r *record.AccessRequest) { r.SaltNonce = "ABCD" }, record.CodeInvalidArgument},
		{"too many subjects", "", "", func(r *record.DataRequest) { r.Subjects = make([]string, 101) }, nil, record.CodeTooLarge},
		{"a nonce that is not hex", "", "", func(r *record.DataRequest) { r.Nonce = "zz" }, nil, record.CodeInvalidArgument},
		{"a request signed an hour ago", "", "", func(r *record.DataRequest) { r.At = t0.Add(-time.Hour) }, nil, record.CodeInvalidArgument},
		{"a request changed after signing", "", "", nil, func(_ *world, r *record.AccessRequest) { r.Signed.Request.Fields = []string{"address", "members"} }, record.CodeBadSignature},
		{"another identity's certificate", "", "", nil, func(w *world, r *record.AccessRequest) { r.Signed.Certificate = string(w.ids["wuhu-clerk"].PEM()) }, record.CodeBadSignature},
		{"a signature that is not base64", "", "", nil, func(_ *world, r *record.AccessRequest) { r.Signed.Signature = "!!" }, record.CodeInvalidArgument},
		{"no certificate", "", "", nil, func(_ *world, r *record.AccessRequest) { r.Signed.Certificate = "" }, record.CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := sharing(t)
			census := household()
			census.ID = "wuhu.census"
			w.must("wuhu-admin", func(s domain.State) (any, error) { return domain.RegisterDataset(s, census) })
			r := access("address")
			if tt.edit != nil {
				tt.edit(&r)
			}
			recorder, signer := or(tt.recorder, "hefei-owner"), or(tt.signer, "wuhu-requester")
			if signer != "wuhu-requester" {
				r.Requester = ""
			}
			ar := record.AccessRequest{Signed: w.signed(signer, r), ResponseDigest: digest("response")}
			if tt.after != nil {
				tt.after(w, &ar)
			}
			_, err := w.submitAccess(recorder, ar)
			wantCode(t, err, tt.want)
			a := w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GetAuthorization(s, "AUTH-1") }).(*record.Authorization)
			if a.Uses != 0 {
				t.Errorf("a refused access counted a use")
			}
		})
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// A signed request is recorded once: replayed, by the provider or anyone,
// it is REPLAYED, whether its first recording was an access or a denial;
// the nonce is the authorization's, so another authorization may reuse it.
func TestASignedRequestIsRecordedOnce(t *testing.T) {
	w := sharing(t)
	granted := w.signed("wuhu-requester", access("address"))
	refused := access("address")
	refused.Purpose = "marketing"
	denied := w.signed("wuhu-requester", refused)
	for _, sr := range []record.SignedRequest{granted, denied} {
		ar := record.AccessRequest{Signed: sr, ResponseDigest: digest("response")}
		if _, err := w.submitAccess("hefei-owner", ar); err != nil {
			t.Fatal(err)
		}
		ar.ResponseDigest = digest("another response")
		_, err := w.submitAccess("hefei-owner", ar)
		wantCode(t, err, record.CodeReplayed)
	}
	a := w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GetAuthorization(s, "AUTH-1") }).(*record.Authorization)
	if a.Uses != 1 {
		t.Errorf("uses = %d, want 1", a.Uses)
	}
	other := authorization()
	other.ID = "AUTH-2"
	w.must("hefei-owner", func(s domain.State) (any, error) { return domain.GrantAuthorization(s, other) })
	r := access("address")
	r.AuthorizationID, r.Nonce = "AUTH-2", granted.Request.Nonce
	if rec := w.mustAccess(r); rec.Kind != record.KindAccess {
		t.Errorf("the same nonce under another authorization: %+v", rec)
	}
}

// Uses of an authorization that crosses channels are counted on the
// requester's channel only: its owner cannot record one on its own.
func TestACrossingAuthorizationIsNotUsedOnTheOwnersChannel(t *testing.T) {
	c := newCrossWorlds(t)
	c.grantAcross()
	r := crossAccess("social-assistance")
	r.Requester, r.RequesterID = "ShanghaiMSP", c.src.ids["shanghai-clerk"].ClientID()
	_, err := c.src.submitAccess("hefei-owner", record.AccessRequest{Signed: c.src.signed("shanghai-clerk", r), ResponseDigest: digest("response")})
	wantCode(t, err, record.CodeForbidden)
}
