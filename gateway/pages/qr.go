package pages

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/wanledger/wanledger/internal/wallet"
)

// MaxQRText is the most bytes /ui/qr.svg encodes: a nonce's JSON with room
// to spare.
const MaxQRText = 512

// serveQR answers /ui/qr.svg?text=T with T as a QR code in SVG, drawn as
// the citizen's page draws a presentation's (wallet.QR.SVG: error
// correction M, a quiet zone of 4 modules, 8 pixels a module): 400 for an
// empty, invalid UTF-8 or longer than MaxQRText text.
func serveQR(w http.ResponseWriter, r *http.Request) {
	text := r.URL.Query().Get("text")
	if text == "" || len(text) > MaxQRText || !utf8.ValidString(text) {
		http.Error(w, "400 text: 1 to 512 bytes of UTF-8", http.StatusBadRequest)
		return
	}
	code, err := wallet.NewQR(text)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, wallet.ErrTooLargeForQR) {
			status = http.StatusBadRequest
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(code.SVG()) //nolint:errcheck // the client may have gone
}
