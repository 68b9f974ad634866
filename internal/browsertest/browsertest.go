// Package browsertest drives Debian's chromium, headless, from tests
// (through the DevTools protocol with chromedp): one browser per test,
// with a fresh profile under t.TempDir(), stopped by the test. It has
// helpers to use a page with the keyboard alone (files chosen in a file
// chooser opened with the keyboard, downloads saved), an accessibility check
// (axe-core, vendored) that fails the test on serious or critical
// violations, a fake camera that shows a QR code (WriteQRVideo), a TLS
// client certificate the browser presents without a dialog (ClientCert),
// and a screenshot saved to t.ArtifactDir() when a step fails.
//
// Chromium is installed by scripts/install-chromium.sh (make chromium);
// a test fails, not skips, without it.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Path is where Debian's chromium package puts the browser.
const Path = "/usr/bin/chromium"

// Timeout bounds each step a test asks of the browser: generous, for a
// 2-core machine that also runs the whole network (a page that compiles the
// pages' WebAssembly module takes seconds there).
const Timeout = time.Minute

// Options are a browser's.
type Options struct {
	// FakeVideo, if set, is the Y4M file the fake camera shows (see
	// WriteQRVideo; it is read when a page opens the camera, so it may be
	// written after Start). Camera permission is then granted to pages.
	FakeVideo string
	// Width and Height of the window; 0: 1280×900.
	Width, Height int
	// ClientCert, if set, is presented to servers that ask for a TLS
	// client certificate, chosen without a dialog (clientcert.go).
	ClientCert *ClientCert
}

// Browser is a headless chromium, or one of its tabs (NewTab).
type Browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string      // uncaught exceptions and console errors (CSP violations among them)
	shots    *atomic.Int64 // failure screenshots so far, of all the tabs
}

// Start starts chromium for t, stopped (and its process waited for) when t
// ends. It fails t if chromium is missing or does not start.
func Start(t *testing.T, o Options) *Browser {
	t.Helper()
	exe := Path
	if _, err := os.Stat(exe); err != nil {
		if exe, err = exec.LookPath("chromium"); err != nil {
			t.Fatalf("no chromium at %s or on PATH: run scripts/install-chromium.sh (make chromium)", Path)
		}
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1280, 900
	}
	profile := filepath.Join(t.TempDir(), "profile")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(o.Width, o.Height),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
	}
	if o.FakeVideo != "" {
		opts = append(opts,
			chromedp.Flag("use-fake-device-for-media-stream", true),
			chromedp.Flag("use-fake-ui-for-media-stream", true),
			chromedp.Flag("use-file-for-fake-video-capture", o.FakeVideo))
	}
	if o.ClientCert != nil {
		home := t.TempDir()
		if err := clientCertHome(t.Context(), *o.ClientCert, home, profile); err != nil {
			t.Fatalf("the browser's client certificate: %v", err)
		}
		opts = append(opts, chromedp.Env("HOME="+home))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &Browser{t: t, ctx: ctx, shots: new(atomic.Int64)}
	t.Cleanup(func() {
		stop, done := context.WithTimeout(ctx, 10*time.Second)
		defer done()
		var proc *os.Process
		if c := chromedp.FromContext(ctx); c != nil && c.Browser != nil {
			proc = c.Browser.Process()
		}
		if err := chromedp.Cancel(stop); err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("closing chromium: %v", err)
		}
		cancel()
		cancelAlloc() // kills the process if it is still there, and waits for it
		if proc != nil && proc.Signal(syscall.Signal(0)) == nil {
			t.Errorf("chromium (pid %d) still runs after the test", proc.Pid)
		}
	})
	if err := b.listen(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return b
}

// listen opens b's tab (starting the browser for the first) and gathers
// its problems until its context ends.
func (b *Browser) listen() error {
	messages := chromedp.Console(b.ctx) // opens the tab; every message from here on
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](`1`)); err != nil {
		return err
	}
	go func() { // ends when ctx does (the test's cleanup)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" && m.Source != "network" {
				b.mu.Lock()
				b.problems = append(b.problems, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return nil
}

// NewTab opens another tab of b's browser, with its own page and
// problems, closed when the test ends: a second person's device in the same
// browser (its camera, profile and cookies are b's; sessionStorage is the
// tab's own, as in any browser). Each tab is shown as focused, so that it
// takes the keyboard and shows its focus as a visible tab does.
func (b *Browser) NewTab() *Browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	tab := &Browser{t: b.t, ctx: ctx, shots: b.shots}
	b.t.Cleanup(func() {
		stop, done := context.WithTimeout(ctx, 10*time.Second)
		defer done()
		if err := chromedp.Cancel(stop); err != nil && !errors.Is(err, context.Canceled) {
			b.t.Logf("closing a tab: %v", err)
		}
		cancel()
	})
	if err := tab.listen(); err != nil {
		b.t.Fatalf("opening a tab: %v", err)
	}
	for _, t := range []*Browser{b, tab} {
		if _, err := chromedp.Call(t.ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
			b.t.Fatalf("focus emulation: %v", err)
		}
	}
	return tab
}

// Do runs steps, failing the test (with a screenshot) if one fails or
// takes longer than Timeout.
func (b *Browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.Fatalf("%v", err)
	}
}

// Eval is the value of a JavaScript expression in b's page (a promise
// awaited), failing the test on an error.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatalf("evaluating %.80s: %v", expr, err)
	}
	return v
}

// Open navigates to url and waits for its body.
func (b *Browser) Open(url string) {
	b.t.Helper()
	b.Do(chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body")))
}

// Text is the text content of the element selector (CSS) names.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	return Eval[string](b, fmt.Sprintf(`document.querySelector(%q)?.textContent ?? ""`, selector))
}

// WaitText waits until the text content of the element selector (CSS)
// names is want (spaces at either end aside), failing the test (with what
// it was) if it is not within Timeout.
func (b *Browser) WaitText(selector, want string) {
	b.t.Helper()
	deadline := time.Now().Add(Timeout)
	var got string
	for time.Now().Before(deadline) {
		if got = strings.TrimSpace(b.Text(selector)); got == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatalf("%s shows %q, want %q", selector, got, want)
}

// Problems are the uncaught exceptions and the console errors (Content
// Security Policy violations among them) the pages gave so far, those
// of failed requests aside (the pages show the API's answers).
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// NoProblems fails the test if the pages gave any Problems.
func (b *Browser) NoProblems() {
	b.t.Helper()
	if p := b.Problems(); len(p) > 0 {
		b.Fatalf("the pages gave %d problems:\n%s", len(p), strings.Join(p, "\n"))
	}
}

// Screenshot saves the page as name.png in t.ArtifactDir() and returns its
// path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(b.t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// Front brings b's tab to the front, as a person turning to it does.
func (b *Browser) Front() {
	b.t.Helper()
	id := chromedp.FromContext(b.ctx).Target.TargetID
	if _, err := chromedp.CallBrowser(b.ctx, target.ActivateTarget, target.ActivateTargetParams{TargetID: id}); err != nil {
		b.Fatalf("bringing the tab to the front: %v", err)
	}
}

// ScreenshotOf is a PNG picture of the element selector (CSS) names, as
// it is shown.
func (b *Browser) ScreenshotOf(selector string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(selector)))
	if err != nil {
		b.Fatalf("screenshot of %s: %v", selector, err)
	}
	return png
}

// Fatalf fails the test after saving a screenshot of the page, with the
// pages' Problems so far.
func (b *Browser) Fatalf(format string, args ...any) {
	b.t.Helper()
	name := fmt.Sprintf("failure-%d", b.shots.Add(1))
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil {
		path := filepath.Join(b.t.ArtifactDir(), name+".png")
		if os.WriteFile(path, png, 0o644) == nil {
			args = append(args, path)
			format += " (screenshot %s)"
		}
	}
	if p := b.Problems(); len(p) > 0 {
		format += "\nthe pages' problems:\n%s"
		args = append(args, strings.Join(p, "\n"))
	}
	b.t.Fatalf(format, args...)
}
