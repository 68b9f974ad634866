package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/wanledger/wanledger/api"
	"golang.org/x/sync/semaphore"
)

// Budget bounds the memory the operations' request bodies hold at once, so
// that many large requests together cannot exhaust the gateway. Before its
// body is read a request takes its share (decodeCost of its Content-Length,
// or of its operation's body limit when unknown; at most the whole budget),
// and gives it back when it has been answered. It is safe for concurrent
// use.
type Budget struct {
	size     int64
	wait     time.Duration
	sem      *semaphore.Weighted
	inFlight atomic.Int64
	peak     atomic.Int64
}

// NewBudget holds size bytes; a request waits at most wait for its share.
func NewBudget(size int64, wait time.Duration) *Budget {
	return &Budget{size: size, wait: wait, sem: semaphore.NewWeighted(size)}
}

// InFlight is the body bytes requests hold now.
func (b *Budget) InFlight() int64 { return b.inFlight.Load() }

// Peak is the most body bytes requests have held at once.
func (b *Budget) Peak() int64 { return b.peak.Load() }

// acquire takes n bytes (at most the budget), waiting at most b.wait; false
// if they did not come in time.
func (b *Budget) acquire(ctx context.Context, n int64) (int64, bool) {
	n = min(n, b.size)
	ctx, cancel := context.WithTimeout(ctx, b.wait)
	defer cancel()
	if b.sem.Acquire(ctx, n) != nil {
		return 0, false
	}
	now := b.inFlight.Add(n)
	for p := b.peak.Load(); now > p && !b.peak.CompareAndSwap(p, now); p = b.peak.Load() {
	}
	return n, true
}

func (b *Budget) release(n int64) {
	b.inFlight.Add(-n)
	b.sem.Release(n)
}

// budgeted is the middleware of operations with a body: it takes the body's
// share of the budget (503 UNAVAILABLE with Retry-After when it does not
// come in time), reads the body within the operation's limit and refuses
// a duplicate property or an object of more than maxProperties with 400
// BAD_REQUEST before huma decodes it.
func (a *API) budgeted(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	if op.RequestBody == nil {
		next(ctx)
		return
	}
	r, _ := humago.Unwrap(ctx)
	if a.budget != nil {
		size := op.MaxBodyBytes
		if r.ContentLength >= 0 {
			size = min(r.ContentLength, op.MaxBodyBytes)
		}
		n, ok := a.budget.acquire(ctx.Context(), decodeCost(size))
		if !ok {
			ctx.SetHeader("Retry-After", strconv.Itoa(max(1, int(a.budget.wait.Seconds()))))
			answer(ctx, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "the gateway is busy with other large requests; retry later"))
			return
		}
		defer a.budget.release(n)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, op.MaxBodyBytes))
	r.Body.Close()
	// huma reads it again, with its own checks and answers (a read that
	// failed fails again there).
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), failedRead{err}))
	if err == nil && int64(len(body)) < op.MaxBodyBytes {
		if msg := scanJSON(body); msg != "" {
			answer(ctx, api.Errorf(http.StatusBadRequest, api.CodeBadRequest, "%s", msg))
			return
		}
	}
	next(ctx)
}

// failedRead gives a body read's error, or io.EOF.
type failedRead struct{ err error }

func (f failedRead) Read([]byte) (int, error) { return 0, cmp.Or(f.err, io.EOF) }

// answer writes an api.Error from a middleware.
func answer(ctx huma.Context, e *api.Error) {
	e.Message = truncate(e.Message, maxMessage)
	ctx.SetHeader("Content-Type", "application/json")
	ctx.SetStatus(e.Status)
	json.NewEncoder(ctx.BodyWriter()).Encode(e) //nolint:errcheck // the client may have gone
}

// Bounds of a body's shape: no request type comes near them (a batch of 50
// licences of 64 fields is some 11,000 values), and a body of thousands of
// small values costs far more memory to decode, or to refuse one by one,
// than its size.
const (
	maxProperties = 64     // of one object
	maxDepth      = 32     // of nested objects and arrays
	maxValues     = 16_384 // in one body
	valueCost     = 128    // bytes a decoded value costs at most, boxed, with its map or slice entry
)

// decodeCost is the memory a body of size bytes may take while it is read,
// scanned and decoded (twice: huma validates a generic decoding, then
// decodes into the request type): its bytes three times, and each of the
// values it can hold (at most one every two bytes, at most maxValues).
func decodeCost(size int64) int64 {
	return 3*size + min(size/2, maxValues)*valueCost
}

// scanJSON walks a JSON body's tokens and names the first property that
// appears twice in its object (names compared as encoding/json matches
// them to fields: without regard to case), the first object of more than
// maxProperties, a value nested deeper than maxDepth, or a body of more
// than maxValues values; "" if there is none. Malformed JSON is left to the
// decoder's own message.
func scanJSON(body []byte) string {
	sc := scanner{dec: json.NewDecoder(bytes.NewReader(body))}
	msg, _ := sc.value(nil, 0)
	return msg
}

// scanner walks one body's tokens, counting its values.
type scanner struct {
	dec    *json.Decoder
	values int
}

// pathStep is one step of the path to a value, from its parent: a
// property's name or an element's index. The path is written out only
// for a message.
type pathStep struct {
	parent *pathStep
	prop   bool // a property's step, else an element's
	name   string
	index  int
}

func (p *pathStep) String() string {
	if p == nil {
		return "body"
	}
	if p.prop {
		return p.parent.String() + "." + truncate(p.name, 64)
	}
	return p.parent.String() + "[" + strconv.Itoa(p.index) + "]"
}

// property is a name an object holds, folded as encoding/json matches
// names to fields (without regard to case), and as first written.
type property struct{ folded, name string }

// fold is a name as encoding/json compares it; most names are lower-case
// ASCII already and cost nothing.
func fold(name string) string {
	for i := range len(name) {
		if c := name[i]; c >= 0x80 || 'A' <= c && c <= 'Z' {
			return strings.ToLower(strings.ToUpper(name))
		}
	}
	return name
}

// value reads one value at path; an error is malformed JSON.
func (sc *scanner) value(path *pathStep, depth int) (string, error) {
	if sc.values++; sc.values > maxValues {
		return fmt.Sprintf("%s: the body holds more than %d values", path, maxValues), nil
	}
	tok, err := sc.dec.Token()
	if err != nil {
		return "", err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return "", nil
	}
	if depth == maxDepth {
		return fmt.Sprintf("%s: nested more than %d deep", path, maxDepth), nil
	}
	var seen []property // an object's, in order
	for i := 0; sc.dec.More(); i++ {
		at := &pathStep{parent: path, index: i}
		if d == '{' {
			tok, err := sc.dec.Token()
			if err != nil {
				return "", err
			}
			key, _ := tok.(string)
			folded := fold(key)
			if j := slices.IndexFunc(seen, func(p property) bool { return p.folded == folded }); j >= 0 {
				msg := fmt.Sprintf("%s: the property appears twice", &pathStep{parent: path, prop: true, name: key})
				if first := seen[j].name; first != key {
					msg += fmt.Sprintf(" (first as %q; names are matched without regard to case)", truncate(first, 64))
				}
				return msg, nil
			}
			if len(seen) == maxProperties {
				return fmt.Sprintf("%s: an object of more than %d properties", path, maxProperties), nil
			}
			seen = append(seen, property{folded, key})
			at.prop, at.name = true, key
		}
		if msg, err := sc.value(at, depth+1); msg != "" || err != nil {
			return msg, err
		}
	}
	_, err = sc.dec.Token() // the closing delimiter
	return "", err
}
