//go:build !linux

package gateway

import (
	"errors"
	"time"
)

// pinProcess needs sched_setaffinity, which only Linux has here.
func pinProcess(int) (func(), error) {
	return nil, errors.New("pinning a process to a CPU needs Linux")
}

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
