package browsertest

import (
	"bufio"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	qr "github.com/piglig/go-qr"
)

// serve serves one page of HTML under a strict policy, and a script.
func serve(t *testing.T, html string) string {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, html)
	})
	mux.HandleFunc("GET /camera.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, cameraJS)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

const form = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>form</title></head><body><main>
<h1>A form</h1><form><label for="a">First</label><input id="a"><label for="b">Second</label><input id="b">
<button id="go" type="button">Go</button></form></main></body></html>`

// The keyboard moves the focus and types; axe passes a sound page.
func TestTheKeyboardAloneFillsAFormAndAxePassesIt(t *testing.T) {
	b := Start(t, Options{})
	b.Open(serve(t, form))
	b.TabTo("b", 3)
	b.Type("wl_key")
	b.ShiftTab()
	b.Paste("粘贴")
	if a, v := Eval[string](b, `document.getElementById('a').value`), Eval[string](b, `document.getElementById('b').value`); a != "粘贴" || v != "wl_key" {
		t.Errorf("the inputs hold %q and %q", a, v)
	}
	b.CheckAccessibility()
	b.NoProblems()
	if p := b.Screenshot("form"); !strings.HasPrefix(p, t.ArtifactDir()) {
		t.Errorf("screenshot at %s", p)
	}
}

// axe finds a serious violation (an image without a text alternative, an
// input without a label); an inline script the policy blocks is a problem.
func TestAxeAndThePolicyCatchFaults(t *testing.T) {
	b := Start(t, Options{})
	b.Open(serve(t, `<!doctype html><html lang="en"><head><title>bad</title></head><body><main>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input id="x"><script>document.title = 'ran'</script></main></body></html>`))
	vs := Eval[[]Violation](b, axeSource+"\n;"+axeRun)
	ids := map[string]bool{}
	for _, v := range vs {
		ids[v.ID] = true
	}
	if !ids["image-alt"] || !ids["label"] {
		t.Errorf("axe found %+v", vs)
	}
	if Eval[string](b, `document.title`) == "ran" {
		t.Error("the inline script ran")
	}
	if p := b.Problems(); len(p) == 0 || !strings.Contains(strings.Join(p, " "), "Content Security Policy") {
		t.Errorf("problems: %q", p)
	}
}

// cameraJS reads the camera's middle row into the page: 0 for dark
// pixels, 1 for light ones, run-length coded.
const cameraJS = `
navigator.mediaDevices.getUserMedia({video: true}).then(async (s) => {
  const v = document.querySelector('video'); v.srcObject = s; await v.play();
  const tick = () => {
    if (v.videoWidth === 0) return setTimeout(tick, 50);
    const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
    const g = c.getContext('2d'); g.drawImage(v, 0, 0);
    const row = g.getImageData(0, Math.floor(c.height / 2), c.width, 1).data;
    let out = [], last = -1;
    for (let i = 0; i < row.length; i += 4) { const d = row[i] > 127 ? 1 : 0; if (d !== last) { out.push(d); last = d; } }
    document.querySelector('output').textContent = v.videoWidth + 'x' + v.videoHeight + ' ' + out.join('');
  };
  tick();
}).catch((e) => { document.querySelector('output').textContent = 'error ' + e.name; });`

// The fake camera shows the QR code WriteQRVideo made, written after the
// browser started: a square frame, light at its edges, dark modules inside.
func TestTheFakeCameraShowsTheQRCode(t *testing.T) {
	video := filepath.Join(t.TempDir(), "qr.y4m")
	b := Start(t, Options{FakeVideo: video})
	if err := WriteQRVideo(video, "fake camera"); err != nil {
		t.Fatal(err)
	}
	b.Open(serve(t, `<!doctype html><html lang="en"><head><title>camera</title><script src="/camera.js" defer></script></head>
<body><main><video muted></video><output></output></main></body></html>`))
	side := videoSide(t, video)
	got := ""
	for range 100 {
		if got = b.Text("output"); got != "" {
			break
		}
		Eval[bool](b, `new Promise(r => setTimeout(() => r(true), 100))`)
	}
	want := fmt.Sprintf("%dx%d 1", side, side)
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "01") || len(got) < len(want)+6 {
		t.Errorf("the camera's middle row: %q, want %s…01 with dark modules between", got, want)
	}
}

func videoSide(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w, h int
	if _, err := fmt.Fscanf(bufio.NewReader(f), "YUV4MPEG2 W%d H%d", &w, &h); err != nil || w != h {
		t.Fatalf("header: %v %dx%d", err, w, h)
	}
	return w
}

// A video's frame decodes back to its text (by go-qr's decoder), and its
// size is the header's.
func TestAQRVideoDecodesToItsText(t *testing.T) {
	text := strings.Repeat("wanledger presentation~", 40) // a long one: a large code
	path := filepath.Join(t.TempDir(), "qr.y4m")
	if err := WriteQRVideo(path, text); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	side := videoSide(t, path)
	header := fmt.Sprintf("YUV4MPEG2 W%d H%d F30:1 Ip A1:1 C420jpeg\nFRAME\n", side, side)
	if !strings.HasPrefix(string(b), header) || len(b) != len(header)+side*side+2*(side/2)*(side/2) {
		t.Fatalf("%d bytes for a %d square frame", len(b), side)
	}
	img := &image.Gray{Pix: b[len(header) : len(header)+side*side], Stride: side, Rect: image.Rect(0, 0, side, side)}
	if got, err := qr.Decode(img); err != nil || got != text {
		t.Errorf("decoded %q, %v", got, err)
	}
	if err := WriteQRVideo(path, strings.Repeat("x", 4000)); err == nil {
		t.Error("a text no QR code holds was written")
	}
}
