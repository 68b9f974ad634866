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
// from one snapshot of the cache, or with fresh from the ledger's evidence
// of the licence, its grant and its seal key, read in one query (or, for a
// licence relayed from another channel, the relayed record, read in one
// query too). A verdict from a cache that has not confirmed it is current
// says it is stale and is not valid.
func (s *Service) Verify(ctx context.Context, who string, req api.VerifyRequest, fresh bool) (api.Verdict, error) {
	at := s.now()
	if req.At != nil {
		at = req.At.UTC()
	}
	if fresh {
		recs, h, err := s.fetch(ctx, who, req.LicenceID)
		if err != nil {
			return api.Verdict{}, err
		}
		v := s.verifier.Judge(recs, req, at)
		v.BlockHeight, v.Source, v.Assurance = h, SourceLedger, api.AssuranceStatusOnly
		return v, nil
	}
	var v api.Verdict
	err := s.store.View(func(snap *cache.Snapshot) error {
		v = s.verifier.Judge(snap, req, at)
		v.BlockHeight, v.Source, v.Assurance = snap.Height, SourceCache, api.AssuranceStatusOnly
		return nil
	})
	if err != nil {
		return v, s.fail("verify", err)
	}
	s.markStale(&v, "; ask again with fresh=true")
	return v, nil
}

// markStale makes a verdict from the cache not valid, with a failed
// cache-current check (its detail ending in hint), if the cache has not
// confirmed it is current for longer than allowed.
func (s *Service) markStale(v *api.Verdict, hint string) {
	if v.Stale = s.stale(); v.Stale {
		v.Valid = false
		v.Checks = append(v.Checks, api.Check{Name: "cache-current", Detail: fmt.Sprintf("the cache has not confirmed it is current for over %s%s", s.maxStaleness, hint)})
	}
}

// fetch reads a licence's records from the ledger: its evidence, or if
// this channel has no such licence of its own, the relayed licence of that
// ID. Neither is no error: the records then hold nothing.
func (s *Service) fetch(ctx context.Context, who, id string) (verifier.Fetched, uint64, error) {
	ev, err := evaluate[*record.Evidence](ctx, s, who, "licence", "Evidence", id)
	if !isNotFound(err) {
		return verifier.Fetched{Evidence: ev.Data}, ev.BlockHeight, err
	}
	rl, err := evaluate[*record.RelayedLicence](ctx, s, who, "relay", "GetRelayed", id)
	if isNotFound(err) {
		err = nil
	}
	return verifier.Fetched{Relay: rl.Data}, rl.BlockHeight, err
}

// isNotFound says whether err is the ledger's NOT_FOUND refusal.
func isNotFound(err error) bool {
	var ae *api.Error
	return errors.As(err, &ae) && ae.Code == string(record.CodeNotFound)
}
