package proc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func spec(t *testing.T, script string) Spec {
	dir := t.TempDir()
	return Spec{
		Path:    "/bin/sh",
		Args:    []string{"-c", script},
		Env:     []string{"PATH=/usr/bin:/bin"},
		Dir:     dir,
		LogFile: filepath.Join(dir, "logs", "node.log"),
		PIDFile: filepath.Join(dir, "run", "node.pid"),
	}
}

func TestStartedProcessIsRecordedAndStopsOnSIGTERM(t *testing.T) {
	s := spec(t, "echo hello; exec sleep 60")
	h, err := Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Kill() })
	got, err := Read(s.PIDFile)
	if err != nil || got != h {
		t.Fatalf("Read = %+v, %v; want %+v", got, err, h)
	}
	waitFor(t, func() bool { b, _ := os.ReadFile(s.LogFile); return strings.Contains(string(b), "hello") })
	forced, err := h.Stop(5 * time.Second)
	if err != nil || forced {
		t.Fatalf("Stop = %v, %v; want a graceful stop", forced, err)
	}
	if h.Alive() {
		t.Error("alive after Stop")
	}
	if _, err := Read(s.PIDFile); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Read after stop = %v, want ErrNotRunning", err)
	}
}

func TestStopKillsAProcessThatIgnoresSIGTERM(t *testing.T) {
	s := spec(t, `trap "" TERM; echo ready; while :; do sleep 1; done`)
	h, err := Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Kill() })
	waitFor(t, func() bool { b, _ := os.ReadFile(s.LogFile); return strings.Contains(string(b), "ready") })
	forced, err := h.Stop(300 * time.Millisecond)
	if err != nil || !forced {
		t.Fatalf("Stop = %v, %v; want forced", forced, err)
	}
	if h.Alive() {
		t.Error("alive after a forced stop")
	}
}

func TestALauncherThatExecsKeepsThePIDOfTheProcess(t *testing.T) {
	s := spec(t, `echo "pid $$ launched $LAUNCHED"; exec sleep 60`)
	s.Launcher = []string{"/usr/bin/env", "LAUNCHED=yes"}
	h, err := Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Kill() })
	want := fmt.Sprintf("pid %d launched yes\n", h.PID)
	waitFor(t, func() bool { b, _ := os.ReadFile(s.LogFile); return strings.Contains(string(b), want) })
	b, err := os.ReadFile(s.LogFile)
	if err != nil || !strings.Contains(string(b), "starting sh through /usr/bin/env LAUNCHED=yes\n") {
		t.Errorf("log %q, %v: want its start line to name the launcher", b, err)
	}
	if forced, err := h.Stop(5 * time.Second); err != nil || forced || h.Alive() {
		t.Errorf("Stop = %v, %v; alive %v", forced, err, h.Alive())
	}
}

func TestARecycledPIDIsNotTakenForTheProcess(t *testing.T) {
	s := spec(t, "exec sleep 60")
	h, err := Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Kill() })
	other := Handle{PID: h.PID, StartTime: h.StartTime + 1}
	if other.Alive() {
		t.Error("a handle with another start time is alive")
	}
	if forced, err := other.Stop(time.Second); err != nil || forced {
		t.Errorf("Stop of a stale handle = %v, %v", forced, err)
	}
	if !h.Alive() {
		t.Error("the stale handle's Stop signalled the live process")
	}
}

func TestReadRejectsMalformedPIDFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"empty": "", "words": "abc def\n", "negative": "-4 10\n", "one field": "123\n"} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(p); err == nil || errors.Is(err, ErrNotRunning) {
			t.Errorf("%s: Read = %v, want a malformed-file error", name, err)
		}
	}
	if _, err := Read(filepath.Join(dir, "absent")); !errors.Is(err, ErrNotRunning) {
		t.Errorf("absent file: %v, want ErrNotRunning", err)
	}
}

func TestUsageReportsMemory(t *testing.T) {
	s := spec(t, "exec sleep 60")
	h, err := Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Kill() })
	// Right after fork the child may not have exec'd yet and has no pages.
	waitFor(t, func() bool { u, err := h.Usage(); return err == nil && u.RSSBytes > 0 })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
