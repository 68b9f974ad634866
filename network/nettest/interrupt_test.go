package nettest

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// childDir, set in its environment, makes the test binary the interrupted
// child of TestAnInterruptStopsTheProcessesOfARunDirectory.
const childDir = "NETTEST_INTERRUPT_CHILD_DIR"

// TestAnInterruptStopsTheProcessesOfARunDirectory: a test binary that
// started a process in a session of its own, working in a run directory,
// stops it when Ctrl-C interrupts the binary, and exits 130.
func TestAnInterruptStopsTheProcessesOfARunDirectory(t *testing.T) {
	if dir := os.Getenv(childDir); dir != "" {
		interruptedChild(dir)
		return
	}
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestAnInterruptStopsTheProcessesOfARunDirectory$")
	child.Env = append(os.Environ(), childDir+"="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewScanner(out)
	if !r.Scan() {
		child.Process.Kill()
		t.Fatalf("the child printed no PID: %v", child.Wait())
	}
	node, err := strconv.Atoi(r.Text())
	if err != nil {
		child.Process.Kill()
		t.Fatalf("the child printed %q", r.Text())
	}
	t.Cleanup(func() { syscall.Kill(node, syscall.SIGKILL) })
	if err := child.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = child.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("interrupted child: %v, want exit status 130", err)
	}
	if left := Leftovers(dir); len(left) > 0 {
		t.Errorf("processes %v still work in the run directory after the interrupt", left)
	}
}

// interruptedChild starts a node-like process in a session of its own,
// working in dir, prints its PID, and waits for the interrupt.
func interruptedChild(dir string) {
	node := exec.Command("sleep", "300")
	node.Dir = dir
	node.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := node.Start(); err != nil {
		os.Exit(3)
	}
	go node.Wait() // reaped once stopped, as a node's launcher reaps it
	StopOnInterrupt(dir)
	os.Stdout.WriteString(strconv.Itoa(node.Process.Pid) + "\n")
	time.Sleep(time.Minute)
	os.Exit(4)
}
