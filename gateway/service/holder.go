package service

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/internal/gm"
	"github.com/wanledger/wanledger/internal/presentation"
)

// HolderChallenge issues a single-use challenge for a holder to sign,
// bound to no caller; issuing keeps nothing.
func (s *Service) HolderChallenge() (api.HolderChallenge, error) {
	if err := s.audience(""); err != nil {
		return api.HolderChallenge{}, err
	}
	c, exp := s.pres.Challenges.Issue("", s.now())
	return api.HolderChallenge{Challenge: c, Audience: s.pres.Audience, ExpiresAt: exp}, nil
}

// maxTracePage is the most access records read per pseudonym.
const maxTracePage = 200

// HolderActivity answers a holder who signed a challenge with their key:
// for each licence asked about, all bound to that key, its status from the
// cache, the presentations this gateway verified, and the ledger's access
// trail by the holder pseudonyms of those of this channel in force (read
// as the holder identity).
func (s *Service) HolderActivity(ctx context.Context, req api.HolderActivityRequest) (api.HolderActivity, error) {
	var out api.HolderActivity
	if err := s.audience(""); err != nil {
		return out, err
	}
	pub, err := gm.ParsePublicKeyHex(req.PublicKey)
	if err != nil {
		return out, badRequest("publicKey: %v", err)
	}
	sig, err := hex.DecodeString(req.Signature)
	if err != nil {
		return out, badRequest("signature is not hex")
	}
	msg, err := presentation.ActivityBytes(req.Challenge, s.pres.Audience, req.Licences)
	if err != nil {
		return out, badRequest("the licences cannot be encoded")
	}
	if !pub.Verify(msg, sig) {
		return out, api.Errorf(http.StatusUnauthorized, api.CodeUnauthenticated, "the signature does not verify by publicKey over this challenge, %q and the licences", s.pres.Audience)
	}
	var pseudonyms []string
	at := s.now()
	err = s.store.View(func(snap *cache.Snapshot) error {
		pseudonyms, out.Licences, out.CacheHeight = nil, nil, snap.Height // a View may run this twice
		for _, id := range req.Licences {
			// An unknown licence and another holder's get one answer, so
			// that the endpoint, open to anyone, tells nobody which IDs exist.
			l, relayed, err := anyLicence(snap, id)
			if err != nil && !errors.Is(err, cache.ErrNotCached) {
				return err
			}
			if err != nil || !strings.EqualFold(l.HolderPublicKey, pub.Hex()) {
				return api.Errorf(http.StatusForbidden, api.CodeHolderKeyMismatch, "no licence %q bound to this key is known here", id)
			}
			// The channel's trail only for its own licences in force: a
			// licence relayed from the other channel was issued under that
			// one's accreditation, not this one's; a revoked licence's key,
			// perhaps stolen, reads the licence's own past and nothing more.
			st := l.StatusAt(at)
			inForce := st.Status == record.StatusActive
			if relayed == nil && inForce && !slices.Contains(pseudonyms, l.HolderPseudonym) {
				pseudonyms = append(pseudonyms, l.HolderPseudonym)
			}
			if !slices.ContainsFunc(out.Licences, func(h api.HolderLicence) bool { return h.ID == id }) {
				out.Licences = append(out.Licences, holderLicence(l, relayed, st))
			}
		}
		return nil
	})
	if ae, ok := errors.AsType[*api.Error](err); ok {
		return out, ae
	} else if err != nil {
		return out, s.fail("holder-activity", err)
	}
	// Used only now, for licences bound to the key that signed: a
	// remembered challenge takes a holder of a licence here, not any key.
	if err := s.pres.Challenges.Use(req.Challenge, "", at); err != nil {
		return out, nonceRefusal(err)
	}
	out.At, out.Stale = at, s.stale()
	if out.Verifications, err = s.verifications(req.Licences); err != nil {
		return out, s.fail("verification log", err)
	}
	out.Accesses = []*record.AccessRecord{}
	if s.pres.HolderIdentity == "" {
		return out, nil
	}
	for _, p := range pseudonyms {
		r, err := s.Trace(ctx, s.pres.HolderIdentity, TraceQuery{By: record.TraceBySubject, Key: p, Paging: Paging{Limit: maxTracePage}})
		if err != nil {
			return out, err
		}
		out.Accesses = append(out.Accesses, r.Data.Items...)
		out.BlockHeight = max(out.BlockHeight, r.BlockHeight)
	}
	return out, nil
}

// verifications lists the logged verifications of the licences, oldest first.
func (s *Service) verifications(ids []string) ([]api.VerificationEntry, error) {
	out := []api.VerificationEntry{}
	if s.pres.Log == nil {
		return out, nil
	}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
		es, err := s.pres.Log.ForLicence(id)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	slices.SortStableFunc(out, func(a, b api.VerificationEntry) int { return a.At.Compare(b.At) })
	return out, nil
}

// holderLicence is a licence as its holder is shown it: its status st,
// its validity, and where it was relayed from.
func holderLicence(l *record.Licence, relayed *record.RelayedLicence, st *record.StatusAnswer) api.HolderLicence {
	h := api.HolderLicence{ID: l.ID, Status: st.Status, Change: st.Change, ValidFrom: l.ValidFrom, ValidTo: l.ValidTo}
	if relayed != nil {
		h.RelayedFrom = api.RelayedFrom(relayed)
	}
	return h
}
