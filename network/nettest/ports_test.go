package nettest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wanledger/wanledger/network"
)

// withPortsDir points FreeBase at a directory of the test's own.
func withPortsDir(t *testing.T) string {
	old := portsDir
	portsDir = t.TempDir()
	t.Cleanup(func() { portsDir = old })
	return portsDir
}

// Two blocks taken by one process do not overlap, and each is on record.
func TestFreeBaseBlocksDoNotOverlap(t *testing.T) {
	dir := withPortsDir(t)
	const n = 300
	a, err := FreeBase(n)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FreeBase(n)
	if err != nil {
		t.Fatal(err)
	}
	if a < b+n && b < a+n {
		t.Errorf("blocks %d and %d of %d ports overlap", a, b, n)
	}
	for _, base := range []int{a, b} {
		if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("%d-%d.%d", base, base+n, os.Getpid()))); err != nil {
			t.Errorf("block %d not on record: %v", base, err)
		}
	}
}

// A live process's block is never given out; a block of a process that
// has ended is free again, and its record is deleted.
func TestFreeBaseSkipsTheBlocksOfLiveProcessesOnly(t *testing.T) {
	dir := withPortsDir(t)
	low, _ := network.EphemeralPorts()
	all := fmt.Sprintf("10000-%d", low)
	live := filepath.Join(dir, all+".1") // init lives as long as the machine
	if err := os.WriteFile(live, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if base, err := FreeBase(10); err == nil {
		t.Fatalf("FreeBase gave %d, inside a live process's block", base)
	}
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(dir, fmt.Sprintf("%s.%d", all, ended.Process.Pid))
	if err := os.Rename(live, dead); err != nil {
		t.Fatal(err)
	}
	if _, err := FreeBase(10); err != nil {
		t.Fatalf("the block of an ended process stays taken: %v", err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the ended process's record is still there: %v", err)
	}
}
