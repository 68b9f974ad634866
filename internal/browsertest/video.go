package browsertest

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"os"

	qr "github.com/piglig/go-qr"
)

// WriteQRVideo writes path as a video (WriteImageVideo) of text as a QR
// code: black on white, error correction M (L if it does not fit), a
// quiet zone of 4 modules, at least 4 pixels a module and about 720
// pixels square.
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
	img := image.NewGray(image.Rect(0, 0, modules*scale, modules*scale))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			mx, my := x/scale-quiet, y/scale-quiet
			light := mx < 0 || my < 0 || mx >= code.Size() || my >= code.Size() || !code.Module(mx, my)
			if light {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	return WriteImageVideo(path, img)
}

// WriteImageVideo writes path as a Y4M video (YUV 4:2:0, in grey) of one
// frame, img, which Chromium's fake camera shows in a loop; an odd width
// or height gains a white column or row.
func WriteImageVideo(path string, img image.Image) error {
	r := img.Bounds()
	w, h := r.Dx()+r.Dx()%2, r.Dy()+r.Dy()%2
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(f)
	fmt.Fprintf(out, "YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg\nFRAME\n", w, h)
	for y := range h {
		for x := range w {
			luma := byte(255)
			if x < r.Dx() && y < r.Dy() {
				luma = color.GrayModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.Gray).Y
			}
			out.WriteByte(luma)
		}
	}
	chroma := make([]byte, 2*(w/2)*(h/2)) // U then V: no colour
	for i := range chroma {
		chroma[i] = 128
	}
	out.Write(chroma)
	if err := out.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
