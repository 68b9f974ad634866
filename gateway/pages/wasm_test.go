package pages

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// wasmMagic begins every WebAssembly module.
var wasmMagic = []byte("\x00asm")

// The module is served compressed to a browser, expanded to a client that
// does not take gzip, revalidated by its ETag, and never as its .gz file.
func TestTheWebAssemblyModuleIsServedCompressedOrExpanded(t *testing.T) {
	if wasmModule.gz == nil {
		t.Fatal("the pages' WebAssembly module is not built into this binary: run `make wasm` (scripts/build-wasm.sh) first")
	}
	mux := newMux(t)
	res := get(t, mux, wasmPath, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Content-Type") != "application/wasm" {
		t.Fatalf("compressed: %d %v", res.StatusCode, res.Header)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 4)
	if _, err := io.ReadFull(zr, head); err != nil || !bytes.Equal(head, wasmMagic) {
		t.Fatalf("the compressed answer expands to %q, %v", head, err)
	}
	etag := res.Header.Get("ETag")
	if res := get(t, mux, wasmPath, http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {etag}}); res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidated with its ETag: %d", res.StatusCode)
	}
	for _, ae := range []string{"", "identity", "gzip;q=0"} {
		res := get(t, mux, wasmPath, http.Header{"Accept-Encoding": {ae}})
		body := readBody(t, res)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(body, string(wasmMagic)) || res.Header.Get("ETag") != "" {
			t.Errorf("Accept-Encoding %q: %d %v, %d bytes", ae, res.StatusCode, res.Header, len(body))
		}
	}
	if res := get(t, mux, wasmPath+".gz", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the .gz file itself: %d", res.StatusCode)
	}
}

// Only a page that uses the module may compile WebAssembly; no page may
// eval JavaScript.
func TestOnlyAWebAssemblyPageMayCompileIt(t *testing.T) {
	mux := newMux(t)
	for _, p := range Pages {
		csp := get(t, mux, p.Path, nil).Header.Get("Content-Security-Policy")
		if got := strings.Contains(csp, "'wasm-unsafe-eval'"); got != p.WASM {
			t.Errorf("%s: %q", p.Path, csp)
		}
		if strings.Contains(csp, "'unsafe-eval'") || strings.Contains(csp, "'unsafe-inline'") {
			t.Errorf("%s: %q", p.Path, csp)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for ae, want := range map[string]bool{"gzip": true, "deflate, gzip;q=0.5": true, "GZIP": true, "br": false, "gzip;q=0": false, "gzip; q=0.0": false, "": false, "x-gzip": false} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", ae)
		if acceptsGzip(r) != want {
			t.Errorf("%q: %v", ae, !want)
		}
	}
}
