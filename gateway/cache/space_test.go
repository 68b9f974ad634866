package cache

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/wanledger/wanledger/api/record"
	"golang.org/x/sys/unix"
)

// A cache whose reserve is more than its filesystem holds finds its disk
// full (statfs, on the test's real filesystem) and applies nothing, its
// height unchanged; reopened with a reserve the disk has, it applies the
// same block.
func TestACacheShortOfItsReserveAppliesNoBlock(t *testing.T) {
	dir := t.TempDir()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	whole := st.Blocks * uint64(st.Bsize)
	b := block(t, 0, valid(nil, put(t, "licence", "H1", licence("H1", record.StatusActive))))
	writes, err := BlockWrites(b, chaincode)
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(dir, "anhui", slog.New(slog.DiscardHandler), whole+1)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := s.ApplyBlock(0, writes)
	var full *DiskFullError
	if applied || !errors.Is(err, ErrDiskFull) || !errors.As(err, &full) || full.Reserve != whole+1 || full.Free > whole || full.Dir != dir {
		t.Errorf("ApplyBlock on a full disk = %v, %v; want a DiskFullError", applied, err)
	}
	if h, _ := s.Height(); h != 0 {
		t.Errorf("height %d after a refused block, want 0", h)
	}
	if err := s.Space(); !errors.Is(err, ErrDiskFull) {
		t.Errorf("Space() = %v, want ErrDiskFull", err)
	}
	wantAbsent(t, s, "H1")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(dir, "anhui", slog.New(slog.DiscardHandler), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Space(); err != nil {
		t.Fatalf("Space() with a reserve of 1 MiB: %v", err)
	}
	if applied, err := s.ApplyBlock(0, writes); !applied || err != nil {
		t.Fatalf("ApplyBlock with the reserve free = %v, %v", applied, err)
	}
	wantStatus(t, s, "H1", record.StatusActive)
}
