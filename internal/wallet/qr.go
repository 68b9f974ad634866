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

// SVG draws the code as an SVG image, dark modules on a light ground with
// a quiet zone of 4 modules, 8 pixels a module at its natural size: for a
// page to show it (a presentation discloses field values, so a page draws
// it itself rather than asking a server to). Each row's runs of dark
// modules are one rectangle of the path.
func (q *QR) SVG() []byte {
	const quiet = 4
	size := q.code.Size()
	side := size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, side, side, 8*side, 8*side)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, side, side)
	for y := range size {
		for x := 0; x < size; {
			if !q.code.Module(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < size && q.code.Module(x+run, y) {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String())
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
