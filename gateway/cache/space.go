package cache

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ErrDiskFull means the cache's filesystem has less free space than the
// cache keeps in reserve: it applies no block until it has it again.
//
// The reserve exists because Badger writes its memtable, tables and value
// log through memory maps of files it first extends without allocating
// them: on a filesystem with no space left, a write to such a page is not
// an error but SIGBUS, and the process dies. So the cache stops writing
// while what Badger may still write in the background (a memtable flush,
// the compaction it starts) fits in the reserve.
var ErrDiskFull = errors.New("the cache's disk is full")

// DiskFullError is ErrDiskFull with the figures: the cache's directory,
// the bytes free on its filesystem for an unprivileged writer (statfs
// f_bavail), and the reserve.
type DiskFullError struct {
	Dir           string
	Free, Reserve uint64
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("the cache's disk is full: %.1f MiB free under %s, below the reserve of %.1f MiB",
		float64(e.Free)/(1<<20), e.Dir, float64(e.Reserve)/(1<<20))
}

// Is makes errors.Is(err, ErrDiskFull) true.
func (e *DiskFullError) Is(target error) bool { return target == ErrDiskFull }

// Space tells whether the cache's filesystem has the reserve free: nil, a
// *DiskFullError, or statfs's error. A reserve of 0 is never short.
func (s *Store) Space() error {
	if s.reserve == 0 {
		return nil
	}
	var st unix.Statfs_t
	if err := unix.Statfs(s.dir, &st); err != nil {
		return fmt.Errorf("free space under %s: %w", s.dir, err)
	}
	if free := st.Bavail * uint64(st.Bsize); free < s.reserve {
		return &DiskFullError{Dir: s.dir, Free: free, Reserve: s.reserve}
	}
	return nil
}
