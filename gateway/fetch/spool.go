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
	iter *spoolIter // the last iterator made, stopped before the file closes
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
	if s.iter != nil {
		s.iter.Close()
	}
	err := s.f.Close()
	if rerr := os.Remove(s.f.Name()); err == nil {
		err = rerr
	}
	return err
}

// rows reads the spool from its start, stopping the iterator before: a
// goroutine reads and opens the next chunk while the caller reads the
// rows of this one. Close stops it.
func (s *spool) rows(width int) (RowIter, error) {
	if s.iter != nil {
		s.iter.Close()
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	it := &spoolIter{width: width, ready: make(chan opened, 1), free: make(chan []byte, 2), quit: make(chan struct{}), done: make(chan struct{})}
	it.free <- nil
	it.free <- nil
	s.iter = it
	go it.read(&chunkReader{s: s, r: bufio.NewReaderSize(s.f, 1<<20)})
	return it, nil
}

// each calls fn with each chunk's plaintext, in order.
func (s *spool) each(fn func([]byte) error) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	c := &chunkReader{s: s, r: bufio.NewReaderSize(s.f, 1<<20)}
	var buf []byte
	for {
		plain, err := c.next(buf)
		if err != nil || plain == nil {
			return err
		}
		if err := fn(plain); err != nil {
			return err
		}
		buf = plain
	}
}

// chunkReader reads the spool's chunks in order.
type chunkReader struct {
	s     *spool
	r     *bufio.Reader
	index uint32
}

// next reads the next chunk into buf (grown as needed) and opens it in
// place: nil at the end.
func (c *chunkReader) next(buf []byte) ([]byte, error) {
	var h [8]byte
	if _, err := io.ReadFull(c.r, h[:]); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, err
	}
	n, k := binary.BigEndian.Uint32(h[:]), binary.BigEndian.Uint32(h[4:])
	if n > MaxChunk+sealOverhead || k >= uint32(len(c.s.keys)) {
		return nil, errorf(api.CodeTransferCorrupt, "chunk %d's header is not the spool's", c.index)
	}
	if cap(buf) < int(n) {
		buf = make([]byte, n)
	}
	sealed := buf[:n]
	if _, err := io.ReadFull(c.r, sealed); err != nil {
		return nil, err
	}
	plain, err := c.s.keys[k].open(sealed[:0], c.index, false, sealed)
	if err != nil {
		return nil, err
	}
	c.index++
	return plain, nil
}

// spoolIter hands out the rows of the chunks its reader goroutine opens,
// two buffers going round between them.
type spoolIter struct {
	width int
	ready chan opened   // chunks opened, in order; the last one nil or failed
	free  chan []byte   // buffers back from the rows' decoding
	quit  chan struct{} // closed by Close
	done  chan struct{} // closed when the reader goroutine ends
	end   bool          // the last chunk came
	rows  [][]string    // the rows of the chunk loaded
	at    int           // the next of rows
	row   []string
	err   error
}

type opened struct {
	plain []byte
	err   error
}

func (it *spoolIter) read(c *chunkReader) {
	defer close(it.done)
	for {
		var buf []byte
		select {
		case buf = <-it.free:
		case <-it.quit:
			return
		}
		plain, err := c.next(buf)
		select {
		case it.ready <- opened{plain, err}:
		case <-it.quit:
			return
		}
		if plain == nil || err != nil {
			return
		}
	}
}

func (it *spoolIter) Next() bool {
	for it.at == len(it.rows) {
		if it.end || !it.load() {
			return false
		}
	}
	it.row = it.rows[it.at]
	it.at++
	return true
}

// load decodes the next chunk's rows; false at the end or on an error.
func (it *spoolIter) load() bool {
	it.rows, it.at = it.rows[:0], 0
	o := <-it.ready
	if o.plain == nil || o.err != nil {
		it.end, it.err = true, o.err
		return false
	}
	err := decodeRows(o.plain, it.width, func(r []string) { it.rows = append(it.rows, r) })
	it.free <- o.plain
	if err != nil {
		it.end, it.err = true, err
		return false
	}
	return true
}

func (it *spoolIter) Row() []string { return it.row }
func (it *spoolIter) Err() error    { return it.err }

// Close stops the reader goroutine and waits for it; Next is false after
// it. It may be called more than once.
func (it *spoolIter) Close() error {
	select {
	case <-it.quit:
	default:
		close(it.quit)
	}
	<-it.done
	it.end, it.rows, it.at = true, nil, 0
	return nil
}
