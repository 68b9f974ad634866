package integration

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/keys"
	"github.com/wanledger/wanledger/network"
	"github.com/wanledger/wanledger/network/nettest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// clientTLS is a TLS client configuration presenting a certificate. roots
// verifies the server; nil skips that, as an intruder would, since what is
// tried is the server's check of the client.
func clientTLS(t *testing.T, certFile, keyFile string, roots *x509.CertPool) *tls.Config {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: roots, InsecureSkipVerify: roots == nil, MinVersion: tls.VersionTLS12} //nolint:gosec // see above
}

// handshake runs a TLS 1.2 handshake, in which the server checks the
// client's certificate before the handshake completes (in TLS 1.3 a refusal
// shows only on the first read).
func handshake(addr string, cfg *tls.Config) error {
	cfg = cfg.Clone()
	cfg.MaxVersion = tls.VersionTLS12
	d := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	return conn.Close()
}

// registerOver opens the chaincode service of a chaincode server as a peer
// does, and returns the first message the chaincode sends (REGISTER, once it
// accepts the caller as its peer).
func registerOver(t *testing.T, addr string, cfg *tls.Config) (*peer.ChaincodeMessage, error) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	stream, err := peer.NewChaincodeClient(conn).Connect(ctx)
	if err != nil {
		return nil, err
	}
	return stream.Recv()
}

// TestChaincodeServerAdmitsOnlyItsOwnPeer: Hefei's chaincode server refuses,
// in the TLS handshake, client certificates of Hefei's TLS CA (User1's, and
// the peer's own node certificate), which it used to accept as its peer, and
// the chaincode never registers with their holder; only the peer's link
// certificate passes, and Hefei's peer still drives the chaincode.
func TestChaincodeServerAdmitsOnlyItsOwnPeer(t *testing.T) {
	env := nettest.Get(t)
	hefei, _ := env.Net.Topo.Org("hefei")
	server, _ := env.Net.Topo.Node("chaincode.hefei")
	addr := server.ListenAddr()
	_, user := env.Net.Home.User(hefei, "User1")
	for name, c := range map[string]network.TLS{
		"User1's TLS certificate":         user,
		"the peer's node TLS certificate": env.Net.Home.NodeTLS(env.Net.Topo.Peer("hefei")),
	} {
		cfg := clientTLS(t, c.Cert, c.Key, nil)
		if err := handshake(addr, cfg); err == nil {
			t.Errorf("%s: the TLS handshake succeeded", name)
		}
		if msg, err := registerOver(t, addr, cfg); err == nil {
			t.Errorf("%s: the chaincode took its holder for its peer and sent %s", name, msg.GetType())
		}
	}

	link := env.Net.Home.ChaincodeTLS(hefei)
	ca, err := os.ReadFile(link.CA)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca)
	cfg := clientTLS(t, link.PeerCert, link.PeerKey, roots)
	if err := handshake(addr, cfg); err != nil {
		t.Errorf("TLS 1.2 handshake with the link's peer certificate: %v", err)
	}
	if msg, err := registerOver(t, addr, cfg); err != nil || msg.GetType() != peer.ChaincodeMessage_REGISTER {
		t.Errorf("with the link's peer certificate: %v %v", msg.GetType(), err)
	}

	ctx := t.Context()
	gw := env.Gateway(t, "hefei", "Admin")
	if out, err := registry(gw, "anhui").EvaluateWithContext(ctx, "Version"); err != nil {
		t.Errorf("evaluate through Hefei's peer: %v", err)
	} else {
		checkVersion(t, out)
	}
	if st, err := setEndpoint(ctx, registry(gw, "anhui"), "cc-link-check"); err != nil || !st.Successful {
		t.Errorf("submit through Hefei's peer: %v %v", st, err)
	}
}

// TestEachDemoKeyActsAsItsOwnRoleIdentity: every demo key of a ledger role of every
// gateway acts as an identity of its own, which holds on the ledger its key's
// role alone (the issuer's is bound only by an admin, with an agency); so a
// verifier key cannot read the audit trail that the auditor key reads.
func TestEachDemoKeyActsAsItsOwnRoleIdentity(t *testing.T) {
	env := nettest.Get(t)
	ctx := t.Context()
	for _, o := range env.Net.Topo.Orgs {
		b, err := os.ReadFile(env.Net.Home.DemoKeysFile(o.Name))
		if err != nil {
			t.Fatal(err)
		}
		var demo []network.DemoKey
		if err := json.Unmarshal(b, &demo); err != nil {
			t.Fatal(err)
		}
		bindings := allRoleBindings(ctx, t, registry(env.Gateway(t, o.Name, "Admin"), env.Net.Topo.GatewayChannel(o.Name)))
		holder := map[string]string{} // client ID → the role of the key acting as it
		for _, k := range demo {
			if slices.Contains(k.Roles, keys.RoleAdmin) || slices.Contains(k.Roles, keys.RoleOperator) {
				continue // gateway roles: admin acts as Admin, operator reaches no ledger operation
			}
			role := k.Roles[0]
			var who struct {
				Data struct {
					ClientID string `json:"clientId"`
				} `json:"data"`
			}
			gw{t: t, url: k.Gateway, key: k.Key}.must(http.MethodGet, "/v1/whoami", nil, &who)
			id := who.Data.ClientID
			if other, ok := holder[id]; ok {
				t.Errorf("%s: the %s and %s keys act as the same identity %s", o.Name, other, role, id)
			}
			holder[id] = role
			var held []string
			for _, b := range bindings {
				if b.ClientID == id && !b.Revoked && !slices.Contains(held, string(b.Role)) {
					held = append(held, string(b.Role))
				}
			}
			want := []string{role}
			if role == string(record.RoleIssuer) && len(held) == 0 {
				want = nil // bound only once an admin names its agency
			}
			if !slices.Equal(held, want) {
				t.Errorf("%s: the %s key's identity holds roles %v on the ledger, want %v", o.Name, role, held, want)
			}
		}
	}

	var e api.Error
	if st := gatewayAs(t, env, "hefei", "verifier").call(http.MethodGet, "/v1/audit/trace?by=time", nil, &e); st != http.StatusForbidden || e.Code != string(record.CodeForbidden) {
		t.Errorf("Hefei's verifier key traced the audit trail: %d %+v", st, e)
	}
	var page struct {
		Source string `json:"source"`
	}
	if st := gatewayAs(t, env, "hefei", "auditor").call(http.MethodGet, "/v1/audit/trace?by=time", nil, &page); st != http.StatusOK || page.Source != "ledger" {
		t.Errorf("Hefei's auditor key: %d %+v", st, page)
	}
}

// allRoleBindings reads every role binding of the caller's organisation.
func allRoleBindings(ctx context.Context, t *testing.T, c *client.Contract) []record.RoleBinding {
	t.Helper()
	var all []record.RoleBinding
	for bookmark := ""; ; {
		out, err := c.EvaluateWithContext(ctx, "ListRoles", client.WithArguments("200", bookmark))
		if err != nil {
			t.Fatal(err)
		}
		var page record.Page[record.RoleBinding]
		if err := json.Unmarshal(out, &page); err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Items...)
		if page.Bookmark == "" || page.Bookmark == bookmark || len(page.Items) == 0 {
			return all
		}
		bookmark = page.Bookmark
	}
}
