// Package service is the gateway's service layer, between the HTTP
// handlers (gateway/httpapi) and the ledger (gateway/fabric, or any
// Ledger): it turns the API's requests (package api) into the chaincode's
// arguments (package api/record), setting nothing a client may not choose,
// reads from the cache or the ledger and reports the height each answer
// reflects, encodes list cursors, and maps every failure to an *api.Error.
// It knows no HTTP framework; its only time is its injected Clock.
package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/gateway/cache"
	"github.com/wanledger/wanledger/gateway/datasets"
	"github.com/wanledger/wanledger/gateway/verifier"
)

// Ledger is what the service needs of Fabric: submit and evaluate as one
// of the organisation's identities (by name), and the channel's height.
// An error is an *api.Error (gateway/fabric classifies Fabric's), or one
// whose message begins with a chaincode code ("CODE: message").
type Ledger interface {
	Submit(ctx context.Context, identity, contract, fn string, args ...string) (Result, error)
	Evaluate(ctx context.Context, identity, contract, fn string, args ...string) ([]byte, error)
	Height(ctx context.Context) (uint64, error)
}

// Result is a committed transaction: the chaincode's JSON answer, the
// transaction's ID and its block.
type Result struct {
	Payload []byte
	TxID    string
	Block   uint64
}

// Clock tells the time; the service reads the time only through it.
type Clock func() time.Time

// Sources of a read's answer.
const (
	SourceCache  = "cache"
	SourceLedger = "ledger"
)

// Options are a service's parts.
type Options struct {
	Ledger Ledger
	Store  *cache.Store // nil: no cache (a test that only writes)
	Clock  Clock
	// Verifier judges verifications; one per gateway, for its seal memo.
	Verifier *verifier.Verifier
	// Stale reports whether the cache has gone without confirming it has
	// every block for longer than MaxStaleness; nil: never.
	Stale        func() bool
	MaxStaleness time.Duration
	Log          *slog.Logger
	// Presentations verify holders' presentations (presentations.go).
	Presentations Presentations
	// MSPID is the gateway's organisation.
	MSPID string
	// Rows keeps the rows of the organisation's datasets, Mesh is the
	// gateway's libp2p host (mesh.go); either may be nil.
	Rows *datasets.Store
	Mesh Mesh
	// Fetcher fetches rows from other organisations' gateways (fetch.go);
	// nil: POST /v1/fetch is unavailable.
	Fetcher Fetcher
	// Watch reads the network (network.go); nil: GET /v1/network is
	// unavailable.
	Watch Watch
}

// Service answers the API's operations.
type Service struct {
	ledger       Ledger
	store        *cache.Store
	clock        Clock
	verifier     *verifier.Verifier
	stale        func() bool
	maxStaleness time.Duration
	log          *slog.Logger
	pres         Presentations
	msp          string
	rows         *datasets.Store
	mesh         Mesh
	fetcher      Fetcher
	watch        Watch
}

// New assembles a service; a nil Clock is time.Now.
func New(o Options) *Service {
	s := &Service{ledger: o.Ledger, store: o.Store, clock: o.Clock, verifier: o.Verifier, stale: o.Stale, maxStaleness: o.MaxStaleness, log: o.Log, pres: o.Presentations,
		msp: o.MSPID, rows: o.Rows, mesh: o.Mesh, fetcher: o.Fetcher, watch: o.Watch}
	if s.verifier == nil {
		s.verifier = verifier.New(0)
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.stale == nil {
		s.stale = func() bool { return false }
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// now is the clock's time in UTC, to the second (the ledger's precision).
func (s *Service) now() time.Time { return s.clock().UTC().Truncate(time.Second) }

// fail logs a failure's detail and returns the client's error: the
// ledger's *api.Error (a Ledger classifies its own failures), or 502.
func (s *Service) fail(op string, err error) *api.Error {
	var ae *api.Error
	if !errors.As(err, &ae) {
		ae = &api.Error{Status: http.StatusBadGateway, Code: string(record.CodeInternal), Message: "the ledger's answer could not be used", Err: err}
	}
	if ae.Status >= 500 {
		s.log.Error("ledger call failed", "op", op, "err", err)
	} else {
		s.log.Info("ledger refused", "op", op, "code", ae.Code)
	}
	return ae
}

// ErrStorageFull answers a write while the cache's disk is short of its
// reserve (cache.ErrDiskFull): the cache would not take in what the write
// commits, so the gateway takes none until space is freed; reads are
// answered from the cache as it stands, stale after maxStaleness.
var ErrStorageFull = api.Errorf(http.StatusInsufficientStorage, api.CodeStorageFull,
	"the gateway's cache disk is full: it takes no writes until space is freed; reads answer from the cache as it stands")

// writable refuses a write (fn) while the cache's disk is full (the
// follower logs it, once): a Service without a cache (Options.Store nil)
// takes every write.
func (s *Service) writable(fn string) error {
	if s.store == nil {
		return nil
	}
	err := s.store.Space()
	if errors.Is(err, cache.ErrDiskFull) {
		return ErrStorageFull
	}
	if err != nil {
		return s.fail(fn, err)
	}
	return nil
}

// badRequest is a 400 BAD_REQUEST answer.
func badRequest(format string, args ...any) *api.Error {
	return api.Errorf(http.StatusBadRequest, api.CodeBadRequest, format, args...)
}

// evaluate runs a query as identity who. The height it reports is the
// peer's, asked just before the query: the answer reflects at least it.
func evaluate[T any](ctx context.Context, s *Service, who, contract, fn string, args ...string) (api.Read[T], error) {
	var r api.Read[T]
	h, err := s.ledger.Height(ctx)
	if err != nil {
		return r, s.fail(fn, err)
	}
	out, err := s.ledger.Evaluate(ctx, who, contract, fn, args...)
	if err != nil {
		return r, s.fail(fn, err)
	}
	if err := json.Unmarshal(out, &r.Data); err != nil {
		return r, s.fail(fn, fmt.Errorf("decode result: %w", err))
	}
	r.BlockHeight, r.Source = h, SourceLedger
	return r, nil
}

// submit runs a transaction as identity who and waits for its commit,
// unless the cache's disk is full (writable).
func submit[T any](ctx context.Context, s *Service, who, contract, fn string, args ...string) (api.Tx[T], error) {
	var t api.Tx[T]
	if err := s.writable(fn); err != nil {
		return t, err
	}
	res, err := s.ledger.Submit(ctx, who, contract, fn, args...)
	if err != nil {
		return t, s.fail(fn, err)
	}
	if err := json.Unmarshal(res.Payload, &t.Data); err != nil {
		return t, s.fail(fn, fmt.Errorf("decode result: %w", err))
	}
	t.TxID, t.BlockNumber = res.TxID, res.Block
	return t, nil
}

// submitJSON sends args, then v as JSON, as the transaction's arguments.
func submitJSON[T any](ctx context.Context, s *Service, who, contract, fn string, v any, args ...string) (api.Tx[T], error) {
	b, err := json.Marshal(v)
	if err != nil {
		return api.Tx[T]{}, badRequest("the request cannot be encoded")
	}
	return submit[T](ctx, s, who, contract, fn, append(args, string(b))...)
}

// cached reads from one consistent snapshot of the cache: the object and
// the height it reports come from the same view. What and id name the
// object in a 404 NOT_FOUND.
func cached[T any](s *Service, what, id string, read func(*cache.Snapshot) (T, error)) (api.Read[T], error) {
	var r api.Read[T]
	err := s.store.View(func(v *cache.Snapshot) error {
		r.BlockHeight, r.Source = v.Height, SourceCache
		var err error
		r.Data, err = read(v)
		return err
	})
	if errors.Is(err, cache.ErrNotCached) {
		return r, api.Errorf(http.StatusNotFound, string(record.CodeNotFound), "no %s %q at block height %d", what, id, r.BlockHeight)
	}
	if err != nil {
		return r, s.fail("cache", err)
	}
	return r, nil
}

// readThrough reads the object what (e.g. "licence") of an ID from the
// cache, or with fresh from the ledger's fn.
func readThrough[T any](ctx context.Context, s *Service, who string, fresh bool, what string, read func(*cache.Snapshot) (T, error), contract, fn, id string) (api.Read[T], error) {
	if fresh {
		return evaluate[T](ctx, s, who, contract, fn, id)
	}
	return cached(s, what, id, read)
}

// timeArg is an RFC 3339 argument, "" for the zero time.
func timeArg(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
