package profiling

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestFromEnvServesTheProfilesOnTheAddressGiven(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv(EnvAddress, addr)
	if err := FromEnv(nil); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/debug/pprof/": "goroutine", "/debug/pprof/goroutine?debug=1": "goroutine profile"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d, want 200 naming %q", path, resp.StatusCode, want)
		}
	}
	// The address is taken now: a second listener on it is an error, not a
	// run without profiles.
	if err := FromEnv(nil); err == nil || !strings.Contains(err.Error(), EnvAddress) {
		t.Errorf("second listener on %s: %v, want an error naming %s", addr, err, EnvAddress)
	}
}

func TestFromEnvWithoutTheVariableListensNowhere(t *testing.T) {
	t.Setenv(EnvAddress, "")
	if err := FromEnv(nil); err != nil {
		t.Fatal(err)
	}
}
