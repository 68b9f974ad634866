package fetch

import (
	"context"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// resumable checks a resume: the access record is committed, an access of
// this very signed request, within the resume period, and its
// authorization still active.
func (s *Server) resumable(ctx context.Context, sr record.SignedRequest, r *resume) (*record.AccessRecord, error) {
	refuse := func(format string, args ...any) (*record.AccessRecord, error) {
		return nil, errorf(api.CodeNotResumable, format, args...)
	}
	// The record, if it is the request's, names the request's authorization.
	a, aerr := s.ledger.Authorization(ctx, sr.Request.AuthorizationID)
	rec, err := s.ledger.Access(ctx, r.AccessID)
	if record.CodeOf(err) == record.CodeNotFound && aerr == nil && s.recordedThere(a) {
		rec, err = s.relayed(ctx, r.AccessID)
	}
	if err != nil {
		return refuse("access record %.80s: %v", r.AccessID, err)
	}
	digest, err := sr.Digest()
	if err != nil || rec.Kind != record.KindAccess || rec.RequestDigest != digest {
		return refuse("access record %s is not an access of this request", rec.ID)
	}
	now := s.cfg.Clock()
	if now.Sub(rec.At) > s.cfg.ResumePeriod {
		return refuse("access record %s is older than the resume period of %s", rec.ID, s.cfg.ResumePeriod)
	}
	if aerr != nil {
		return refuse("authorization %s: %v", rec.AuthorizationID, aerr)
	}
	if a.Revocation != nil || !record.Within(now, a.ValidFrom, a.ValidTo) {
		return refuse("authorization %s is no longer active", a.ID)
	}
	return rec, nil
}

// stream serves a resume: it projects the rows again into an outbox under
// a fresh key (encrypted to the same ephemeral key), and only if they
// still hash to the committed response digest sends the accept and the
// chunks from the first one wanted, then the end; otherwise DATA_CHANGED,
// before any row leaves. So a resume delivers exactly the response the
// access recorded, whoever recorded it.
func (s *Server) stream(ctx context.Context, st network.Stream, eph *gm.PublicKey, rec *record.AccessRecord, sr record.SignedRequest, from uint32) error {
	o, err := newOutbox(ctx, s.cfg.SpoolDir, s.rows, sr, rec.SaltNonce, s.salt, s.cfg.ChunkSize, from)
	if err != nil {
		return err
	}
	defer o.close()
	if hexDigest(o.t.Digest) != rec.ResponseDigest {
		return errorf(api.CodeDataChanged, "the rows of dataset %s no longer hash to access %s's response digest", sr.Request.DatasetID, rec.ID)
	}
	if from > o.t.Chunks {
		return errorf(api.CodeNotResumable, "chunk %d is past the end, %d", from, o.t.Chunks)
	}
	return s.deliver(st, eph, o, rec.ID, from)
}
