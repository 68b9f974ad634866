package browsertest

import (
	"context"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Keys with names, for Press.
const (
	Tab       = kb.Tab
	Enter     = kb.Enter
	Escape    = kb.Escape
	Space     = " "
	ArrowDown = kb.ArrowDown
	ArrowUp   = kb.ArrowUp
	Backspace = kb.Backspace
)

// Press presses each key given, in turn, as a person on a keyboard does
// (key down, its character, key up), to whatever has the focus.
func (b *Browser) Press(keys ...string) {
	b.t.Helper()
	for _, k := range keys {
		b.Do(chromedp.KeyEvent(k))
	}
}

// ShiftTab moves the focus back once.
func (b *Browser) ShiftTab() {
	b.t.Helper()
	b.Do(chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(kb.ModifierShift)))
}

// Type types text into the focused element, key by key.
func (b *Browser) Type(text string) {
	b.t.Helper()
	b.Do(chromedp.KeyEvent(text))
}

// SelectAll selects all of the focused element's text (Ctrl+A).
func (b *Browser) SelectAll() {
	b.t.Helper()
	b.Do(chromedp.KeyEvent("a", chromedp.KeyModifiers(kb.ModifierCtrl)))
}

// Paste puts text into the focused element at once, as pasting does.
func (b *Browser) Paste(text string) {
	b.t.Helper()
	b.Do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	}))
}

// Focused is the id of the element with the focus ("" if it has none, or
// the body has the focus).
func (b *Browser) Focused() string {
	b.t.Helper()
	return Eval[string](b, `document.activeElement?.id ?? ""`)
}

// TabTo presses Tab until the element of id has the focus, failing the
// test (with the path the focus took) if it does not within max presses.
// Each stop of the focus must show it (a focus ring or other outline).
func (b *Browser) TabTo(id string, max int) {
	b.t.Helper()
	var path []string
	for range max {
		b.Press(Tab)
		stop := Eval[struct {
			ID      string `json:"id"`
			Visible bool   `json:"visible"`
		}](b, `(() => { const e = document.activeElement; if (!e || e === document.body) return {id: '', visible: true};
			const s = getComputedStyle(e); return {id: e.id, visible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0}; })()`)
		path = append(path, stop.ID)
		if !stop.Visible {
			b.Fatalf("the focus on %q is not visible", stop.ID)
		}
		if stop.ID == id {
			return
		}
	}
	b.Fatalf("Tab did not reach #%s in %d presses: %s", id, max, strings.Join(path, " → "))
}
