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
	rec, err := s.ledger.Access(ctx, r.AccessID)
	if record.CodeOf(err) == record.CodeNotFound && s.recordedThere(ctx, sr.Request) {
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
	a, err := s.ledger.Authorization(ctx, rec.AuthorizationID)
	if err != nil {
		return refuse("authorization %s: %v", rec.AuthorizationID, err)
	}
	if a.Revocation != nil || !record.Within(now, a.ValidFrom, a.ValidTo) {
		return refuse("authorization %s is no longer active", a.ID)
	}
	return rec, nil
}

// stream serves a resume: it sends the accept and, projecting the rows
// again under a fresh key, the chunks from the first one wanted, then the
// end with the totals; rows that no longer hash to the committed digest
// end it with DATA_CHANGED instead.
func (s *Server) stream(ctx context.Context, st network.Stream, eph *gm.PublicKey, rec *record.AccessRecord, q record.DataRequest, from uint32) error {
	key, err := randomKey()
	if err != nil {
		return err
	}
	wrapped, err := eph.Encrypt(key)
	if err != nil {
		return err
	}
	sl, err := newSealer(key, rec.RequestDigest)
	if err != nil {
		return err
	}
	salt := s.salt(rec.RequestDigest)
	if err := writeJSON(st, msgAccept, accept{AccessID: rec.ID, Salt: salt, Key: wrapped, ChunkSize: s.cfg.ChunkSize, From: from}); err != nil {
		return err
	}
	out := make([]byte, 0, chunkIndexBytes+s.cfg.ChunkSize+sealOverhead)
	t, err := project(ctx, s.rows, q, salt, s.cfg.ChunkSize, func(i uint32, plain []byte) error {
		if i < from {
			return nil
		}
		out = appendIndex(out[:0], i)
		out = sl.seal(out, i, false, plain)
		return writeMsg(st, msgChunk, out) // blocks while the requester's window is full
	})
	if err != nil {
		return err
	}
	if hexDigest(t.Digest) != rec.ResponseDigest {
		return errorf(api.CodeDataChanged, "the rows of dataset %s changed since access %s was recorded", q.DatasetID, rec.ID)
	}
	if from > t.Chunks {
		return errorf(api.CodeNotResumable, "chunk %d is past the end, %d", from, t.Chunks)
	}
	out = appendIndex(out[:0], t.Chunks)
	return writeMsg(st, msgEnd, sl.seal(out, t.Chunks, true, t.encode()))
}
