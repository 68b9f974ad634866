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
// of the licence, its grant and its seal key, read in one query. A verdict
// from a cache that has not confirmed it is current says it is stale and
// is not valid.
func (s *Service) Verify(ctx context.Context, who string, req api.VerifyRequest, fresh bool) (api.Verdict, error) {
	at := s.now()
	if req.At != nil {
		at = req.At.UTC()
	}
	if fresh {
		ev, err := evaluate[*record.Evidence](ctx, s, who, "licence", "Evidence", req.LicenceID)
		var ae *api.Error
		if errors.As(err, &ae) && ae.Code == string(record.CodeNotFound) {
			err, ev.Data = nil, &record.Evidence{}
		}
		if err != nil {
			return api.Verdict{}, err
		}
		v := s.verifier.Judge(evidence{ev.Data}, req, at)
		v.BlockHeight, v.Source = ev.BlockHeight, SourceLedger
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

// evidence is a verifier's records as the ledger read them in one query,
// at one height.
type evidence struct{ ev *record.Evidence }

func (e evidence) Licence(id string) (*record.Licence, error) {
	if e.ev.Licence == nil || e.ev.Licence.ID != id {
		return nil, fmt.Errorf("%w: no licence %q", verifier.ErrNotFound, id)
	}
	return e.ev.Licence, nil
}

func (e evidence) Grant(id string) (*record.Accreditation, error) {
	if e.ev.Grant == nil || e.ev.Grant.GrantID != id {
		return nil, fmt.Errorf("%w: no grant %q", verifier.ErrNotFound, id)
	}
	return e.ev.Grant, nil
}

func (e evidence) SealKey(id string) (*record.SealKey, error) {
	if e.ev.SealKey == nil || e.ev.SealKey.KeyID != id {
		return nil, fmt.Errorf("%w: no seal key %q", verifier.ErrNotFound, id)
	}
	return e.ev.SealKey, nil
}
