package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// AllowDownloads saves what pages download into dir, under the names the
// pages give (a name taken gets a number, as Chromium does).
func (b *Browser) AllowDownloads(dir string) {
	b.t.Helper()
	b.Do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}))
}

// Downloaded waits for the file name to be downloaded whole into dir (see
// AllowDownloads) and answers its bytes, failing the test if it is not
// within Timeout. Chromium makes the file empty at once and writes the
// download into a .crdownload file of dir, renamed over it at the end:
// the download is whole once the file has bytes and no .crdownload file
// is left.
func (b *Browser) Downloaded(dir, name string) []byte {
	b.t.Helper()
	path := filepath.Join(dir, name)
	deadline := time.Now().Add(Timeout)
	for time.Now().Before(deadline) {
		partial, err := filepath.Glob(filepath.Join(dir, "*.crdownload"))
		if err == nil && len(partial) == 0 {
			if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
				return data
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatalf("%s was not downloaded into %s", name, dir)
	return nil
}
