package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/service"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/hashlist"
)

// recordAccess has the provider, Hefei's Owner, record through the
// service an access of a request WuhuRequester signs now, with the SM3 of
// response as its response digest. A refusal by the authorization's
// checks comes back as a committed denial.
func (w *world) recordAccess(r record.DataRequest, response []byte) (api.Tx[*record.AccessRecord], error) {
	w.t.Helper()
	signer := w.chain.ids["WuhuRequester"]
	nonce := make([]byte, record.NonceLen/2)
	rand.Read(nonce)
	r.Requester, r.RequesterID, r.Nonce = signer.MSPID, signer.ClientID(), hex.EncodeToString(nonce)
	r.At = w.chain.Now().Add(time.Second)
	eph, err := gm.GenerateKey()
	if err != nil {
		w.t.Fatal(err)
	}
	r.EphemeralKey = eph.Public().Hex()
	signed, err := record.Sign(r, signer.PEM(), signer.Sign)
	if err != nil {
		w.t.Fatal(err)
	}
	svc := service.New(service.Options{Ledger: w.chain, Clock: w.chain.Now})
	return svc.RecordAccess(context.Background(), "Owner", record.AccessRequest{Signed: signed, ResponseDigest: hashlist.SumHex(response)})
}
