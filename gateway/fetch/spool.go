package fetch

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/wanledger/wanledger/api"
)

// spool keeps a fetch's rows until its caller reads them: each chunk as
// it came, sealed under its transfer's key (one per accept, held in
// memory only), with that key's number, in a temporary file removed on
// close. Nothing of the rows is readable from the disk.
type spool struct {
	f    *os.File
	w    *bufio.Writer
	keys []*sealer
	buf  []byte
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "wanledger-fetch-*")
	if err != nil {
		return nil, fmt.Errorf("fetch spool: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// write appends the next chunk, sealed under the latest key: its length,
// its key's number, then its bytes.
func (s *spool) write(sealed []byte) error {
	s.buf = binary.BigEndian.AppendUint32(s.buf[:0], uint32(len(sealed)))
	s.buf = binary.BigEndian.AppendUint32(s.buf, uint32(len(s.keys)-1))
	if _, err := s.w.Write(s.buf); err != nil {
		return err
	}
	_, err := s.w.Write(sealed)
	return err
}

func (s *spool) sync() error { return s.w.Flush() }

func (s *spool) close() error {
	err := s.f.Close()
	if rerr := os.Remove(s.f.Name()); err == nil {
		err = rerr
	}
	return err
}

// rows reads the spool from its start.
func (s *spool) rows(width int) (RowIter, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return &spoolIter{s: s, r: bufio.NewReaderSize(s.f, 64<<10), width: width}, nil
}

// each calls fn with each chunk's plaintext, in order.
func (s *spool) each(fn func([]byte) error) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	it := &spoolIter{s: s, r: bufio.NewReaderSize(s.f, 64<<10)}
	for {
		plain, err := it.next()
		if err != nil || plain == nil {
			return err
		}
		if err := fn(plain); err != nil {
			return err
		}
	}
}

type spoolIter struct {
	s     *spool
	r     *bufio.Reader
	width int
	index uint32
	buf   []byte     // the chunk read, opened in place
	rows  [][]string // the rows of the chunk loaded
	at    int        // the next of rows
	row   []string
	err   error
}

func (it *spoolIter) Next() bool {
	for it.at == len(it.rows) {
		if it.err != nil || !it.load() {
			return false
		}
	}
	it.row = it.rows[it.at]
	it.at++
	return true
}

// load reads, opens and decodes the next chunk; false at the end or on
// an error.
func (it *spoolIter) load() bool {
	it.rows, it.at = it.rows[:0], 0
	plain, err := it.next()
	if err == nil && plain != nil {
		err = decodeRows(plain, it.width, func(r []string) { it.rows = append(it.rows, r) })
	}
	if err != nil {
		it.err = err
	}
	return err == nil && plain != nil
}

// next reads and opens the next chunk: nil at the end. The plaintext is
// valid until the next call.
func (it *spoolIter) next() ([]byte, error) {
	var h [8]byte
	if _, err := io.ReadFull(it.r, h[:]); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, err
	}
	n, k := binary.BigEndian.Uint32(h[:]), binary.BigEndian.Uint32(h[4:])
	if n > MaxChunk+sealOverhead || k >= uint32(len(it.s.keys)) {
		return nil, errorf(api.CodeTransferCorrupt, "chunk %d's header is not the spool's", it.index)
	}
	if cap(it.buf) < int(n) {
		it.buf = make([]byte, n)
	}
	sealed := it.buf[:n]
	if _, err := io.ReadFull(it.r, sealed); err != nil {
		return nil, err
	}
	plain, err := it.s.keys[k].open(sealed[:0], it.index, false, sealed)
	if err != nil {
		return nil, err
	}
	it.index++
	return plain, nil
}

func (it *spoolIter) Row() []string { return it.row }
func (it *spoolIter) Err() error    { return it.err }
func (it *spoolIter) Close() error  { return nil }
