//go:build js && wasm

// Command wasm is the pages' WebAssembly module: the project's own
// credential, presentation and issuance code, run in the browser, so that a
// citizen's wallet key and an agency's seal key sign where they are and are
// never sent to a gateway. It sets globalThis.wanledger to an object whose
// functions take strings and arrays of strings and answer {value} or
// {error} (with a code for the errors a page tells apart: {error, code});
// assets/wasm.js loads it. `make wasm` builds it into
// gateway/pages/assets/wasm/ (docs/pages.md, ADR 32).
package main

import (
	"errors"
	"fmt"
	"syscall/js"
)

// export is one function of the module: its arguments as JavaScript
// values, its answer a value js.ValueOf takes (strings, numbers, bools,
// []any and map[string]any), or an error.
type export func(args []js.Value) (any, error)

// exports are the module's functions by name, added by each file's init.
var exports = map[string]export{}

// codes name the errors a page tells apart (each file's init adds its
// own): an answer of one of them is {error, code}.
var codes = map[error]string{}

// answerError is err as an answer: {error}, and its code if it has one.
func answerError(err error) map[string]any {
	a := map[string]any{"error": err.Error()}
	for e, code := range codes {
		if errors.Is(err, e) {
			a["code"] = code
			break
		}
	}
	return a
}

func main() {
	obj := js.Global().Get("Object").New()
	for name, f := range exports {
		obj.Set(name, js.FuncOf(func(_ js.Value, args []js.Value) (answer any) {
			defer func() { // a fault of the module is an answer, not a dead page
				if r := recover(); r != nil {
					answer = map[string]any{"error": fmt.Sprint("internal error: ", r)}
				}
			}()
			v, err := f(args)
			if err != nil {
				return answerError(err)
			}
			return map[string]any{"value": v}
		}))
	}
	js.Global().Set("wanledger", obj)
	select {} // the functions run on the page's calls
}

// strings reads args as n strings, refusing any other count or type.
func strings(args []js.Value, n int) ([]string, error) {
	if len(args) != n {
		return nil, fmt.Errorf("%d arguments, want %d", len(args), n)
	}
	out := make([]string, n)
	for i, a := range args {
		if a.Type() != js.TypeString {
			return nil, fmt.Errorf("argument %d is a %s, want a string", i+1, a.Type())
		}
		out[i] = a.String()
	}
	return out, nil
}

// stringArray reads v as an array of strings of at most max items.
func stringArray(v js.Value, max int) ([]string, error) {
	if !v.InstanceOf(js.Global().Get("Array")) {
		return nil, fmt.Errorf("want an array of strings")
	}
	n := v.Length()
	if n > max {
		return nil, fmt.Errorf("%d items, at most %d", n, max)
	}
	out := make([]string, n)
	for i := range n {
		if e := v.Index(i); e.Type() == js.TypeString {
			out[i] = e.String()
		} else {
			return nil, fmt.Errorf("item %d is a %s, want a string", i+1, e.Type())
		}
	}
	return out, nil
}
