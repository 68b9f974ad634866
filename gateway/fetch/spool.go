package fetch

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// spool keeps a fetch's rows until its caller reads them: each chunk
// sealed under a key of its own, held in memory only, in a temporary file
// removed on close. Nothing of the rows is readable from the disk.
type spool struct {
	f   *os.File
	w   *bufio.Writer
	sl  *sealer
	buf []byte
}

func newSpool(dir string) (*spool, error) {
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	sl, err := newSealer(key, "spool")
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "wanledger-fetch-*")
	if err != nil {
		return nil, fmt.Errorf("fetch spool: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 64<<10), sl: sl}, nil
}

// write appends chunk i: its sealed length, then the sealed bytes.
func (s *spool) write(i uint32, plain []byte) error {
	s.buf = s.sl.seal(binary.BigEndian.AppendUint32(s.buf[:0], 0), i, false, plain)
	binary.BigEndian.PutUint32(s.buf, uint32(len(s.buf)-4))
	_, err := s.w.Write(s.buf)
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

type spoolIter struct {
	s       *spool
	r       *bufio.Reader
	width   int
	index   uint32
	pending [][]string
	row     []string
	err     error
}

func (it *spoolIter) Next() bool {
	for len(it.pending) == 0 {
		if it.err != nil || !it.load() {
			return false
		}
	}
	it.row, it.pending = it.pending[0], it.pending[1:]
	return true
}

// load reads and opens the next chunk; false at the end or on an error.
func (it *spoolIter) load() bool {
	var n [4]byte
	if _, err := io.ReadFull(it.r, n[:]); err != nil {
		if err != io.EOF {
			it.err = err
		}
		return false
	}
	sealed := make([]byte, binary.BigEndian.Uint32(n[:]))
	if _, err := io.ReadFull(it.r, sealed); err != nil {
		it.err = err
		return false
	}
	plain, err := it.s.sl.open(nil, it.index, false, sealed)
	if err == nil {
		err = decodeRows(plain, it.width, func(r []string) { it.pending = append(it.pending, r) })
	}
	if err != nil {
		it.err = err
		return false
	}
	it.index++
	return true
}

func (it *spoolIter) Row() []string { return it.row }
func (it *spoolIter) Err() error    { return it.err }
func (it *spoolIter) Close() error  { return nil }
