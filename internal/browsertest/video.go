package browsertest

import (
	"bufio"
	"fmt"
	"os"

	qr "github.com/piglig/go-qr"
)

// WriteQRVideo writes path as a Y4M video (YUV 4:2:0, one frame, which the
// fake camera shows in a loop) of text as a QR code: black on white, error
// correction M (L if it does not fit), a quiet zone of 4 modules, at least
// 4 pixels a module and about 720 pixels square.
func WriteQRVideo(path, text string) error {
	code, err := qr.EncodeText(text, qr.Medium)
	if err != nil {
		code, err = qr.EncodeText(text, qr.Low)
	}
	if err != nil {
		return err
	}
	const quiet = 4
	modules := code.Size() + 2*quiet
	scale := max(4, 720/modules)
	side := modules * scale
	side += side % 2 // 4:2:0 halves each side
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg\nFRAME\n", side, side)
	for y := range side {
		for x := range side {
			mx, my := x/scale-quiet, y/scale-quiet
			luma := byte(255)
			if mx >= 0 && my >= 0 && mx < code.Size() && my < code.Size() && code.Module(mx, my) {
				luma = 0
			}
			w.WriteByte(luma)
		}
	}
	chroma := make([]byte, 2*(side/2)*(side/2)) // U then V: no colour
	for i := range chroma {
		chroma[i] = 128
	}
	w.Write(chroma)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
