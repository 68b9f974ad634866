package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/verifier"
)

// Verify judges a presented licence at req.At (the clock's now if absent):
// from one snapshot of the cache, or with fresh from the ledger. A verdict
// from a cache that has not confirmed it is current says it is stale and
// is not valid.
func (s *Service) Verify(ctx context.Context, who string, req api.VerifyRequest, fresh bool) (api.Verdict, error) {
	at := s.now()
	if req.At != nil {
		at = req.At.UTC()
	}
	if fresh {
		h, err := s.ledger.Height(ctx)
		if err != nil {
			return api.Verdict{}, s.fail("verify", err)
		}
		v := s.verifier.Judge(ledgerRecords{ctx: ctx, s: s, who: who}, req, at)
		v.BlockHeight, v.Source = h, SourceLedger
		return v, nil
	}
	var v api.Verdict
	err := s.store.View(func(snap *cache.Snapshot) error {
		v = s.verifier.Judge(snap, req, at)
		v.BlockHeight, v.Source = snap.Height, SourceCache
		return nil
	})
	if err != nil {
		return v, s.fail("verify", err)
	}
	if v.Stale = s.stale(); v.Stale {
		v.Valid = false
		v.Checks = append(v.Checks, api.Check{Name: "cache-current", Detail: fmt.Sprintf("the cache has not confirmed it is current for over %s; ask again with fresh=true", s.maxStaleness)})
	}
	return v, nil
}

// ledgerRecords reads verification records from the ledger.
type ledgerRecords struct {
	ctx context.Context
	s   *Service
	who string
}

func get[T any](r ledgerRecords, contract, fn, id string) (*T, error) {
	out, err := evaluate[*T](r.ctx, r.s, r.who, contract, fn, id)
	var ae *api.Error
	if errors.As(err, &ae) && (ae.Code == string(record.CodeNotFound) || ae.Code == string(record.CodeNotAccredited)) {
		return nil, fmt.Errorf("%w: %s", verifier.ErrNotFound, ae.Message)
	}
	return out.Data, err
}

func (r ledgerRecords) Licence(id string) (*record.Licence, error) {
	return get[record.Licence](r, "licence", "Get", id)
}

func (r ledgerRecords) Grant(id string) (*record.Accreditation, error) {
	return get[record.Accreditation](r, "registry", "GetGrant", id)
}

func (r ledgerRecords) SealKey(id string) (*record.SealKey, error) {
	return get[record.SealKey](r, "registry", "GetSealKey", id)
}
