package wallet

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
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

// A QR code's SVG drawing, read back module by module as a picture,
// decodes to the text, with a quiet zone of 4 modules and 8 pixels a
// module at its natural size.
func TestAQRCodesSVGDecodesToItsText(t *testing.T) {
	text := "{\"nonce\":\"" + strings.Repeat("n", 64) + "\",\"audience\":\"WuhuMSP\"} 合肥"
	code, err := NewQR(text)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(code.SVG())
	var side, width int
	if _, err := fmt.Sscanf(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d"`, &side, &side, &width); err != nil ||
		side != code.code.Size()+8 || width != 8*side || !strings.HasSuffix(svg, `"/></svg>`) {
		t.Fatalf("side %d, width %d (%v), for %d modules: %.120s", side, width, err, code.code.Size(), svg)
	}
	// Paint each rectangle "M x y h n v1 h-n z" of the path, 4 pixels a module.
	const px = 4
	img := image.NewGray(image.Rect(0, 0, side*px, side*px))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	path := svg[strings.Index(svg, ` d="`)+4 : strings.LastIndex(svg, `"/>`)]
	for _, r := range strings.Split(strings.TrimSuffix(path, "z"), "z") {
		var x, y, n, back int
		if _, err := fmt.Sscanf(r, "M%d %dh%dv1h-%d", &x, &y, &n, &back); err != nil || back != n {
			t.Fatalf("the path's %q: %v", r, err)
		}
		draw.Draw(img, image.Rect(x*px, y*px, (x+n)*px, (y+1)*px), image.Black, image.Point{}, draw.Src)
	}
	if back, err := qr.Decode(img); err != nil || back != text {
		t.Fatalf("the SVG decodes to %q (%v), want %q", back, err, text)
	}
}
