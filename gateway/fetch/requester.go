package fetch

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// Signer completes a request with the requester's MSP ID and client ID
// and signs it as that Fabric identity (see record.Sign).
type Signer func(record.DataRequest) (record.SignedRequest, error)

// ClientConfig tunes a Client.
type ClientConfig struct {
	// SpoolDir holds, while a fetch runs and until its Result is closed,
	// the rows received, sealed under a key kept in memory: os.TempDir()
	// if empty.
	SpoolDir string
	// ResumeWait bounds how long an interrupted transfer keeps trying to
	// resume, from the interruption until a resume delivers a chunk (the
	// attempts spaced by backoff): DefaultResumeWait if 0; negative for
	// no resume.
	ResumeWait time.Duration
	// RecordWait bounds the wait for the access record to reach the
	// requester's peer: 30 seconds if 0.
	RecordWait time.Duration
	// MaxResponse bounds the response bytes a fetch accepts and spools
	// (TRANSFER_TOO_LARGE past it): 2 GiB if 0.
	MaxResponse int64
	// Recorder records an access on the requester's channel when the
	// provider asks it to (an authorization that crosses channels, ADR
	// 18), as the identity that signs the requests; nil: such a fetch
	// fails NOT_COMMITTED.
	Recorder Recorder
	Clock    func() time.Time
}

// Recorder submits share:RecordAccess and returns the record once
// committed, as Ledger's RecordAccess does.
type Recorder interface {
	RecordAccess(ctx context.Context, r record.AccessRequest) (*record.AccessRecord, error)
}

// DefaultResumeWait is ClientConfig.ResumeWait's default: long enough
// for a provider's gateway to restart.
const DefaultResumeWait = time.Minute

// Client is the requester's side.
type Client struct {
	h      host.Host
	ledger AccessReader
	cfg    ClientConfig
}

// NewClient makes a requester that opens streams from h and reads access
// records through l.
func NewClient(h host.Host, l AccessReader, cfg ClientConfig) *Client {
	if cfg.SpoolDir == "" {
		cfg.SpoolDir = os.TempDir()
	}
	if cfg.ResumeWait == 0 {
		cfg.ResumeWait = DefaultResumeWait
	}
	if cfg.RecordWait == 0 {
		cfg.RecordWait = 30 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.MaxResponse == 0 {
		cfg.MaxResponse = 2 << 30
	}
	return &Client{h: h, ledger: l, cfg: cfg}
}

// transfer is one fetch's state across resumes.
type transfer struct {
	signed   record.SignedRequest
	digest   string // the signed request's, which every seal binds
	eph      *gm.PrivateKey
	accessID string
	next     uint32    // the next chunk wanted
	salt     string    // the response salt, from the first accept
	d        *digester // from the first accept
	spool    *spool
	max      int64  // response bytes accepted, at most
	buf      []byte // the message read
	plain    []byte // its plaintext
}

// Fetch asks provider for r (its authorization, dataset, fields, purpose
// and subjects; Fetch adds the nonce, time and ephemeral key, sign the
// requester's names and the signature), and returns the
// rows once they hash to the committed access record's response digest.
// A refusal or failure is an *Error with a stable code; no rows are
// returned then. The caller closes the Result.
func (c *Client) Fetch(ctx context.Context, provider peer.ID, r record.DataRequest, sign Signer) (*Result, error) {
	eph, err := gm.GenerateKey()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, record.NonceLen/2)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	r.Nonce, r.At, r.EphemeralKey = hex.EncodeToString(nonce), c.cfg.Clock().UTC().Truncate(time.Second), eph.Public().Hex()
	signed, err := sign(r)
	if err != nil {
		return nil, fmt.Errorf("sign the request: %w", err)
	}
	digest, err := signed.Digest()
	if err != nil {
		return nil, fmt.Errorf("sign the request: %w", err)
	}
	sp, err := newSpool(c.cfg.SpoolDir)
	if err != nil {
		return nil, err
	}
	t := &transfer{signed: signed, digest: digest, eph: eph, spool: sp, max: c.cfg.MaxResponse}
	res, err := c.run(ctx, provider, t)
	if err != nil {
		sp.close()
		return nil, err
	}
	return res, nil
}

// run exchanges until the end arrives, resuming an interrupted transfer
// (one that had its accept) after a backoff, within the resume wait.
func (c *Client) run(ctx context.Context, provider peer.ID, t *transfer) (*Result, error) {
	b := backoff{total: c.cfg.ResumeWait}
	for {
		from := t.next
		end, err := c.exchange(ctx, provider, t)
		if err == nil {
			return c.finish(ctx, t, end)
		}
		var ri *recordIt
		if errors.As(err, &ri) {
			if err := c.recordOwn(ctx, t, ri); err != nil {
				return nil, err
			}
			continue // the access is recorded: now comes the transfer

		}
		var fe *Error
		if errors.As(err, &fe) || t.accessID == "" {
			return nil, err
		}
		if !b.wait(ctx, t.next > from) {
			return nil, &Error{Code: api.CodeTransferTruncate, Msg: fmt.Sprintf("access %s: the transfer ended at chunk %d: %v", t.accessID, t.next, err)}
		}
	}
}

// exchange runs one stream: a request, or a resume once the access is
// known, up to the end's totals.
func (c *Client) exchange(ctx context.Context, provider peer.ID, t *transfer) (totals, error) {
	dctx := ctx
	if t.accessID != "" { // run paces a resume's dials, not the swarm's dial backoff
		dctx = network.WithForceDirectDial(ctx, "fetch resume")
	}
	st, err := c.h.NewStream(dctx, provider, ProtocolID)
	if err != nil {
		return totals{}, err
	}
	defer st.Close()
	stop := context.AfterFunc(ctx, func() { st.Reset() })
	defer stop()
	h := hello{Signed: t.signed}
	if t.accessID != "" {
		h.Resume = &resume{AccessID: t.accessID, From: t.next}
	}
	if err := writeJSON(st, msgHello, h); err != nil {
		return totals{}, err
	}
	if err := st.CloseWrite(); err != nil {
		return totals{}, err
	}
	return t.receive(bufio.NewReaderSize(st, 64<<10))
}

// receive reads an accept, then chunks in order, then the end.
func (t *transfer) receive(r *bufio.Reader) (totals, error) {
	typ, body, err := readMsg(r, t.buf)
	if err != nil {
		return totals{}, err
	}
	if typ == msgFailure {
		var f failure
		if err := decodeJSON(body, &f); err != nil {
			return totals{}, err
		}
		return totals{}, &Error{Code: f.Code, Msg: f.Message, DenialID: f.DenialID}
	}
	if typ == msgRecord && t.accessID == "" {
		ri := new(recordIt)
		if err := decodeJSON(body, ri); err != nil {
			return totals{}, err
		}
		return totals{}, ri
	}
	var a accept
	if typ != msgAccept {
		return totals{}, errorf(api.CodeProtocol, "expected an accept, got message type %d", typ)
	}
	if err := decodeJSON(body, &a); err != nil {
		return totals{}, err
	}
	if t.accessID != "" && (a.AccessID != t.accessID || a.From != t.next) {
		return totals{}, errorf(api.CodeProtocol, "a resume of access %s from chunk %d was answered for %.80s from %d", t.accessID, t.next, a.AccessID, a.From)
	}
	if a.From != t.next || a.ChunkSize <= 0 || a.ChunkSize > MaxChunk {
		return totals{}, errorf(api.CodeProtocol, "an accept from chunk %d of chunk size %d", a.From, a.ChunkSize)
	}
	if err := t.salted(a.Salt); err != nil {
		return totals{}, err
	}
	key, err := t.eph.Decrypt(a.Key)
	if err != nil || len(key) != 16 {
		return totals{}, errorf(api.CodeTransferCorrupt, "the transfer key does not decrypt")
	}
	sl, err := newSealer(key, t.digest)
	if err != nil {
		return totals{}, err
	}
	t.accessID = a.AccessID
	t.spool.keys = append(t.spool.keys, sl)
	return t.chunks(r, sl, a.ChunkSize)
}

// salted starts hashing the response with the salt of the first accept;
// a resume's must be the same.
func (t *transfer) salted(salt string) error {
	if t.d != nil {
		if salt != t.salt {
			return errorf(api.CodeTransferCorrupt, "a resume's response salt %.40q differs from the transfer's", salt)
		}
		return nil
	}
	if b, err := hex.DecodeString(salt); err != nil || len(b) != saltLen || hex.EncodeToString(b) != salt {
		return errorf(api.CodeProtocol, "the response salt %.40q is not %d bytes of lower-case hex", salt, saltLen)
	}
	t.salt, t.d = salt, newDigester(salt, t.signed.Request.Fields)
	return nil
}

// chunks opens each chunk, checks its place and rows, hashes it, and
// spools it as it came, sealed, up to the end.
func (t *transfer) chunks(r *bufio.Reader, sl *sealer, size int) (totals, error) {
	width := len(t.signed.Request.Fields)
	for {
		typ, body, err := readMsg(r, t.buf)
		if err != nil {
			return totals{}, err
		}
		t.buf = body[:0]
		switch typ {
		case msgFailure:
			var f failure
			if err := decodeJSON(body, &f); err != nil {
				return totals{}, err
			}
			return totals{}, &Error{Code: f.Code, Msg: f.Message}
		case msgChunk, msgEnd:
		default:
			return totals{}, errorf(api.CodeProtocol, "unexpected message type %d", typ)
		}
		i, sealed, err := splitIndex(body)
		if err != nil {
			return totals{}, err
		}
		if i != t.next {
			return totals{}, errorf(api.CodeTransferCorrupt, "chunk %d came where %d was due", i, t.next)
		}
		if typ == msgEnd {
			plain, err := sl.open(nil, i, true, sealed)
			if err != nil {
				return totals{}, err
			}
			return decodeTotals(plain)
		}
		if len(sealed) > size+sealOverhead {
			return totals{}, errorf(api.CodeTransferCorrupt, "chunk %d exceeds the chunk size", i)
		}
		plain, err := sl.open(t.plain[:0], i, false, sealed)
		if err != nil {
			return totals{}, err
		}
		rows, err := countRows(plain, width)
		if err != nil || rows == 0 {
			return totals{}, errorf(api.CodeTransferCorrupt, "chunk %d does not hold whole rows", i)
		}
		if int64(t.d.t.Bytes)+int64(len(plain)) > t.max {
			return totals{}, errorf(api.CodeTransferTooLarge, "the response passed %d bytes, this gateway's bound", t.max)
		}
		if err := t.spool.write(sealed); err != nil {
			return totals{}, err
		}
		t.plain = plain
		t.d.chunk(plain, rows)
		t.next++
	}
}

// finish checks the totals and the committed record's digests.
func (c *Client) finish(ctx context.Context, t *transfer, end totals) (*Result, error) {
	got := t.d.totals()
	if end != got {
		return nil, errorf(api.CodeTransferCorrupt, "received %d rows in %d chunks, %d bytes; the provider's end says %d, %d, %d or another digest",
			got.Rows, got.Chunks, got.Bytes, end.Rows, end.Chunks, end.Bytes)
	}
	rec, err := c.committed(ctx, t.accessID)
	if err != nil {
		return nil, err
	}
	reqDigest, err := t.signed.Digest()
	if err != nil {
		return nil, err
	}
	if rec.Kind != record.KindAccess || rec.RequestDigest != reqDigest {
		return nil, errorf(api.CodeDigestMismatch, "access record %s is not the access of this request", rec.ID)
	}
	if rec.ResponseDigest != hexDigest(got.Digest) {
		return nil, errorf(api.CodeDigestMismatch, "the rows received do not hash to access record %s's response digest", rec.ID)
	}
	if err := t.spool.sync(); err != nil {
		return nil, err
	}
	return &Result{AccessID: rec.ID, Record: rec, Fields: t.signed.Request.Fields, Salt: t.salt, RowCount: got.Rows, Bytes: got.Bytes, spool: t.spool}, nil
}

// committed reads the access record, waiting for it to reach the
// requester's peer.
func (c *Client) committed(ctx context.Context, id string) (*record.AccessRecord, error) {
	rec, err := awaitAccess(ctx, c.ledger, id, c.cfg.RecordWait, 200*time.Millisecond)
	switch {
	case errors.Is(err, errNotThere):
		return nil, errorf(api.CodeDigestMismatch, "access record %s is not on the ledger", id)
	case err != nil:
		return nil, fmt.Errorf("read access record %s: %w", id, err)
	}
	return rec, nil
}

// Result is a fetch whose rows match the committed access record.
type Result struct {
	AccessID string               // the access record's ID
	Record   *record.AccessRecord // the committed access record
	Fields   []string             // the columns, in order
	Salt     string               // the response salt (hex) the response bytes begin with
	RowCount uint64
	Bytes    uint64 // bytes of rows in the response stream
	spool    *spool
}

// Rows iterates over the rows, in the provider's order, reading ahead on
// a goroutine of its own until it is closed (or the Result is). One
// iterator at a time: a new one stops the one before. A row's values
// share their chunk's memory.
func (r *Result) Rows() (RowIter, error) { return r.spool.rows(len(r.Fields)) }

// WriteResponse writes the response bytes the access record's response
// digest covers (docs/gateway.md, "Fetch protocol"), for an audit's check
// of the delivered body (POST /v1/audit/verify).
func (r *Result) WriteResponse(w io.Writer) error {
	if _, err := w.Write(responseHeader(r.Salt, r.Fields)); err != nil {
		return err
	}
	return r.spool.each(func(plain []byte) error {
		_, err := w.Write(plain)
		return err
	})
}

// Close removes the spooled rows.
func (r *Result) Close() error { return r.spool.close() }
