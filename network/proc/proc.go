// Package proc starts native processes in the background and stops them by
// PID. Each process has a PID file holding its PID and its kernel start time,
// so a recycled PID is never mistaken for the process and never signalled.
package proc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Spec describes a process to start.
type Spec struct {
	Path string   // executable
	Args []string // arguments, without the executable
	// Launcher, if not empty, is a command line put before Path and Args
	// that runs them elsewhere (another network namespace, another
	// machine): `ip netns exec NS`, or a script around ssh. It must replace
	// itself with what it runs (exec), so that the PID recorded is the
	// process's own, or the process must end with it.
	Launcher []string
	Env      []string // full environment
	Dir      string   // working directory
	LogFile  string   // stdout and stderr are appended here
	PIDFile  string
}

// Handle is a process recorded in a PID file.
type Handle struct {
	PID       int
	StartTime uint64 // clock ticks after boot, from /proc/PID/stat
}

// ErrNotRunning means the PID file names no live process.
var ErrNotRunning = errors.New("not running")

// Start launches the process in its own session, detached from the caller,
// and records it in its PID file. The caller's process reaps it if it exits
// while the caller still runs.
func Start(s Spec) (Handle, error) {
	for _, d := range []string{filepath.Dir(s.LogFile), filepath.Dir(s.PIDFile)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return Handle{}, err
		}
	}
	logf, err := os.OpenFile(s.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return Handle{}, err
	}
	defer logf.Close()
	how := ""
	if len(s.Launcher) > 0 {
		how = " through " + strings.Join(s.Launcher, " ")
	}
	fmt.Fprintf(logf, "---- %s starting %s%s\n", time.Now().UTC().Format(time.RFC3339), filepath.Base(s.Path), how)
	argv := append(append(slices.Clone(s.Launcher), s.Path), s.Args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = s.Env, s.Dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return Handle{}, fmt.Errorf("start %s: %w", s.Path, err)
	}
	go cmd.Wait() //nolint:errcheck // reaps the child; its exit is seen through Alive
	st, err := startTime(cmd.Process.Pid)
	if err != nil {
		cmd.Process.Kill()
		return Handle{}, fmt.Errorf("read start time of %d: %w", cmd.Process.Pid, err)
	}
	h := Handle{PID: cmd.Process.Pid, StartTime: st}
	if err := h.Record(s.PIDFile); err != nil {
		cmd.Process.Kill()
		return Handle{}, err
	}
	return h, nil
}

// Record writes the process's PID file.
func (h Handle) Record(pidFile string) error {
	return os.WriteFile(pidFile, []byte(fmt.Sprintf("%d %d\n", h.PID, h.StartTime)), 0o644)
}

// InDir lists the live processes whose working directory is dir. A
// process that was started in a directory of its own, but whose starter
// was killed before it wrote the PID file, is found there.
func InDir(dir string) ([]Handle, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var out []Handle
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd")); err != nil || cwd != dir {
			continue
		}
		if s, err := readStat(pid); err == nil && s.state != 'Z' {
			out = append(out, Handle{PID: pid, StartTime: s.start})
		}
	}
	return out, nil
}

// Read returns the process recorded in pidFile if it is still alive.
func Read(pidFile string) (Handle, error) {
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return Handle{}, ErrNotRunning
	}
	if err != nil {
		return Handle{}, err
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return Handle{}, fmt.Errorf("malformed PID file %s", pidFile)
	}
	pid, err1 := strconv.Atoi(f[0])
	st, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return Handle{}, fmt.Errorf("malformed PID file %s", pidFile)
	}
	h := Handle{PID: pid, StartTime: st}
	if !h.Alive() {
		return h, ErrNotRunning
	}
	return h, nil
}

// Alive reports whether the process still runs (and is not a zombie) and is
// the one that was started, not another that reuses its PID.
func (h Handle) Alive() bool {
	stat, err := readStat(h.PID)
	if err != nil {
		return false
	}
	return stat.state != 'Z' && stat.start == h.StartTime
}

// Stop sends SIGTERM, waits up to grace for the process to exit, then sends
// SIGKILL and waits for it to go. It returns whether force was needed.
func (h Handle) Stop(grace time.Duration) (forced bool, err error) {
	if !h.Alive() {
		return false, nil
	}
	if err := syscall.Kill(h.PID, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return false, fmt.Errorf("signal %d: %w", h.PID, err)
	}
	if h.wait(grace) {
		return false, nil
	}
	if err := h.Kill(); err != nil {
		return true, err
	}
	if !h.wait(10 * time.Second) {
		return true, fmt.Errorf("process %d did not exit after SIGKILL", h.PID)
	}
	return true, nil
}

// Kill sends SIGKILL at once.
func (h Handle) Kill() error {
	if !h.Alive() {
		return nil
	}
	if err := syscall.Kill(h.PID, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill %d: %w", h.PID, err)
	}
	return nil
}

// WaitExit waits up to d for the process to exit.
func (h Handle) WaitExit(d time.Duration) bool { return h.wait(d) }

func (h Handle) wait(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for h.Alive() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// Usage is a process's resident memory and CPU time so far.
type Usage struct {
	RSSBytes int64
	CPU      time.Duration // user + system
}

// Usage reads the process's resource use from /proc.
func (h Handle) Usage() (Usage, error) {
	s, err := readStat(h.PID)
	if err != nil || s.start != h.StartTime {
		return Usage{}, ErrNotRunning
	}
	page := int64(os.Getpagesize())
	return Usage{RSSBytes: s.rssPages * page, CPU: time.Duration(s.utime+s.stime) * time.Second / clockTicks}, nil
}

// clockTicks is USER_HZ, which Linux fixes at 100 for /proc.
const clockTicks = 100

type stat struct {
	state        byte
	utime, stime uint64
	start        uint64
	rssPages     int64
}

func startTime(pid int) (uint64, error) {
	s, err := readStat(pid)
	return s.start, err
}

// readStat parses /proc/PID/stat. The command name may hold spaces and
// parentheses, so fields are counted from the last ')'.
func readStat(pid int) (stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, err
	}
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return stat{}, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime 14, stime 15, starttime 22, rss 24.
	if len(f) < 22 {
		return stat{}, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	s := stat{state: f[0][0]}
	var errs [4]error
	s.utime, errs[0] = strconv.ParseUint(f[11], 10, 64)
	s.stime, errs[1] = strconv.ParseUint(f[12], 10, 64)
	s.start, errs[2] = strconv.ParseUint(f[19], 10, 64)
	s.rssPages, errs[3] = strconv.ParseInt(f[21], 10, 64)
	if err := errors.Join(errs[:]...); err != nil {
		return stat{}, fmt.Errorf("malformed /proc/%d/stat: %w", pid, err)
	}
	return s, nil
}
