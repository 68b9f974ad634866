package wallet

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	qr "github.com/piglig/go-qr"
)

// MaxQRBytes is the most one QR code holds in byte mode (version 40,
// error correction level L).
const MaxQRBytes = 2953

// ErrTooLargeForQR is returned for a text that no single QR code holds.
var ErrTooLargeForQR = errors.New("too large for one QR code")

// QR is a QR code of a presentation.
type QR struct{ code *qr.QrCode }

// NewQR encodes text in the smallest QR code that holds it, at error
// correction level M or higher where it fits, L otherwise.
func NewQR(text string) (*QR, error) {
	code, err := qr.EncodeText(text, qr.Medium)
	if errors.Is(err, qr.ErrDataTooLong) {
		code, err = qr.EncodeText(text, qr.Low)
	}
	if errors.Is(err, qr.ErrDataTooLong) {
		return nil, fmt.Errorf("the presentation is %d bytes, %w (at most %d): disclose fewer fields, or give it as text", len(text), ErrTooLargeForQR, MaxQRBytes)
	}
	if err != nil {
		return nil, err
	}
	return &QR{code: code}, nil
}

// WritePNG writes the code as a PNG image (8 pixels a module, a quiet
// zone of 4 modules) to a new file path, mode 0600: it may disclose field
// values. An existing file is an error (os.ErrExist) unless overwrite.
func (q *QR) WritePNG(path string, overwrite bool) error {
	b, err := q.code.ToPNGBytes(qr.NewQrCodeImgConfig(8, 4))
	if err != nil {
		return err
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !overwrite {
		flag |= os.O_EXCL
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// WriteTerminal draws the code in text, two modules a character with the
// Unicode half blocks, light modules drawn and dark ones blank (as for a
// terminal of light text on a dark background), with a quiet zone of 2
// modules.
func (q *QR) WriteTerminal(w io.Writer) error {
	const quiet = 2
	size := q.code.Size()
	dark := func(x, y int) bool {
		return x >= 0 && y >= 0 && x < size && y < size && q.code.Module(x, y)
	}
	var b strings.Builder
	for y := -quiet; y < size+quiet; y += 2 {
		for x := -quiet; x < size+quiet; x++ {
			top, bottom := !dark(x, y), !dark(x, y+1) && y+1 < size+quiet
			switch {
			case top && bottom:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bottom:
				b.WriteRune('▄')
			default:
				b.WriteRune(' ')
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
