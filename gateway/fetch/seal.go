package fetch

import (
	"context"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
	"errors"

	"github.com/emmansun/gmsm/sm4"
	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/internal/hashlist"
)

// sealer seals and opens the chunks of one transfer with SM4-GCM under
// its key. The nonce is the chunk's index and whether it is the final
// chunk; the additional data binds the protocol, the signed request's
// digest (the access record's requestDigest: one access per request, its
// nonce being single-use), the index and the final flag. A key is fresh
// per transfer (per accept), so no nonce repeats under a key.
type sealer struct {
	aead cipher.AEAD
	aad  []byte // tag, request digest, then index and flag appended per chunk
	n    int    // length of the fixed part of aad
}

// newSealer binds a key to the hex request digest of record.SignedRequest.
func newSealer(key []byte, requestDigest string) (*sealer, error) {
	block, err := sm4.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	aad := append([]byte(sealTag), 0)
	aad = append(aad, requestDigest...)
	return &sealer{aead: aead, aad: aad, n: len(aad)}, nil
}

func (s *sealer) nonceAAD(index uint32, final bool) ([]byte, []byte) {
	var nonce [12]byte
	binary.BigEndian.PutUint32(nonce[8:], index)
	flag := byte(0)
	if final {
		flag, nonce[0] = 1, 1
	}
	s.aad = binary.BigEndian.AppendUint32(s.aad[:s.n], index)
	s.aad = append(s.aad, flag)
	return nonce[:], s.aad
}

// seal appends the sealed plaintext to dst.
func (s *sealer) seal(dst []byte, index uint32, final bool, plain []byte) []byte {
	nonce, aad := s.nonceAAD(index, final)
	return s.aead.Seal(dst, nonce, plain, aad)
}

// open appends the plaintext to dst, or fails TRANSFER_CORRUPT.
func (s *sealer) open(dst []byte, index uint32, final bool, sealed []byte) ([]byte, error) {
	nonce, aad := s.nonceAAD(index, final)
	out, err := s.aead.Open(dst, nonce, sealed, aad)
	if err != nil {
		return nil, errorf(api.CodeTransferCorrupt, "chunk %d does not open under the transfer key at its place", index)
	}
	return out, nil
}

// totals close a transfer: rows, chunks and bytes of rows in all, and the
// response digest.
type totals struct {
	Rows   uint64
	Chunks uint32
	Bytes  uint64
	Digest [32]byte
}

func (t totals) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, t.Rows)
	b = binary.BigEndian.AppendUint32(b, t.Chunks)
	b = binary.BigEndian.AppendUint64(b, t.Bytes)
	return append(b, t.Digest[:]...)
}

func decodeTotals(b []byte) (totals, error) {
	if len(b) != totalsLen {
		return totals{}, errorf(api.CodeTransferCorrupt, "totals of %d bytes", len(b))
	}
	t := totals{Rows: binary.BigEndian.Uint64(b), Chunks: binary.BigEndian.Uint32(b[8:]), Bytes: binary.BigEndian.Uint64(b[12:])}
	copy(t.Digest[:], b[20:])
	return t, nil
}

// digester hashes the response stream (its SM3 hash list, blocks hashed
// on other goroutines): the header, then every chunk's plaintext,
// counting as it goes.
type digester struct {
	h *hashlist.Hasher
	t totals
}

func newDigester(salt string, fields []string) *digester {
	d := &digester{h: hashlist.New()}
	d.h.Write(responseHeader(salt, fields))
	return d
}

func (d *digester) chunk(plain []byte, rows int) {
	d.h.Write(plain)
	d.t.Rows += uint64(rows)
	d.t.Chunks++
	d.t.Bytes += uint64(len(plain))
}

func (d *digester) totals() totals {
	t := d.t
	t.Digest = d.h.Sum()
	return t
}

// errRowTooLarge: a row that does not fit in one chunk.
var errRowTooLarge = errors.New("a row is larger than a chunk")

// project reads the request's rows and cuts them into chunks of up to
// size bytes at row boundaries, calling emit with each chunk's index and
// plaintext (a buffer reused after emit returns). It returns the totals
// and digest of the whole response stream, whose header holds salt.
func project(ctx context.Context, rows Rows, q record.DataRequest, salt string, size int, emit func(uint32, []byte) error) (totals, error) {
	it, err := rows.Rows(ctx, q.DatasetID, q.Fields, q.Subjects)
	if err != nil {
		return totals{}, err
	}
	defer it.Close()
	d := newDigester(salt, q.Fields)
	buf := make([]byte, 0, size)
	n := 0
	flush := func() error {
		if err := emit(d.t.Chunks, buf); err != nil {
			return err
		}
		d.chunk(buf, n)
		buf, n = buf[:0], 0
		return nil
	}
	var row []byte
	for it.Next() {
		r := it.Row()
		if len(r) != len(q.Fields) {
			return totals{}, errorf(api.CodeDataChanged, "a row has %d values for %d fields", len(r), len(q.Fields))
		}
		row = appendRow(row[:0], r)
		if len(row) > size {
			return totals{}, errRowTooLarge
		}
		if len(buf)+len(row) > size {
			if err := flush(); err != nil {
				return totals{}, err
			}
		}
		buf = append(buf, row...)
		n++
	}
	if err := it.Err(); err != nil {
		return totals{}, err
	}
	if len(buf) > 0 {
		if err := flush(); err != nil {
			return totals{}, err
		}
	}
	return d.totals(), nil
}

func appendIndex(dst []byte, i uint32) []byte { return binary.BigEndian.AppendUint32(dst, i) }

func hexDigest(d [32]byte) string { return hex.EncodeToString(d[:]) }
