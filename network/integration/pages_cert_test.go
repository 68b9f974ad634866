package integration

import (
	"testing"
	"time"

	"github.com/wanledger/wanledger/gateway/pages/pagetest"
	"github.com/wanledger/wanledger/internal/browsertest"
	"github.com/wanledger/wanledger/internal/testca"
	"github.com/wanledger/wanledger/network/nettest"
)

// TestThePagesSignInByTheOrganisationsCertificate: Chromium holding the
// TLS client certificate of Hefei's User1 (cryptogen's, which up binds to
// the operator role) opens the operator's page on Hefei's gateway's
// mutual-TLS listener: the page offers that certificate, signs in with it
// by the keyboard, shows User1 of HefeiMSP with the operator role, and
// then the network as GET /v1/network (operators only) reads it: every
// node Hefei's gateway watches healthy. The auditor's page refuses the
// same certificate WRONG_ROLE. A certificate Hefei's TLS CA issued to an
// identity no key binds is refused NO_ROLE by the operator's page. Each
// page passes axe, with no console error or policy violation.
func TestThePagesSignInByTheOrganisationsCertificate(t *testing.T) {
	env := nettest.Get(t)
	hefei, _ := env.Net.Topo.Org("hefei")
	node, _ := env.Net.Topo.Node("gateway.hefei")
	url := "https://" + node.MTLSAddr()
	serverCA := env.Net.Home.OrgTLSCA(hefei)
	_, user1 := env.Net.Home.User(hefei, "User1")

	b := browsertest.Start(t, browsertest.Options{ClientCert: &browsertest.ClientCert{Cert: user1.Cert, Key: user1.Key, ServerCA: serverCA}})
	o := pagetest.OpenOperator(b, url, "en")
	if subject, issuer := pagetest.Certificate(b); subject != "User1@hefei.wanledger" || issuer != "tlsca.hefei.wanledger" {
		t.Errorf("the page offers %q issued by %q", subject, issuer)
	}
	b.CheckAccessibility()
	pagetest.SignInByCertificate(b)
	if who, detail := pagetest.SignedInAs(b); who != "User1@hefei.wanledger" || detail != "(HefeiMSP, by certificate; roles: operator)" {
		t.Errorf("signed in as %q %q", who, detail)
	}
	nodes, _ := o.Await(time.Minute, pagetest.AllHealthy("gateway.hefei", "peer.hefei", "chaincode.hefei", "orderer.anhui", "orderer.shanghai", "orderer.zhejiang"))
	if len(nodes) != 6 || nodes["peer.hefei"].Heights["anhui"] == 0 {
		t.Errorf("the nodes shown: %+v", nodes)
	}
	b.CheckAccessibility()
	b.Screenshot("operator-by-certificate")

	pagetest.OpenAuditor(b, url, "en")
	pagetest.SignInByCertificate(b)
	if got, want := pagetest.SignInError(b), "WRONG_ROLE: The certificate User1@hefei.wanledger holds the roles operator; this page needs one of: auditor."; got != want {
		t.Errorf("the auditor's page to the operator's certificate: %q, want %q", got, want)
	}
	b.NoProblems()

	ca := testca.Load(t, serverCA, env.Net.Home.OrgTLSCAKey(hefei))
	cert, key := ca.Client(t, t.TempDir(), "Visitor@hefei.wanledger")
	visitor := browsertest.Start(t, browsertest.Options{ClientCert: &browsertest.ClientCert{Cert: cert, Key: key, ServerCA: serverCA}})
	pagetest.OpenOperator(visitor, url, "en")
	pagetest.SignInByCertificate(visitor)
	if got, want := pagetest.SignInError(visitor), "NO_ROLE: The gateway binds the certificate Visitor@hefei.wanledger to no identity or role. Ask your organisation's admin to bind it."; got != want {
		t.Errorf("the operator's page to a certificate bound to no key: %q, want %q", got, want)
	}
	visitor.CheckAccessibility()
	visitor.NoProblems()
}
