package pages

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// wasmPath is where the pages' WebAssembly module is served; it is kept
// gzip-compressed in the binary (assets/wasm/wanledger.wasm.gz, built by
// scripts/build-wasm.sh, `make wasm`).
const wasmPath = "/ui/assets/wasm/wanledger.wasm"

// module is the compressed WebAssembly module and its ETag (of the
// compressed bytes); gz is nil in a binary built without it.
type module struct {
	gz   []byte
	etag string
}

// wasmModule is the module, read once.
var wasmModule = func() module {
	b, err := fs.ReadFile(files, "assets/wasm/wanledger.wasm.gz")
	if errors.Is(err, fs.ErrNotExist) {
		return module{}
	}
	if err != nil {
		panic("pages: " + err.Error()) // an embedded file that cannot be read is a broken build
	}
	sum := sha256.Sum256(b)
	return module{gz: b, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}()

// serveWASM answers the module as application/wasm: the compressed bytes
// with Content-Encoding gzip to a client that accepts it, else expanded.
// A binary built without the module answers 404 saying so.
func serveWASM(w http.ResponseWriter, r *http.Request) {
	m := wasmModule
	if m.gz == nil {
		http.Error(w, "404 this gateway was built without the pages' WebAssembly module (make wasm)", http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		h.Set("ETag", m.etag) // of the compressed bytes only
		h.Set("Content-Encoding", "gzip")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(m.gz))
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(m.gz))
	if err != nil {
		http.Error(w, "500 internal error", http.StatusInternalServerError)
		return
	}
	if r.Method != http.MethodHead {
		io.Copy(w, zr) //nolint:errcheck // the client may have gone
	}
}

// acceptsGzip reports whether the request's Accept-Encoding names gzip
// without refusing it (q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
