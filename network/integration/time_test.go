package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"github.com/wanledger/wanledger/network/nettest/rogue"
)

// timeWorld is what the time-window test sets up on anhui: an accredited
// Hefei agency with two seal keys, Hefei's admin bound as its issuer and as
// a data owner, Wuhu's admin bound as a requester, and two authorizations.
type timeWorld struct {
	env    *nettest.Env
	agency string
	seals  map[string]*gm.PrivateKey // by seal key ID
}

const (
	twAgency  = "hefei-time"
	twType    = "time-licence"
	twDataset = "hefei.time"
	twPurpose = "time-window"
	twLong    = "AUTH-TIME-LONG"    // valid 2020 to 2031
	twExpired = "AUTH-TIME-EXPIRED" // ended 10 minutes before the test
)

func setUpTimeWorld(t *testing.T, env *nettest.Env, now time.Time) *timeWorld {
	w := &timeWorld{env: env, agency: twAgency, seals: map[string]*gm.PrivateKey{}}
	anhuiAdmin := contract(t, env, "anhui", "Admin", "registry")
	mustSubmit(t, anhuiAdmin, "PutLicenceType", toJSON(t, record.LicenceType{Code: twType, Name: "时间窗测试证照", MaxValidityDays: 365,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}}))
	mustSubmit(t, anhuiAdmin, "GrantAccreditation", toJSON(t, record.Accreditation{AgencyID: twAgency, MSPID: "HefeiMSP",
		Types: []string{twType}, Region: "340100", ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}))
	hefeiAdmin := contract(t, env, "hefei", "Admin", "registry")
	for _, id := range []string{twAgency + "-seal-1", twAgency + "-seal-2"} {
		k, err := gm.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		w.seals[id] = k
		mustSubmit(t, hefeiAdmin, "RegisterSealKey", toJSON(t, record.SealKey{KeyID: id, AgencyID: twAgency,
			PublicKey: k.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}))
	}
	hefeiID := clientID(t, hefeiAdmin)
	mustSubmit(t, hefeiAdmin, "BindRole", hefeiID, string(record.RoleIssuer), twAgency)
	mustSubmit(t, hefeiAdmin, "BindRole", hefeiID, string(record.RoleDataOwner), "")
	wuhuAdmin := contract(t, env, "wuhu", "Admin", "registry")
	mustSubmit(t, wuhuAdmin, "BindRole", clientID(t, wuhuAdmin), string(record.RoleRequester), "")

	owner := contract(t, env, "hefei", "Admin", "share")
	registerDataset(t, env, "hefei", owner, twDataset, "address")
	for _, a := range []struct {
		id       string
		from, to time.Time
	}{
		{twLong, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)},
		{twExpired, now.Add(-time.Hour), now.Add(-10 * time.Minute)},
	} {
		mustSubmit(t, owner, "Grant", toJSON(t, record.Authorization{ID: a.id, Requester: "WuhuMSP", DatasetID: twDataset,
			Fields: []string{"address"}, Purpose: twPurpose, LegalBasis: "PIPL_13_3_LEGAL_DUTY", ValidFrom: a.from, ValidTo: a.to}))
	}
	return w
}

// issueRequest seals a licence of the world's agency with a seal key and
// returns the Issue argument and the disclosure of its one field.
func (w *timeWorld) issueRequest(t *testing.T, id, sealID string, now time.Time) (string, api.Disclosure) {
	holder, _ := gm.GenerateKey()
	pseudonym, _ := credential.HolderPseudonym([]byte("anhui-province-secret"), "340104199001011234")
	c := credential.Content{ID: id, Type: twType, AgencyID: w.agency, Region: "340104", SealKeyID: sealID,
		HolderPseudonym: pseudonym, HolderPublicKey: holder.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(0, 6, 0)}
	salt := make([]byte, 16)
	rand.Read(salt)
	d, _ := credential.FieldDigestOf(id, "name", salt, "合肥时间")
	c.Fields = []credential.FieldDigest{{Name: "name", Digest: d}}
	sig, err := credential.Sign(w.seals[sealID], c)
	if err != nil {
		t.Fatal(err)
	}
	return toJSON(t, record.IssueRequest{Content: c, Signature: hex.EncodeToString(sig)}),
		api.Disclosure{Name: "name", Value: "合肥时间", Salt: hex.EncodeToString(salt)}
}

// accessRequest is what Hefei, the provider, submits for a request Wuhu's
// admin signs now under authID.
func accessRequest(t *testing.T, env *nettest.Env, authID string) string {
	return signedAccess(t, env, "wuhu", "Admin", record.DataRequest{AuthorizationID: authID, DatasetID: twDataset, Fields: []string{"address"},
		Purpose: twPurpose}, "resp")
}

// submitAt submits fn through the rogue client with the proposal time at.
func submitAt(t *testing.T, c *rogue.Client, at time.Time, endorsers []string, fn string, args ...string) (peer.TxValidationCode, error) {
	p, err := c.Propose(rogue.Invocation{Channel: "anhui", Chaincode: network.ChaincodeName, Function: fn, Args: args, Timestamp: at})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	return c.Submit(ctx, p, endorsers...)
}

// mustRefuseTime submits with a chosen time and checks that every
// endorsing peer refused the proposal for its time, before anything was
// ordered.
func mustRefuseTime(t *testing.T, c *rogue.Client, at time.Time, endorsers []string, fn string, args ...string) {
	t.Helper()
	code, err := submitAt(t, c, at, endorsers, fn, args...)
	if err == nil {
		t.Errorf("%s dated %s: committed with validation code %s, want every peer to refuse it", fn, at.Format(time.RFC3339), code)
		return
	}
	t.Logf("%s dated %s: %v", fn, at.Format(time.RFC3339), err)
	for _, org := range endorsers {
		var found bool
		for _, e := range unjoin(err) {
			var r *rogue.Refusal
			if errors.As(e, &r) && r.Org == org && strings.Contains(r.Message, "proposal refused: its timestamp") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s dated %s: the peer of %s did not refuse it for its time: %v", fn, at.Format(time.RFC3339), org, err)
		}
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// mustNotExist checks through Hefei's peer that a licence is not on the ledger.
func mustNotExist(t *testing.T, env *nettest.Env, id string) {
	t.Helper()
	out, err := contract(t, env, "hefei", "Admin", "licence").EvaluateWithContext(t.Context(), "Get", client.WithArguments(id))
	switch msg := fabricid.ErrorMessage(err); {
	case err == nil:
		t.Errorf("licence %s is on the ledger: %.200s", id, out)
	case !strings.Contains(msg, string(record.CodeNotFound)):
		t.Errorf("licence %s: Get answered %q, want %s", id, msg, record.CodeNotFound)
	}
}

// wuhuVerdict asks Wuhu's gateway, once its cache holds every block Wuhu's
// peer has.
func wuhuVerdict(t *testing.T, env *nettest.Env, id string, d api.Disclosure) api.Verdict {
	t.Helper()
	info, err := peerChainInfo(t.Context(), env, "wuhu", "anhui")
	if err != nil {
		t.Fatal(err)
	}
	verifier := gatewayAs(t, env, "wuhu", "verifier")
	var v api.Verdict
	nettest.Eventually(t, 15*time.Second, func() error {
		verifier.must(http.MethodPost, "/v1/verify", api.VerifyRequest{LicenceID: id, Disclosed: []api.Disclosure{d}}, &v)
		if v.BlockHeight < info.Height {
			return fmt.Errorf("Wuhu's cache at height %d, its peer at %d", v.BlockHeight, info.Height)
		}
		return nil
	})
	return v
}

// TestPeersRefuseAClientChosenTime: chaincode takes "now" from the proposal
// header, so every endorsing peer refuses a proposal dated further than the
// window (the test network's: nettest.PastWindow past, 1 minute future) from
// its own clock. A back-dated
// issue with a revoked seal key, access records dated 2021 and 2029, an
// access on an expired authorization and an issue under a withdrawn
// accreditation are all refused at endorsement and leave the ledger as it
// was; proposals 30 seconds old and 20 seconds ahead still commit.
func TestPeersRefuseAClientChosenTime(t *testing.T) {
	env := nettest.Get(t)
	now := time.Now().UTC().Truncate(time.Second)
	w := setUpTimeWorld(t, env, now)
	hefei, err := rogue.New(env.Net, "hefei", "Admin")
	if err != nil {
		t.Fatal(err)
	}
	defer hefei.Close()
	majority := []string{"hefei", "anhui"}
	all := []string{"wuhu", "hefei", "anhui"}

	t.Run("small clock skew is accepted", func(t *testing.T) {
		for _, c := range []struct {
			id   string
			skew time.Duration
		}{{"TW-SKEW-PAST", -30 * time.Second}, {"TW-SKEW-FUTURE", 20 * time.Second}} {
			req, _ := w.issueRequest(t, c.id, twAgency+"-seal-2", now)
			code, err := submitAt(t, hefei, time.Now().Add(c.skew), majority, "licence:Issue", req)
			if err != nil || code != peer.TxValidationCode_VALID {
				t.Errorf("issue %s with the clock %s off: %s, %v", c.id, c.skew, code, err)
			}
		}
		code, err := submitAt(t, hefei, time.Now().Add(20*time.Second), all, "share:RecordAccess", accessRequest(t, env, twLong))
		if err != nil || code != peer.TxValidationCode_VALID {
			t.Errorf("an access 20 s ahead: %s, %v", code, err)
		}
	})

	t.Run("an issue back-dated before its seal key's revocation", func(t *testing.T) {
		sealID := twAgency + "-seal-1"
		mustSubmit(t, contract(t, env, "hefei", "Admin", "registry"), "RevokeSealKey", sealID, "KEY_COMPROMISED", "")
		revoked := time.Now()
		req, d := w.issueRequest(t, "TW-REVOKED-SEAL", sealID, now)
		mustRefuseTime(t, hefei, revoked.Add(-10*time.Minute), majority, "licence:Issue", req)
		mustNotExist(t, env, "TW-REVOKED-SEAL")
		if v := wuhuVerdict(t, env, "TW-REVOKED-SEAL", d); v.Valid {
			t.Errorf("Wuhu's gateway says the licence sealed with a revoked key is valid: %+v", v)
		}
	})

	t.Run("accesses dated by the client", func(t *testing.T) {
		before := uses(t, env, twLong)
		for _, c := range []struct {
			name string
			auth string
			at   time.Time
		}{
			{"dated 2021", twLong, time.Date(2021, 6, 1, 10, 0, 0, 0, time.UTC)},
			{"dated 2029", twLong, time.Date(2029, 6, 1, 10, 0, 0, 0, time.UTC)},
			{"back-dated into an expired authorization", twExpired, now.Add(-15 * time.Minute)},
			// Beyond the test network's past window, within the default.
			{"2 minutes old", twLong, time.Now().Add(-2 * time.Minute)},
			{"2 minutes ahead", twLong, time.Now().Add(2 * time.Minute)},
		} {
			t.Run(c.name, func(t *testing.T) {
				mustRefuseTime(t, hefei, c.at, all, "share:RecordAccess", accessRequest(t, env, c.auth))
			})
		}
		if after := uses(t, env, twLong); after != before {
			t.Errorf("authorization %s: %d uses before the refused accesses, %d after", twLong, before, after)
		}
		if n := uses(t, env, twExpired); n != 0 {
			t.Errorf("the expired authorization %s was used %d times", twExpired, n)
		}
	})

	t.Run("an issue back-dated before the accreditation's withdrawal", func(t *testing.T) {
		mustSubmit(t, contract(t, env, "anhui", "Admin", "registry"), "WithdrawAccreditation", twAgency+":000001", "MISCONDUCT")
		withdrawn := time.Now()
		req, _ := w.issueRequest(t, "TW-WITHDRAWN", twAgency+"-seal-2", now)
		mustRefuseTime(t, hefei, withdrawn.Add(-10*time.Minute), majority, "licence:Issue", req)
		mustNotExist(t, env, "TW-WITHDRAWN")
	})
}

// uses reads an authorization's use count through Hefei's peer.
func uses(t *testing.T, env *nettest.Env, authID string) int64 {
	t.Helper()
	out, err := contract(t, env, "hefei", "Admin", "share").EvaluateWithContext(t.Context(), "Get", client.WithArguments(authID))
	if err != nil {
		t.Fatal(fabricid.ErrorMessage(err))
	}
	var a record.Authorization
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatal(err)
	}
	return a.Uses
}
