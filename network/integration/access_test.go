package integration

import (
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/fabricid"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/network/nettest"
)

// signedAccess is the JSON AccessRequest a provider submits: r, signed now
// by the Fabric identity user of org with a fresh nonce, and the SM3 of
// response.
func signedAccess(t *testing.T, env *nettest.Env, org, user string, r record.DataRequest, response string) string {
	t.Helper()
	o, ok := env.Net.Topo.Org(org)
	if !ok {
		t.Fatalf("unknown organisation %q", org)
	}
	dir, _ := env.Net.Home.User(o, user)
	id, sign, err := fabricid.Load(o.MSPID, dir)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := identity.CertificateFromPEM(id.Credentials())
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, record.NonceLen/2)
	rand.Read(nonce)
	r.Requester, r.RequesterID, r.Nonce = o.MSPID, record.ClientIDOf(cert), hex.EncodeToString(nonce)
	r.At = time.Now().UTC().Truncate(time.Second)
	eph, err := gm.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	r.EphemeralKey = eph.Public().Hex()
	signed, err := record.Sign(r, id.Credentials(), sign)
	if err != nil {
		t.Fatal(err)
	}
	return toJSON(t, record.AccessRequest{Signed: signed, ResponseDigest: gm.SM3Hex([]byte(response))})
}
