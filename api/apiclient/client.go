// Package apiclient is the typed Go client of a gateway's HTTP API: one
// method per endpoint, taking the request types of package api and answering
// with api.Read or api.Tx envelopes of api/record records (or api.Verdict,
// api.Key); every refusal is an *api.Error. The command line and the tests
// use it.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api"
)

// MaxAnswer is the most bytes of one answer the client reads: more than a
// gateway sends (a page holds at most record.MaxPageSize records), so that a
// hostile gateway cannot make it hold an unbounded answer. A larger answer
// is an error.
const MaxAnswer = 8 << 20

// Client calls one gateway with one API key.
type Client struct {
	URL  string // e.g. http://127.0.0.1:17160
	Key  string
	HTTP *http.Client
}

// New returns a client with a sensible timeout.
func New(url, key string) *Client {
	return &Client{URL: url, Key: key, HTTP: &http.Client{Timeout: 2 * time.Minute}}
}

// Do sends a request with a JSON body (if not nil) and decodes a JSON
// answer into out (if not nil). A non-2xx answer is an *api.Error.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	b, err := c.send(ctx, method, path, body, MaxAnswer)
	if err != nil || out == nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// send sends a request with a JSON body (if not nil) and returns the
// answer's bytes, at most max of them. A non-2xx answer is an *api.Error.
func (c *Client) send(ctx context.Context, method, path string, body any, max int) ([]byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	return c.sendRaw(ctx, c.HTTP, method, path, r, "application/json", max)
}

// sendRaw is send with a body of any media type, through hc.
func (c *Client) sendRaw(ctx context.Context, hc *http.Client, method, path string, r io.Reader, contentType string, max int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+c.Key)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, int64(max)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > max {
		return nil, fmt.Errorf("%s %s: the answer is larger than %d MiB, more than a gateway sends", method, path, max>>20)
	}
	if resp.StatusCode/100 != 2 {
		return nil, answerError(resp.StatusCode, b)
	}
	return b, nil
}

// answerError is the *api.Error of a non-2xx answer's body b.
func answerError(status int, b []byte) *api.Error {
	e := &api.Error{Status: status}
	if json.Unmarshal(b, e) != nil || e.Code == "" {
		e.Code, e.Message = "HTTP_ERROR", string(b)
	}
	e.Code, e.Message = printable(e.Code, 64), printable(e.Message, maxErrorMessage)
	e.DenialID = printable(e.DenialID, 128)
	return e
}

// maxErrorMessage bounds the message of an error answer a client shows;
// the gateway's own messages are far shorter.
const maxErrorMessage = 1024

// printable is s as a terminal may show it: control characters (escape
// sequences that could rewrite what a user sees, such as a fake verdict)
// and invalid UTF-8 replaced by U+FFFD, at most n bytes.
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != ' ' || r == utf8.RuneError {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
