package browsertest

import (
	"context"
	"errors"
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

// Downloaded waits for the file name to be downloaded into dir (see
// SaveDownloads) and answers its bytes.
func (b *Browser) Downloaded(dir, name string) []byte {
	b.t.Helper()
	path := filepath.Join(dir, name)
	deadline := time.Now().Add(Timeout)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(path)
		if err == nil {
			if _, partial := os.Stat(path + ".crdownload"); errors.Is(partial, os.ErrNotExist) {
				return data
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			b.Fatalf("download %s: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.Fatalf("%s was not downloaded into %s", name, dir)
	return nil
}
