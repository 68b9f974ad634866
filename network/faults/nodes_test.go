//go:build faults

package faults

import (
	"context"
	"testing"
	"time"

	"github.com/wanledger/wanledger/network/nettest"
)

// kill9 sends SIGKILL to a node, found by the PID its PID file records
// (never by name), waits for it to be gone and returns when it was. The
// node is started again when the test ends if the test has not.
func kill9(t *testing.T, env *nettest.Env, node string) time.Time {
	t.Helper()
	h, err := env.Net.Handle(node)
	if err != nil {
		t.Fatalf("%s: %v", node, err)
	}
	if err := h.Kill(); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	if !h.WaitExit(10 * time.Second) {
		t.Fatalf("%s (pid %d) survived SIGKILL", node, h.PID)
	}
	t.Logf("SIGKILL %s (pid %d)", node, h.PID)
	ensureRunning(t, env, node)
	return at
}

// stop stops a node with SIGTERM (SIGKILL after 15 s), by its PID; it is
// started again when the test ends if the test has not.
func stop(t *testing.T, env *nettest.Env, node string) {
	t.Helper()
	h, err := env.Net.Handle(node)
	if err != nil {
		t.Fatalf("%s: %v", node, err)
	}
	if _, err := h.Stop(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	ensureRunning(t, env, node)
}

// start starts a node that is not running and waits until it is ready
// (network.StartNode); it returns how long that took.
func start(t *testing.T, env *nettest.Env, node string) time.Duration {
	t.Helper()
	begin := time.Now()
	if err := env.Net.StartNode(t.Context(), node); err != nil {
		t.Fatal(err)
	}
	took := time.Since(begin)
	t.Logf("started %s again, ready in %s", node, took.Round(10*time.Millisecond))
	return took
}

// ensureRunning starts the node when the test ends if it is not running
// then, so that a test that failed half-way leaves the network whole.
func ensureRunning(t *testing.T, env *nettest.Env, node string) {
	t.Cleanup(func() {
		if _, err := env.Net.Handle(node); err == nil {
			return
		}
		// t.Context has ended by the time cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := env.Net.StartNode(ctx, node); err != nil {
			t.Errorf("start %s again: %v", node, err)
		}
	})
}
