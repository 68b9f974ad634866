package apiclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api"
)

// TestAnAnswerLargerThanMaxAnswerIsRefused: a hostile gateway cannot make
// the client hold more than MaxAnswer bytes of one answer.
func TestAnAnswerLargerThanMaxAnswerIsRefused(t *testing.T) {
	size := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"data":"` + strings.Repeat("a", size) + `"}`))
	}))
	defer srv.Close()
	c := New(srv.URL, "wl_k_s")
	var out struct{ Data string }
	size = MaxAnswer - 100
	if err := c.Do(context.Background(), http.MethodGet, "/v1/x", nil, &out); err != nil || len(out.Data) != size {
		t.Fatalf("an answer of %d bytes: %v", size, err)
	}
	size = MaxAnswer
	err := c.Do(context.Background(), http.MethodGet, "/v1/x", nil, &out)
	if err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") {
		t.Fatalf("an answer over %d bytes: %v", MaxAnswer, err)
	}
}

// An error answer from a server that is no gateway is shown without its
// control characters and cut short, so it cannot rewrite a terminal (and
// fake a verdict) or flood it.
func TestAForeignErrorAnswerIsMadePrintable(t *testing.T) {
	evil := "\x1b]0;PWNED\x07\x1b[2J\x1b[31mFAKE: licence VALID\r\n" + strings.Repeat("x", 5000) + "\xff"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, evil) //nolint:errcheck // a test server
	}))
	defer srv.Close()
	err := New(srv.URL, "k").Do(t.Context(), http.MethodGet, "/v1/whoami", nil, nil)
	var e *api.Error
	if !errors.As(err, &e) || e.Code != "HTTP_ERROR" {
		t.Fatalf("err = %v", err)
	}
	if strings.ContainsAny(e.Message, "\x1b\x07\r\n") || !utf8.ValidString(e.Message) || len(e.Message) > maxErrorMessage+len("…") {
		t.Errorf("message %q (%d bytes) is not printable and short", e.Message[:min(len(e.Message), 80)], len(e.Message))
	}
	if !strings.Contains(e.Message, "FAKE: licence VALID") {
		t.Errorf("the readable text is gone: %q", e.Message[:80])
	}
}
