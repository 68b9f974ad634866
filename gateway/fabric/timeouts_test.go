package fabric

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/gateway/config"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// hungPeer is a peer's Gateway service that never answers an endorsement
// or an evaluation until its caller gives up, as a stopped peer does.
type hungPeer struct {
	gateway.UnimplementedGatewayServer
}

func (hungPeer) Endorse(ctx context.Context, _ *gateway.EndorseRequest) (*gateway.EndorseResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (hungPeer) Evaluate(ctx context.Context, _ *gateway.EvaluateRequest) (*gateway.EvaluateResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// fabricAt is the Fabric layer of a gateway whose peer is a hungPeer on
// loopback, with timeouts t, as identity "User1".
func fabricAt(t *testing.T, timeouts config.Timeouts) *Fabric {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	gateway.RegisterGatewayServer(srv, hungPeer{})
	go srv.Serve(l)
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(l.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "User1@hefei.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	id, _ := identity.NewX509Identity("HefeiMSP", cert)
	sign, _ := identity.NewPrivateKeySign(key)
	gw, err := client.Connect(id, client.WithSign(sign), client.WithClientConnection(conn))
	if err != nil {
		t.Fatal(err)
	}
	f := &Fabric{conn: conn, gws: map[string]*client.Gateway{"User1": gw}, channel: "anhui", cc: "wanledger", mspID: "HefeiMSP", timeouts: timeouts}
	t.Cleanup(func() { f.Close() })
	return f
}

// A peer that does not answer holds a submission no longer than the
// configured endorse timeout, and an evaluation no longer than the
// evaluate timeout, though the caller's context has no deadline: the
// client hears 504 UNAVAILABLE.
func TestTheConfiguredTimeoutsBoundTheFabricCalls(t *testing.T) {
	timeouts := config.DefaultTimeouts
	timeouts.Endorse.Duration, timeouts.Evaluate.Duration = 300*time.Millisecond, 200*time.Millisecond
	f := fabricAt(t, timeouts)
	for _, c := range []struct {
		name  string
		bound time.Duration
		call  func() error
	}{
		{"submit", timeouts.Endorse.Duration, func() error {
			_, err := f.Submit(context.Background(), "User1", "licence", "Issue", "{}")
			return err
		}},
		{"evaluate", timeouts.Evaluate.Duration, func() error {
			_, err := f.Evaluate(context.Background(), "User1", "licence", "GetLicence", "BL-0001")
			return err
		}},
	} {
		start := time.Now()
		err := c.call()
		took := time.Since(start)
		var ae *api.Error
		if !errors.As(err, &ae) || ae.Status != http.StatusGatewayTimeout || ae.Code != api.CodeUnavailable {
			t.Errorf("%s against a hung peer: %v, want 504 UNAVAILABLE", c.name, err)
		}
		if took < c.bound || took > c.bound+2*time.Second {
			t.Errorf("%s took %s, want about its timeout %s", c.name, took, c.bound)
		}
	}
}
