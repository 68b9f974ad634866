package fetch

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// RowIter iterates over projected rows: the requested fields' values, in
// the request's order. Close releases it.
type RowIter interface {
	Next() bool
	Row() []string
	Err() error
	Close() error
}

// RowsFunc makes a Rows of a function, e.g. of a dataset store's method
// whose iterator type has RowIter's methods.
type RowsFunc func(ctx context.Context, id string, fields []string, subjects []string) (RowIter, error)

// Rows calls f.
func (f RowsFunc) Rows(ctx context.Context, id string, fields []string, subjects []string) (RowIter, error) {
	return f(ctx, id, fields, subjects)
}

// Rows is the owner's dataset store (gateway/datasets.Store): the rows of
// a dataset projected to fields, restricted to subjects if any, in an
// order that is the same on every call while the data is unchanged. It
// wraps ErrUnknownDataset when it has no such dataset, and returns an
// UnknownFieldError (which is ErrUnknownField) for a field the dataset
// lacks.
type Rows interface {
	Rows(ctx context.Context, id string, fields []string, subjects []string) (RowIter, error)
}

// Errors a Rows returns, wrapped.
var (
	ErrUnknownDataset = errors.New("no such dataset at this gateway")
	ErrUnknownField   = errors.New("no such field in the dataset")
)

// UnknownFieldError names the field a Rows' dataset lacks; Err is the
// store's own error, which stays at the owner (its log and the denial's
// detail digest).
type UnknownFieldError struct {
	Field string
	Err   error
}

func (e *UnknownFieldError) Error() string {
	return fmt.Sprintf("no field %.64q: %v", e.Field, e.Err)
}

// Is makes an UnknownFieldError ErrUnknownField.
func (e *UnknownFieldError) Is(target error) bool { return target == ErrUnknownField }

func (e *UnknownFieldError) Unwrap() error { return e.Err }

// Identities checks who a requester is beyond its signature: that a
// certificate chains to the CA of its MSP, as the channel's configuration
// holds it, and which organisation's gateway a libp2p peer is.
type Identities interface {
	VerifyCertificate(msp string, cert *x509.Certificate) error
	PeerMSP(p peer.ID) (string, error)
}

// Config tunes a Server.
type Config struct {
	// ChunkSize is the plaintext bytes of rows per chunk: DefaultChunk if
	// 0, at most MaxChunk. A row must fit in one chunk.
	ChunkSize int
	// ResumePeriod is how long after its commit an access may be resumed
	// (always within the authorization's window, and not once revoked):
	// 30 minutes if 0.
	ResumePeriod time.Duration
	// HelloTimeout bounds the wait for a request: 30 seconds if 0.
	HelloTimeout time.Duration
	// Channel is the provider's channel. Accesses under an authorization
	// that crosses from it to another channel are recorded there, by the
	// requester (ADR 18); the provider streams once the relay has carried
	// the record here. Empty: every access is recorded by the provider.
	Channel string
	// MaxStreamsPerPeer bounds the exchanges served at once to one peer
	// (each may hold a sealed copy of its response on disk); more are
	// answered UNAVAILABLE: 4 if 0.
	MaxStreamsPerPeer int
	// RelayWait bounds the wait for such a record to reach this channel:
	// 2 minutes if 0.
	RelayWait time.Duration
	// SaltKey is the secret each request's response salt is derived from
	// (Salt), at least 16 bytes; a random one per Server if empty. Keep it
	// across restarts (the gateway keeps it in its data directory): a
	// resume after a restart must hash the same response bytes.
	SaltKey []byte
	// SpoolDir holds, from before the commit until the transfer ends,
	// each response sealed under its transfer key: os.TempDir() if empty.
	SpoolDir string
	Clock    func() time.Time
	Log      *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if c.ChunkSize == 0 {
		c.ChunkSize = DefaultChunk
	}
	if c.ChunkSize < 1024 || c.ChunkSize > MaxChunk {
		return c, fmt.Errorf("fetch: chunk size %d is outside 1 KiB to %d", c.ChunkSize, MaxChunk)
	}
	if c.ResumePeriod == 0 {
		c.ResumePeriod = 30 * time.Minute
	}
	if c.HelloTimeout == 0 {
		c.HelloTimeout = 30 * time.Second
	}
	if len(c.SaltKey) == 0 {
		c.SaltKey = make([]byte, 32)
		if _, err := rand.Read(c.SaltKey); err != nil {
			return c, err
		}
	}
	if len(c.SaltKey) < 16 {
		return c, fmt.Errorf("fetch: a salt key of %d bytes; at least 16", len(c.SaltKey))
	}
	if c.MaxStreamsPerPeer == 0 {
		c.MaxStreamsPerPeer = 4
	}
	if c.RelayWait == 0 {
		c.RelayWait = 2 * time.Minute
	}
	if c.SpoolDir == "" {
		c.SpoolDir = os.TempDir()
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Server is the provider's side: it serves ProtocolID on a host.
type Server struct {
	mu      sync.Mutex
	serving map[peer.ID]int // exchanges served now, by peer
	cfg     Config
	rows    Rows
	ids     Identities
	ledger  Ledger
}

// NewServer makes a provider; Register puts it on a host.
func NewServer(cfg Config, rows Rows, ids Identities, l Ledger) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, rows: rows, ids: ids, ledger: l, serving: map[peer.ID]int{}}, nil
}

// Register serves the protocol on h until h closes or RemoveStreamHandler.
func (s *Server) Register(h host.Host) { h.SetStreamHandler(ProtocolID, s.Handle) }

// Handle serves one stream: one request or resume. It returns when the
// transfer ends, fails or the stream is reset.
func (s *Server) Handle(st network.Stream) {
	defer st.Close()
	from := st.Conn().RemotePeer()
	log := s.cfg.Log.With("component", "fetch", "peer", from.String())
	st.SetReadDeadline(time.Now().Add(s.cfg.HelloTimeout))
	typ, body, err := readMsg(bufio.NewReader(st), nil)
	st.SetReadDeadline(time.Time{})
	if !s.admit(from) {
		log.Warn("fetch refused: too many at once from this peer", "max", s.cfg.MaxStreamsPerPeer)
		if writeJSON(st, msgFailure, failure{Code: api.CodeUnavailable, Message: fmt.Sprintf("more than %d fetches at once from one gateway", s.cfg.MaxStreamsPerPeer)}) != nil {
			st.Reset()
		}
		return
	}
	defer s.release(from)
	var h hello
	if err == nil && typ != msgHello {
		err = errorf(api.CodeProtocol, "expected a request, got message type %d", typ)
	}
	if err == nil {
		err = decodeJSON(body, &h)
	}
	if err == nil {
		err = s.serve(context.Background(), st, from, h)
	}
	if err != nil {
		var fe *Error
		if !errors.As(err, &fe) {
			log.Warn("fetch failed", "err", err)
			st.Reset()
			return
		}
		log.Info("fetch refused", "code", fe.Code, "msg", fe.Msg, "denial", fe.DenialID)
		msg := fe.Msg
		if len(msg) > maxFailureText {
			msg = msg[:maxFailureText]
		}
		if werr := writeJSON(st, msgFailure, failure{Code: fe.Code, Message: msg, DenialID: fe.DenialID}); werr != nil {
			st.Reset()
		}
	}
}

// serve checks a request or resume and streams the rows.
func (s *Server) serve(ctx context.Context, st network.Stream, from peer.ID, h hello) error {
	sr := h.Signed
	q := sr.Request
	// A request another organisation's gateway carries is refused unrecorded:
	// a signed request is no secret on the channel, and a denial would be
	// in its requester's name.
	if msp, err := s.ids.PeerMSP(from); err != nil || msp != q.Requester {
		return errorf(string(record.CodeForbidden), "a request of %.64s comes only from that organisation's registered gateway", q.Requester)
	}
	cert, err := sr.Verify()
	if err == nil {
		err = s.checkIdentity(q, cert)
	}
	if err != nil {
		return s.deny(ctx, sr, err)
	}
	eph, err := gm.ParsePublicKeyHex(q.EphemeralKey)
	if err != nil {
		return s.deny(ctx, sr, record.Wrap(record.CodeInvalidArgument, err, "the request's ephemeral key is not an SM2 public key"))
	}
	if h.Resume != nil {
		rec, err := s.resumable(ctx, sr, h.Resume)
		if err != nil {
			return err
		}
		return s.stream(ctx, st, eph, rec, sr, h.Resume.From)
	}
	o, rec, err := s.record(ctx, st, sr)
	if err != nil || o == nil {
		return err
	}
	defer o.close()
	return s.deliver(st, eph, o, rec.ID, 0)
}

// deliver sends the accept of access id, with the outbox's transfer key
// encrypted to the request's ephemeral key, then the outbox's chunks from
// from and its end.
func (s *Server) deliver(st network.Stream, eph *gm.PublicKey, o *outbox, id string, from uint32) error {
	wrapped, err := eph.Encrypt(o.key)
	if err != nil {
		return err
	}
	if err := writeJSON(st, msgAccept, accept{AccessID: id, Salt: o.salt, Key: wrapped, ChunkSize: s.cfg.ChunkSize, From: from}); err != nil {
		return err
	}
	return o.send(st) // blocks while the requester's window is full
}

// record projects the rows once into an outbox, hashing them for the
// response digest, records the access and waits for its commit. Where the
// requester records it (recordedThere), record sends it the digest
// instead and returns no outbox.
func (s *Server) record(ctx context.Context, st network.Stream, sr record.SignedRequest) (*outbox, *record.AccessRecord, error) {
	// The time is judged for a new request only (a resume reuses its
	// request; the resume period bounds it); an authorization that cannot
	// be read is left to RecordAccess, which answers in the ledger's words.
	a, aerr := s.ledger.Authorization(ctx, sr.Request.AuthorizationID)
	err := s.timely(sr.Request)
	if err == nil && aerr == nil {
		err = s.allowed(a, sr.Request)
	}
	if err != nil {
		return nil, nil, s.deny(ctx, sr, err)
	}
	nonce, err := saltNonce()
	if err != nil {
		return nil, nil, err
	}
	o, err := newOutbox(ctx, s.cfg.SpoolDir, s.rows, sr, nonce, s.salt, s.cfg.ChunkSize, 0)
	switch {
	case errors.Is(err, ErrUnknownDataset):
		return nil, nil, s.deny(ctx, sr, record.Wrap(record.CodeNotFound, err, "the owner's gateway holds no rows of dataset %.64q", sr.Request.DatasetID))
	case errors.Is(err, ErrUnknownField):
		var uf *UnknownFieldError
		msg := fmt.Sprintf("dataset %.64q lacks a field asked for", sr.Request.DatasetID)
		if errors.As(err, &uf) && uf.Field != "" {
			msg = fmt.Sprintf("dataset %.64q has no field %.64q", sr.Request.DatasetID, uf.Field)
		}
		return nil, nil, s.deny(ctx, sr, record.Wrap(record.CodeFieldsNotGranted, err, "%s", msg))
	case errors.Is(err, errRowTooLarge):
		return nil, nil, errorf(api.CodeDataChanged, "a row of dataset %s exceeds a chunk", sr.Request.DatasetID)
	case err != nil:
		return nil, nil, fmt.Errorf("project the rows: %w", err)
	}
	if aerr == nil && s.recordedThere(a) {
		o.close() // the rows go on the resume that follows the requester's record
		return nil, nil, writeJSON(st, msgRecord, recordIt{ResponseDigest: hexDigest(o.t.Digest), SaltNonce: nonce})
	}
	rec, err := s.commit(ctx, sr, o.t.Digest, nonce)
	if err != nil {
		o.close()
		return nil, nil, err
	}
	return o, rec, nil
}

// commit records the access with its response digest and waits for the
// commit.
func (s *Server) commit(ctx context.Context, sr record.SignedRequest, digest [32]byte, nonce string) (*record.AccessRecord, error) {
	rec, err := s.ledger.RecordAccess(ctx, record.AccessRequest{Signed: sr, ResponseDigest: hexDigest(digest), SaltNonce: nonce})
	if err != nil {
		code := refusal(err)
		if code == "" {
			s.cfg.Log.Warn("fetch: access not committed", "err", err)
			return nil, &Error{Code: api.CodeNotCommitted, Msg: "the access could not be committed; no data is sent"}
		}
		msg := "the ledger refused the access"
		if re := (*record.Error)(nil); errors.As(err, &re) && re.Msg != "" {
			msg = re.Msg // the ledger's reason, as its refusal gives it
		}
		return nil, s.deny(ctx, sr, record.Wrap(code, err, "%s", msg))
	}
	if rec.Kind != record.KindAccess {
		return nil, &Error{Code: rec.Reason, Msg: fmt.Sprintf("the ledger refused the access under authorization %.64q", sr.Request.AuthorizationID), DenialID: rec.ID}
	}
	return rec, nil
}

// refusal is the chaincode's code of a refusal, or "" for an error that
// is none (an unreachable peer, a failed commit).
func refusal(err error) record.Code {
	code := record.CodeOf(err)
	var ae *api.Error
	if errors.As(err, &ae) {
		code = record.Code(ae.Code)
	}
	if !slices.Contains(record.Codes, code) {
		return ""
	}
	return code
}

// deny records a refusal the ledger did not commit itself, and returns
// it as the Error to send: its code, and as its message the sentence of
// the cause's outermost *record.Error alone (the chain beneath it, the
// owner's own errors, goes only to the log and the denial's detail digest).
func (s *Server) deny(ctx context.Context, sr record.SignedRequest, cause error) error {
	code, msg := record.CodeInternal, "the owner's gateway could not serve the request"
	if re := (*record.Error)(nil); errors.As(cause, &re) {
		code, msg = re.Code, re.Msg
	}
	s.cfg.Log.Info("fetch: refusing", "code", code, "cause", cause.Error())
	e := &Error{Code: string(code), Msg: msg}
	q := sr.Request
	d := record.DenialRequest{AuthorizationID: q.AuthorizationID, Requester: q.Requester, DatasetID: q.DatasetID, Fields: q.Fields,
		Purpose: q.Purpose, Reason: code, DetailDigest: gm.SM3Hex([]byte(cause.Error()))}
	// A denial never names an authorization that does not exist, nor one
	// of another dataset; one of the authorization's own dataset names it
	// (rows this gateway does not hold too), so that it is on the
	// authorization's trail and, across channels, may name a requester of
	// another channel at all.
	if a, err := s.ledger.Authorization(ctx, q.AuthorizationID); err != nil || a.DatasetID != q.DatasetID {
		d.AuthorizationID = ""
	}
	if code != record.CodeBadSignature {
		d.RequesterID = q.RequesterID // the signer's, verified
	}
	if digest, err := sr.Digest(); err == nil {
		d.RequestDigest = digest
	}
	rec, err := s.ledger.RecordDenial(ctx, d)
	if err != nil {
		s.cfg.Log.Warn("fetch: refusal not recorded", "code", code, "err", err)
		return e
	}
	e.DenialID = rec.ID
	return e
}
