//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"github.com/wanledger/wanledger/internal/wallet"
)

func init() {
	exports["qrSVG"] = qrSVG
	codes[wallet.ErrTooLargeForQR] = "TOO_LARGE_FOR_QR"
}

// qrSVG(text) answers text as a QR code, an SVG document (wallet.QR.SVG),
// drawn in the tab: a presentation's QR code never leaves it.
func qrSVG(args []js.Value) (any, error) {
	s, err := strings(args, 1)
	if err != nil {
		return nil, err
	}
	if len(s[0]) > wallet.MaxQRBytes {
		return nil, fmt.Errorf("%d bytes, %w (at most %d)", len(s[0]), wallet.ErrTooLargeForQR, wallet.MaxQRBytes)
	}
	q, err := wallet.NewQR(s[0])
	if err != nil {
		return nil, err
	}
	return string(q.SVG()), nil
}
