package nettest

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// interrupt is what an interrupt of the test binary stops: the run
// directories of the networks its tests started.
var interrupt struct {
	once sync.Once
	mu   sync.Mutex
	dirs map[string]int // dir → how many registrations hold it
}

// StopOnInterrupt has an interrupt of the test binary (SIGINT, as Ctrl-C
// sends it, or SIGTERM) stop every process working under dir, the run
// directory of a network a test started, before the binary exits with
// status 130: the tests' own cleanups do not run then, and the nodes run
// in sessions of their own, which the terminal's signal does not reach.
// Each process gets SIGTERM, and SIGKILL if it still runs 5 seconds later.
// The returned function forgets dir.
func StopOnInterrupt(dir string) (forget func()) {
	interrupt.once.Do(func() {
		interrupt.dirs = map[string]int{}
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt, syscall.SIGTERM)
		go func() {
			s := <-c
			interrupt.mu.Lock() // held until exit: no test registers or forgets meanwhile
			for d := range interrupt.dirs {
				fmt.Fprintf(os.Stderr, "nettest: %v: stopping the processes working in %s (kept)\n", s, d)
				stopDir(d)
			}
			os.Exit(130)
		}()
	})
	interrupt.mu.Lock()
	interrupt.dirs[dir]++
	interrupt.mu.Unlock()
	return func() {
		interrupt.mu.Lock()
		defer interrupt.mu.Unlock()
		if interrupt.dirs[dir]--; interrupt.dirs[dir] <= 0 {
			delete(interrupt.dirs, dir)
		}
	}
}

// stopDir sends SIGTERM to every process working under dir, then SIGKILL
// to those still there after 5 seconds.
func stopDir(dir string) {
	signalAll(dir, syscall.SIGTERM)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && len(Leftovers(dir)) > 0; {
		time.Sleep(100 * time.Millisecond)
	}
	signalAll(dir, syscall.SIGKILL)
}

func signalAll(dir string, s syscall.Signal) {
	for _, pid := range Leftovers(dir) {
		syscall.Kill(pid, s)
	}
}
