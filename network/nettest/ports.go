package nettest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/wanledger/wanledger/network"
)

// portsDir holds the blocks of ports that test processes have taken, one
// empty file each named <first>-<end>.<pid>: `go test ./...` runs the
// packages that start networks side by side, and a network's ports are not
// all listened on at once (an organisation added later takes a block only
// then), so a listen check alone would give two processes the same ports.
var portsDir = filepath.Join(os.TempDir(), "wanledger-ports")

// FreeBase finds a block of n free loopback ports below the kernel's
// ephemeral range, so that no outgoing connection of the test can take a
// node's port while the node is stopped for a restart, and takes it for
// this process: no other test process's FreeBase gives out any of its ports
// while this process lives. A test that starts a network of its own takes
// its ports from here.
func FreeBase(n int) (int, error) {
	low, _ := network.EphemeralPorts()
	if low-n <= 10000 {
		return 0, fmt.Errorf("the ephemeral port range starts at %d: no room below it", low)
	}
	unlock, err := lockPorts()
	if err != nil {
		return 0, err
	}
	defer unlock()
	taken := takenBlocks()
	for range 50 {
		base := 10000 + rand.IntN(low-n-10000)
		if overlaps(taken, base, base+n) || !listenable(base, base+n) {
			continue
		}
		name := fmt.Sprintf("%d-%d.%d", base, base+n, os.Getpid())
		if err := os.WriteFile(filepath.Join(portsDir, name), nil, 0o644); err != nil {
			return 0, fmt.Errorf("take ports %d-%d: %w", base, base+n-1, err)
		}
		return base, nil
	}
	return 0, fmt.Errorf("no block of %d free loopback ports found", n)
}

// lockPorts takes the lock of portsDir, held until the returned func runs.
func lockPorts() (func(), error) {
	if err := os.MkdirAll(portsDir, 0o1777); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(portsDir, ".lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil
}

// block is a range of ports [first, end) a live process has taken.
type block struct{ first, end int }

// takenBlocks lists the blocks of live processes and deletes those of
// processes that have ended.
func takenBlocks() []block {
	entries, _ := os.ReadDir(portsDir)
	var out []block
	for _, e := range entries {
		span, pidText, ok := strings.Cut(e.Name(), ".")
		first, end, ok2 := strings.Cut(span, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || !ok2 || err != nil {
			continue
		}
		if !alive(pid) {
			os.Remove(filepath.Join(portsDir, e.Name()))
			continue
		}
		f, err1 := strconv.Atoi(first)
		l, err2 := strconv.Atoi(end)
		if err1 == nil && err2 == nil {
			out = append(out, block{f, l})
		}
	}
	return out
}

// alive tells whether a process of this PID runs (signal 0 reaches it, or
// it exists under another user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func overlaps(taken []block, first, end int) bool {
	for _, b := range taken {
		if first < b.end && b.first < end {
			return true
		}
	}
	return false
}

// listenable tells whether every loopback port in [first, end) can be
// listened on now.
func listenable(first, end int) bool {
	for p := first; p < end; p++ {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}
