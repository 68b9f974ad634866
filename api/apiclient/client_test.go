package apiclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
