package fetch

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/gm"
)

// outbox is a provider's response made ready before the commit: every
// chunk and the end, sealed under the transfer key and framed as the
// messages that carry them, in a temporary file removed on close. Its
// digest is the one the access records, so what is sent after the commit
// is exactly what was committed, copied, not projected again. Nothing of
// the rows is readable from the disk.
type outbox struct {
	f    *os.File
	key  []byte // the transfer key, 16 bytes
	salt string // the response salt, hex
	t    totals
}

// pipeDepth is how many chunk buffers a pipe holds in flight.
const pipeDepth = 4

// newOutbox projects the request's rows once, hashing them on the
// calling goroutine while another seals and writes them, under a fresh
// key bound to the request's digest; salt gives the response salt of
// that digest and nonce. Chunks before from are hashed but not kept (a resume's).
func newOutbox(ctx context.Context, dir string, rows Rows, sr record.SignedRequest, nonce string, salt func(string, string) string, size int, from uint32) (*outbox, error) {
	digest, err := sr.Digest()
	if err != nil {
		return nil, err
	}
	key, err := randomKey()
	if err != nil {
		return nil, err
	}
	sl, err := newSealer(key, digest)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "wanledger-outbox-*")
	if err != nil {
		return nil, fmt.Errorf("fetch outbox: %w", err)
	}
	o := &outbox{f: f, key: key, salt: salt(digest, nonce)}
	w := bufio.NewWriterSize(f, 1<<20)
	out := make([]byte, 0, chunkIndexBytes+size+sealOverhead)
	var i uint32
	p := newPipe(pipeDepth, size, func(plain []byte, _ int) error {
		defer func() { i++ }()
		if i < from {
			return nil
		}
		out = sl.seal(appendIndex(out[:0], i), i, false, plain)
		return writeMsg(w, msgChunk, out)
	})
	o.t, err = project(ctx, rows, sr.Request, o.salt, size, func(_ uint32, plain []byte) error {
		b, err := p.buffer()
		if err != nil {
			return err
		}
		p.send(append(b, plain...), 0)
		return nil
	})
	if perr := p.close(); err == nil {
		err = perr
	}
	if err == nil {
		err = writeMsg(w, msgEnd, sl.seal(appendIndex(out[:0], o.t.Chunks), o.t.Chunks, true, o.t.encode()))
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		o.close()
		return nil, err
	}
	return o, nil
}

// send copies the chunks and the end to w in large writes.
func (o *outbox) send(w io.Writer) error {
	if _, err := o.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	// Neither side's ReadFrom or WriteTo: they would copy in 32 KiB pieces.
	_, err := io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{o.f}, make([]byte, 1<<20))
	return err
}

func (o *outbox) close() {
	o.f.Close()
	os.Remove(o.f.Name())
}

// randomKey is a fresh 16-byte SM4 transfer key.
func randomKey() ([]byte, error) {
	key := make([]byte, 16)
	_, err := rand.Read(key)
	return key, err
}

// salt is the response salt of the request of digest requestDigest (64
// hex) under nonce (32 hex, drawn for each access submitted and kept on its
// record): the first 16 bytes of HMAC-SM3, under the salt key, of
// "wanledger/fetch-salt/2" 0x00 digest 0x00 nonce, hex. The response
// header carries it, so the response digest on the ledger cannot be
// matched against guessed rows (a response of a few values could be) by
// anyone who has not received the response; a fresh nonce for every
// submission makes the digest of a request sent again (a replay, or
// across channels a request the requester never records) new and unknown
// too, and a resume derives the same salt from its record.
func (s *Server) salt(requestDigest, nonce string) string {
	m := gm.HMACSM3(s.cfg.SaltKey, []byte("wanledger/fetch-salt/2\x00"+requestDigest+"\x00"+nonce))
	return hex.EncodeToString(m[:saltLen])
}

// saltNonce draws a response salt's nonce: 16 random bytes, hex.
func saltNonce() (string, error) {
	b := make([]byte, saltLen)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
