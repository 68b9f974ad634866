package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ChooseFiles moves the focus with Tab to the file input of id (within
// max presses), opens its file chooser with the space bar as a person
// does, and chooses the files of paths in it: the browser hands the
// chooser to the test instead of showing it.
func (b *Browser) ChooseFiles(id string, max int, paths ...string) {
	b.t.Helper()
	b.TabTo(id, max)
	b.Do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, page.SetInterceptFileChooserDialog, page.SetInterceptFileChooserDialogParams{Enabled: true}); err != nil {
			return err
		}
		opened, err := chromedp.WaitEvent(page.FileChooserOpened, nil, chromedp.KeyEvent(Space))(ctx, t)
		if err != nil {
			return err
		}
		_, err = cdp.Call(ctx, t, dom.SetFileInputFiles, dom.SetFileInputFilesParams{Files: paths, BackendNodeID: opened.BackendNodeID})
		return err
	}))
}

// SaveDownloads has the browser save what its pages download into dir,
// under the names the pages give them.
func (b *Browser) SaveDownloads(dir string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior,
		browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		b.Fatalf("downloads into %s: %v", dir, err)
	}
}

// Downloaded waits for the file name to be downloaded whole into dir (see
// SaveDownloads) and answers its bytes, failing the test if it is not
// within Timeout. Chromium makes the file empty at once and writes the
// download into a .crdownload file of dir, renamed over it at the end: the
// download is whole once the file has bytes and no .crdownload file is
// left.
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
