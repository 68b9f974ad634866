package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/internal/credential"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
)

// gw calls an organisation's gateway with one of the demo keys `up` made.
type gw struct {
	t        *testing.T
	url      string
	key      string
	identity string // the Fabric identity the key acts as
}

func gatewayAs(t *testing.T, env *nettest.Env, org, role string) gw {
	t.Helper()
	b, err := os.ReadFile(env.Net.Home.DemoKeysFile(org))
	if err != nil {
		t.Fatal(err)
	}
	var keys []network.DemoKey
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if slices.Contains(k.Roles, role) {
			return gw{t: t, url: k.Gateway, key: k.Key, identity: k.Identity}
		}
	}
	t.Fatalf("no demo key of %s with role %s", org, role)
	return gw{}
}

// call sends a request and decodes the JSON answer into out (if not nil).
func (g gw) call(method, path string, body, out any) int {
	g.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			g.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(g.t.Context()), method, g.url+path, r)
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if g.key != "" {
		req.Header.Set("Authorization", "Bearer "+g.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		g.t.Fatal(err)
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			g.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

func (g gw) must(method, path string, body, out any) {
	g.t.Helper()
	var raw json.RawMessage
	if st := g.call(method, path, body, &raw); st != http.StatusOK {
		g.t.Fatalf("%s %s: %d %s", method, path, st, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			g.t.Fatal(err)
		}
	}
}

type txAnswer struct {
	TxID        string          `json:"txId"`
	BlockNumber uint64          `json:"blockNumber"`
	Data        json.RawMessage `json:"data"`
}

// gatewayWorld sets up, through the gateways, a type, an accredited Hefei
// agency with a seal, and an issuer of it, and returns a function issuing
// licences through Hefei's gateway.
func gatewayWorld(t *testing.T, env *nettest.Env, agency string) func(id string) (salts map[string]string) {
	return issuerWorld(t, env, "hefei", "340100", agency)
}

// issuerWorld is gatewayWorld for an agency of any Anhui city organisation
// accredited in its region (a six-digit city code), issuing through that
// organisation's gateway.
func issuerWorld(t *testing.T, env *nettest.Env, org, region, agency string) func(id string) (salts map[string]string) {
	return issuerOf(t, env, issuerSpec{province: "anhui", org: org, region: region, agency: agency, licenceType: "gw-licence"})
}

// issuerSpec is an issuing agency: its province (whose admin defines the
// type and accredits it), its organisation and region, and its type.
type issuerSpec struct {
	province, org, region, agency, licenceType string
	mutualRecognition                          bool
}

// issuerOf sets up an issuer of spec through the gateways and returns a
// function issuing licences of one field, "name", through its
// organisation's gateway.
func issuerOf(t *testing.T, env *nettest.Env, spec issuerSpec) func(id string) (salts map[string]string) {
	org, region, agency := spec.org, spec.region, spec.agency
	o, _ := env.Net.Topo.Org(org)
	now := time.Now().UTC().Truncate(time.Second)
	sealID := agency + "-seal"
	provinceAdmin := gatewayAs(t, env, spec.province, keys.RoleAdmin)
	provinceAdmin.must(http.MethodPut, "/v1/registry/types/"+spec.licenceType, api.LicenceTypeRequest{Name: "网关测试证照", MaxValidityDays: 365,
		Fields: []record.FieldSpec{{Name: "name", Type: record.FieldString, Required: true}}, MutualRecognition: spec.mutualRecognition}, nil)
	channel := env.Net.Topo.GatewayChannel(spec.province)
	settled(t, env, channel, spec.province) // every endorser of the accreditation has the type
	provinceAdmin.must(http.MethodPost, "/v1/registry/accreditations", api.AccreditationRequest{AgencyID: agency, MSPID: o.MSPID,
		Types: []string{spec.licenceType}, Region: region, ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}, nil)
	seal, _ := gm.GenerateKey()
	orgAdmin := gatewayAs(t, env, org, keys.RoleAdmin)
	settled(t, env, channel, spec.province) // every endorser of the seal key has the accreditation
	orgAdmin.must(http.MethodPost, "/v1/registry/seals", api.SealKeyRequest{KeyID: sealID, AgencyID: agency,
		PublicKey: seal.Public().Hex(), ValidFrom: now.Add(-time.Hour), ValidTo: now.AddDate(1, 0, 0)}, nil)
	issuer := gatewayAs(t, env, org, "issuer")
	bindIssuer(t, orgAdmin, issuer, agency)
	// Wuhu's verifier identity may read the ledger too (fresh reads).
	wuhuVerifier := gatewayAs(t, env, "wuhu", "verifier")
	var who struct {
		Data struct {
			ClientID string `json:"clientId"`
		} `json:"data"`
	}
	wuhuVerifier.must(http.MethodGet, "/v1/whoami", nil, &who)
	gatewayAs(t, env, "wuhu", keys.RoleAdmin).must(http.MethodPost, "/v1/registry/roles", map[string]string{"clientId": who.Data.ClientID, "role": "verifier"}, nil)
	settled(t, env, channel, org) // every endorser of an issuance has the seal key and the issuer's role
	settled(t, env, "anhui", "wuhu")

	holder, _ := gm.GenerateKey()
	pseudonym, _ := credential.HolderPseudonym([]byte("anhui-province-secret"), "340104199001011234")
	return func(id string) map[string]string {
		c := credential.Content{ID: id, Type: spec.licenceType, AgencyID: agency, Region: region, SealKeyID: sealID,
			HolderPseudonym: pseudonym, HolderPublicKey: holder.Public().Hex(), ValidFrom: now.Add(-time.Minute), ValidTo: now.AddDate(0, 6, 0)}
		salt := make([]byte, 16)
		rand.Read(salt)
		d, _ := credential.FieldDigestOf(id, "name", salt, "合肥示例")
		c.Fields = []credential.FieldDigest{{Name: "name", Digest: d}}
		sig, _ := credential.Sign(seal, c)
		issuer.must(http.MethodPost, "/v1/licences", record.IssueRequest{Content: c, Signature: hex.EncodeToString(sig)}, nil)
		return map[string]string{"name": hex.EncodeToString(salt)}
	}
}

func TestIssueThroughHefeiVerifyThroughWuhuAndSeeTheRevocationWithinOneBlock(t *testing.T) {
	env := nettest.Get(t)
	issue := gatewayWorld(t, env, "hefei-gw-1")
	salts := issue("GW-0001")
	verifier := gatewayAs(t, env, "wuhu", "verifier")
	req := api.VerifyRequest{LicenceID: "GW-0001", Disclosed: []api.Disclosure{{Name: "name", Value: "合肥示例", Salt: salts["name"]}}}

	var v api.Verdict
	nettest.Eventually(t, 10*time.Second, func() error {
		verifier.must(http.MethodPost, "/v1/verify", req, &v)
		if !v.Valid {
			return fmt.Errorf("verdict %+v", v)
		}
		return nil
	})
	if v.Source != "cache" || v.BlockHeight == 0 {
		t.Errorf("verdict from %s at height %d", v.Source, v.BlockHeight)
	}

	var rev txAnswer
	gatewayAs(t, env, "hefei", "issuer").must(http.MethodPost, "/v1/licences/GW-0001/revoke", map[string]string{"reason": "FRAUD", "reasonText": "forged papers"}, &rev)
	// The first verdict that reflects the revocation's block says revoked.
	nettest.Eventually(t, 10*time.Second, func() error {
		verifier.must(http.MethodPost, "/v1/verify", req, &v)
		if v.BlockHeight <= rev.BlockNumber {
			return fmt.Errorf("Wuhu's cache at height %d, the revocation is in block %d", v.BlockHeight, rev.BlockNumber)
		}
		return nil
	})
	if v.Valid || v.Status != record.StatusRevoked {
		t.Errorf("at height %d (revocation in block %d) the verdict is %+v", v.BlockHeight, rev.BlockNumber, v)
	}
	var fresh api.Verdict
	verifier.must(http.MethodPost, "/v1/verify?fresh=true", req, &fresh)
	if fresh.Source != "ledger" || fresh.Status != record.StatusRevoked {
		t.Errorf("fresh verdict %+v", fresh)
	}
}

func TestGatewayRefusesWithoutKeyOrRoleAndMalformedBodies(t *testing.T) {
	env := nettest.Get(t)
	nokey := gatewayAs(t, env, "hefei", "issuer")
	nokey.key = ""
	var e api.Error
	if st := nokey.call(http.MethodGet, "/v1/licences/GW-0001", nil, &e); st != http.StatusUnauthorized || e.Code != api.CodeUnauthenticated {
		t.Errorf("no key: %d %+v", st, e)
	}
	clerk := gatewayAs(t, env, "hefei", "clerk")
	if st := clerk.call(http.MethodPost, "/v1/licences", map[string]string{}, &e); st != http.StatusForbidden || e.Code != string(record.CodeForbidden) {
		t.Errorf("no role: %d %+v", st, e)
	}
	issuer := gatewayAs(t, env, "hefei", "issuer")
	if st := issuer.call(http.MethodPost, "/v1/licences", []int{1}, &e); st != http.StatusBadRequest || e.Code == "" {
		t.Errorf("malformed: %d %+v", st, e)
	}
	// A refusal of the chaincode keeps its code.
	if st := issuer.call(http.MethodPost, "/v1/licences/NO-SUCH/suspend", map[string]string{"reason": "INVESTIGATION"}, &e); st != http.StatusNotFound || e.Code != string(record.CodeNotFound) {
		t.Errorf("unknown licence: %d %+v", st, e)
	}
}

// TestAGatewayKilledMidStreamResumesAndItsCacheEqualsTheLedger kills Wuhu's
// gateway with SIGKILL while Hefei revokes licences, restarts it, and
// compares its cache with the ledger, licence by licence.
func TestAGatewayKilledMidStreamResumesAndItsCacheEqualsTheLedger(t *testing.T) {
	env := nettest.Get(t)
	issue := gatewayWorld(t, env, "hefei-gw-2")
	var ids []string
	for i := range 8 {
		id := fmt.Sprintf("GW-K-%02d", i)
		issue(id)
		ids = append(ids, id)
	}
	issuer := gatewayAs(t, env, "hefei", "issuer")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, id := range ids {
			var e json.RawMessage
			issuer.call(http.MethodPost, "/v1/licences/"+id+"/revoke", map[string]string{"reason": "ISSUED_IN_ERROR"}, &e)
		}
	}()
	time.Sleep(300 * time.Millisecond)
	h, err := env.Net.Handle("gateway.wuhu")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Kill(); err != nil {
		t.Fatal(err)
	}
	if !h.WaitExit(10 * time.Second) {
		t.Fatal("gateway survived SIGKILL")
	}
	<-done
	if err := env.Net.StartNode(t.Context(), "gateway.wuhu"); err != nil {
		t.Fatal(err)
	}
	verifier := gatewayAs(t, env, "wuhu", "verifier")
	nettest.Eventually(t, 30*time.Second, func() error {
		for _, id := range ids {
			var cached, ledger struct {
				Data record.Licence `json:"data"`
			}
			if st := verifier.call(http.MethodGet, "/v1/licences/"+id, nil, &cached); st != http.StatusOK {
				return fmt.Errorf("%s from the cache: %d", id, st)
			}
			verifier.must(http.MethodGet, "/v1/licences/"+id+"?fresh=true", nil, &ledger)
			if cached.Data.Status != ledger.Data.Status || cached.Data.TxID != ledger.Data.TxID {
				return fmt.Errorf("%s: cache %s@%s, ledger %s@%s", id, cached.Data.Status, cached.Data.TxID, ledger.Data.Status, ledger.Data.TxID)
			}
		}
		return nil
	})
}

// TestMutualTLSMapsOrganisationCertificatesToIdentities: on the mTLS
// listener, the TLS client certificate of Hefei's verifier identity acts as
// that identity; Wuhu's certificate is refused in the handshake.
func TestMutualTLSMapsOrganisationCertificatesToIdentities(t *testing.T) {
	env := nettest.Get(t)
	hefei, _ := env.Net.Topo.Org("hefei")
	wuhu, _ := env.Net.Topo.Org("wuhu")
	node, _ := env.Net.Topo.Node("gateway.hefei")
	clientFor := func(o network.Org) *http.Client {
		_, tlsFiles := env.Net.Home.User(o, network.DemoUser("verifier"))
		cert, err := tls.LoadX509KeyPair(tlsFiles.Cert, tlsFiles.Key)
		if err != nil {
			t.Fatal(err)
		}
		ca, err := os.ReadFile(env.Net.Home.OrgTLSCA(hefei))
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(ca)
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}}}
	}
	resp, err := clientFor(hefei).Get("https://" + node.MTLSAddr() + "/v1/whoami")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var who struct {
		Data struct {
			MSPID    string `json:"mspId"`
			ClientID string `json:"clientId"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&who); err != nil || resp.StatusCode != http.StatusOK || who.Data.MSPID != "HefeiMSP" || !strings.Contains(who.Data.ClientID, "CN="+network.DemoUser("verifier")+"@hefei.wanledger") {
		t.Errorf("whoami over mTLS: %d %+v %v", resp.StatusCode, who, err)
	}
	if resp, err := clientFor(wuhu).Get("https://" + node.MTLSAddr() + "/v1/whoami"); err == nil {
		resp.Body.Close()
		t.Errorf("Wuhu's certificate was accepted by Hefei's gateway: %d", resp.StatusCode)
	}
}

// TestDemoKeysWorkOutOfTheBox: up bound the demo identities' roles on the
// ledger, so a demo key reads through the ledger without further set-up.
func TestDemoKeysWorkOutOfTheBox(t *testing.T) {
	env := nettest.Get(t)
	for _, c := range []struct{ org, role, path string }{
		{"wuhu", "verifier", "/v1/licences?issuer=nobody"},
		{"shanghai", "auditor", "/v1/audit/trace?by=time"},
		{"hefei", "clerk", "/v1/handoffs?org=HefeiMSP&status=open"},
	} {
		var page struct {
			Source string `json:"source"`
		}
		if st := gatewayAs(t, env, c.org, c.role).call(http.MethodGet, c.path, nil, &page); st != http.StatusOK || page.Source != "ledger" {
			t.Errorf("%s %s %s: %d %+v", c.org, c.role, c.path, st, page)
		}
	}
}
