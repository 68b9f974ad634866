package datasets

import (
	"bufio"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"slices"

	"github.com/emmansun/gmsm/sm4"
	"github.com/wanledger/wanledger/internal/keyfile"
)

// KeyFile is the name of the data key's file in a store's directory.
const KeyFile = "data.key"

// openKey loads the store's SM4 data key from path, making it on first use,
// and returns its GCM.
func openKey(path string) (cipher.AEAD, error) {
	key, err := keyfile.Random(path, sm4.BlockSize)
	if err != nil {
		return nil, err
	}
	b, err := sm4.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// seal encrypts plain under a fresh nonce, bound to the row's key (ad):
// nonce || ciphertext || tag, appended to dst.
func seal(a cipher.AEAD, dst, plain, ad []byte) ([]byte, error) {
	n := len(dst)
	dst = append(dst, make([]byte, a.NonceSize())...)
	if _, err := rand.Read(dst[n:]); err != nil {
		return nil, err
	}
	return a.Seal(dst, dst[n:], plain, ad), nil
}

var errCorrupt = errors.New("stored rows do not decrypt or decode: the file is corrupt or cut off, or the key is not the one it was written with")

// unseal decrypts what seal made into dst.
func unseal(a cipher.AEAD, dst, sealed, ad []byte) ([]byte, error) {
	ns := a.NonceSize()
	if len(sealed) < ns+a.Overhead() {
		return nil, errCorrupt
	}
	out, err := a.Open(dst, sealed[:ns], sealed[ns:], ad)
	if err != nil {
		return nil, errCorrupt
	}
	return out, nil
}

// encodeRow appends the subject and values, each as a uvarint length and
// its bytes.
func encodeRow(dst []byte, subject string, values []string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(subject)))
	dst = append(dst, subject...)
	for _, v := range values {
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	return dst
}

// decodeRow reads what encodeRow wrote of n values into vals (reused),
// returning the subject. The strings share b's memory: no copies.
func decodeRow(b string, n int, vals []string) (string, []string, error) {
	vals = vals[:0]
	next := func() (string, bool) {
		l, k := uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) {
			return "", false
		}
		s := b[k : k+int(l)]
		b = b[k+int(l):]
		return s, true
	}
	subject, ok := next()
	for i := 0; ok && i < n; i++ {
		var v string
		v, ok = next()
		vals = append(vals, v)
	}
	if !ok || len(b) != 0 {
		return "", nil, errCorrupt
	}
	return subject, vals, nil
}

// uvarint is binary.Uvarint of a string's bytes, refusing encodings longer
// than needed, so that a row has one encoding.
func uvarint(s string) (uint64, int) {
	var x uint64
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		c := s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 || i > 0 && c == 0 {
				return 0, -(i + 1)
			}
			return x | uint64(c)<<(7*i), i + 1
		}
		x |= uint64(c&0x7f) << (7 * i)
	}
	return 0, 0
}

// A rows file is a sequence of frames, each a sealed chunk of rows: a 4-byte
// big-endian length of the sealed chunk, a flag byte (1 on the last frame,
// else 0), then the sealed chunk, its additional data the generation, the
// frame's index and its flag, so frames cannot be reordered, moved between
// files or cut off unnoticed. A chunk holds rows, each a uvarint length and
// its encodeRow bytes, up to chunkSize bytes (a longer row fills one).
const (
	chunkSize = 64 << 10
	maxFrame  = 64 << 20 // sanity bound on a frame's length when reading
)

func frameAD(gen, idx uint64, last byte) []byte {
	ad := binary.BigEndian.AppendUint64(nil, gen)
	ad = binary.BigEndian.AppendUint64(ad, idx)
	return append(ad, last)
}

type sealWriter struct {
	w               *bufio.Writer
	aead            cipher.AEAD
	gen, idx        uint64
	plain, enc, box []byte
}

func newSealWriter(w io.Writer, a cipher.AEAD, gen uint64) *sealWriter {
	return &sealWriter{w: bufio.NewWriterSize(w, chunkSize+1024), aead: a, gen: gen, plain: make([]byte, 0, chunkSize+1024)}
}

func (w *sealWriter) row(subject string, values []string) error {
	w.enc = encodeRow(w.enc[:0], subject, values)
	w.plain = binary.AppendUvarint(w.plain, uint64(len(w.enc)))
	w.plain = append(w.plain, w.enc...)
	if len(w.plain) >= chunkSize {
		return w.flush(0)
	}
	return nil
}

func (w *sealWriter) flush(last byte) error {
	var err error
	if w.box, err = seal(w.aead, w.box[:0], w.plain, frameAD(w.gen, w.idx, last)); err != nil {
		return err
	}
	var head [5]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(w.box)))
	head[4] = last
	if _, err := w.w.Write(head[:]); err != nil {
		return err
	}
	if _, err := w.w.Write(w.box); err != nil {
		return err
	}
	w.idx++
	w.plain = w.plain[:0]
	return nil
}

// close writes the last frame (possibly of no rows).
func (w *sealWriter) close() error {
	if err := w.flush(1); err != nil {
		return err
	}
	return w.w.Flush()
}

type sealReader struct {
	r          *bufio.Reader
	aead       cipher.AEAD
	gen, idx   uint64
	box, plain []byte
	rest       string // rows of the current chunk not yet read: one string a chunk, so rows cost no copies
	last       bool
}

func newSealReader(r io.Reader, a cipher.AEAD, gen uint64) *sealReader {
	return &sealReader{r: bufio.NewReaderSize(r, chunkSize+1024), aead: a, gen: gen}
}

// next returns the next row's encoding; io.EOF after the last frame's last
// row.
func (r *sealReader) next() (string, error) {
	for len(r.rest) == 0 {
		if r.last {
			if _, err := r.r.ReadByte(); err != io.EOF {
				return "", errCorrupt // data after the last frame
			}
			return "", io.EOF
		}
		if err := r.frame(); err != nil {
			return "", err
		}
	}
	l, k := uvarint(r.rest)
	if k <= 0 || l > uint64(len(r.rest)-k) {
		return "", errCorrupt
	}
	row := r.rest[k : k+int(l)]
	r.rest = r.rest[k+int(l):]
	return row, nil
}

func (r *sealReader) frame() error {
	var head [5]byte
	if _, err := io.ReadFull(r.r, head[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return errCorrupt // cut off before its last frame
		}
		return err
	}
	n := binary.BigEndian.Uint32(head[:4])
	if n > maxFrame || head[4] > 1 {
		return errCorrupt
	}
	r.box = slices.Grow(r.box[:0], int(n))[:n]
	if _, err := io.ReadFull(r.r, r.box); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return errCorrupt
		}
		return err
	}
	var err error
	if r.plain, err = unseal(r.aead, r.plain[:0], r.box, frameAD(r.gen, r.idx, head[4])); err != nil {
		return err
	}
	r.idx++
	r.rest, r.last = string(r.plain), head[4] == 1
	return nil
}
