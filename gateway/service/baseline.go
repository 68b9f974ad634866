package service

import (
	"context"
	"net/http"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// BaselineLedger is a Ledger that can also write the baseline chaincode
// (gateway/fabric's, when its configuration names one).
type BaselineLedger interface {
	BaselineWrite(ctx context.Context, identity, key, value string) (Result, error)
}

// BaselineWrite writes one key of the baseline chaincode as identity who,
// blind, and waits for its commit (ADR 31), unless the cache's disk is
// full, like every write. A ledger that writes no baseline answers 404
// NOT_FOUND.
func (s *Service) BaselineWrite(ctx context.Context, who string, r api.BaselineWriteRequest) (api.Tx[api.BaselineWrite], error) {
	var t api.Tx[api.BaselineWrite]
	b, ok := s.ledger.(BaselineLedger)
	if !ok {
		return t, ErrNoBaseline
	}
	if err := s.writable(record.BaselinePut); err != nil {
		return t, err
	}
	res, err := b.BaselineWrite(ctx, who, r.Key, r.Value)
	if err != nil {
		return t, s.fail(record.BaselinePut, err)
	}
	t.TxID, t.BlockNumber, t.Data = res.TxID, res.Block, api.BaselineWrite{Key: r.Key, Bytes: len(r.Value)}
	return t, nil
}

// ErrNoBaseline answers a baseline write on a gateway whose configuration
// names no baseline chaincode.
var ErrNoBaseline = api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "this gateway writes no baseline chaincode (its configuration names none)")
