package wallet

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	qr "github.com/piglig/go-qr"
)

// A presentation's PNG QR code decodes back to the presentation; its
// terminal drawing is square; one too large for a QR code is refused.
func TestAPresentationRoundTripsThroughItsQRCode(t *testing.T) {
	w, pub := newWallet(t)
	if _, err := w.Import(issue(t, "BL-Q", pub.Hex()).file); err != nil {
		t.Fatal(err)
	}
	text, err := w.Present("BL-Q", []string{"name", "creditCode"}, "nonce-12345678", "wuhu-amr", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, err := NewQR(text)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "p.png")
	if err := code.WritePNG(path, false); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	back, err := qr.Decode(img)
	if err != nil || back != text {
		t.Fatalf("the PNG decodes to %q (%v), want the presentation", back, err)
	}

	var term bytes.Buffer
	if err := code.WriteTerminal(&term); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(term.String(), "\n"), "\n")
	side := code.code.Size() + 4
	if len(lines) != (side+1)/2 || len([]rune(lines[0])) != side || strings.Trim(lines[0], "█") != "" {
		t.Errorf("terminal drawing of %d lines, first %q, for %d modules", len(lines), lines[0], side)
	}

	if _, err := NewQR(strings.Repeat("A", MaxQRBytes) + "~"); !errors.Is(err, ErrTooLargeForQR) || !strings.Contains(err.Error(), "too large for one QR code") {
		t.Errorf("a presentation of %d bytes: %v", MaxQRBytes+1, err)
	}
}
