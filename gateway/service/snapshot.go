package service

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/internal/snapshot"
)

// SnapshotSource is what a gateway needs to sign offline snapshots: its
// organisation, channel, a signing identity of the organisation's MSP and
// each licence type's freshness limit (snapshot.DefaultFreshness where 0).
type SnapshotSource struct {
	MSPID     string
	Channel   string
	Signer    func() (snapshot.Signer, error)
	Freshness func(typeCode string) time.Duration
	// MaxLicences bounds a snapshot (snapshot.MaxLicences if 0): a channel
	// with more licences is refused rather than served in part.
	MaxLicences int
}

// errTooMany stops a walk past MaxLicences.
var errTooMany = errors.New("too many licences")

// Snapshot builds and signs the snapshot of the cache's channel at the
// block the cache holds (docs/gateway.md, "Offline snapshots"), in one
// read of the cache. A cache that has not confirmed it is current is
// refused: a stale snapshot would carry old statuses under a fresh
// signature. So is a channel of more than MaxLicences licences.
func (s *Service) Snapshot(ctx context.Context, src SnapshotSource) ([]byte, error) {
	unavailable := func(format string, args ...any) error {
		return api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, format, args...)
	}
	if src.Signer == nil {
		return nil, unavailable("this gateway signs no snapshots")
	}
	if s.stale() {
		return nil, unavailable("the cache has not confirmed it is current for over %s: no snapshot", s.maxStaleness)
	}
	signer, err := src.Signer()
	if err != nil {
		return nil, s.fail("snapshot signer", err)
	}
	limit := src.MaxLicences
	if limit <= 0 {
		limit = snapshot.MaxLicences
	}
	b := snapshot.NewBuilder(src.MSPID, src.Channel, 0, s.now(), src.Freshness)
	count := 0
	more := func() error {
		if count++; count > limit {
			return errTooMany
		}
		if count%1024 == 0 {
			return ctx.Err()
		}
		return nil
	}
	height, err := s.store.Walk(cache.Visits{
		Types:    func(t *record.LicenceType) error { b.AddType(src.Channel, t); return nil },
		Grants:   func(g *record.Accreditation) error { b.AddGrant(src.Channel, g); return nil },
		SealKeys: func(k *record.SealKey) error { b.AddSealKey(src.Channel, k); return nil },
		Licences: func(l *record.Licence) error { b.AddLicence(src.Channel, l); return more() },
		Relayed:  func(rl *record.RelayedLicence) error { b.AddRelayed(rl); return more() },
	})
	switch {
	case errors.Is(err, errTooMany):
		return nil, unavailable("over %d licences: too many for one snapshot", limit)
	case err != nil:
		return nil, s.fail("snapshot", err)
	}
	body := b.Body()
	body.BlockHeight = height
	return snapshot.Encode(body, signer)
}
