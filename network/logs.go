package network

import (
	"context"
	"io"
	"os"
	"strings"
	"time"
)

// Tail writes the last n lines of a log file and, if follow is set, what is
// appended to it until ctx ends.
func Tail(ctx context.Context, w io.Writer, path string, n int, follow bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if _, err := io.WriteString(w, strings.Join(lines, "")); err != nil {
		return err
	}
	buf := make([]byte, 32*1024)
	for follow {
		k, err := f.Read(buf)
		if k > 0 {
			if _, err := w.Write(buf[:k]); err != nil {
				return err
			}
			continue
		}
		if err != nil && err != io.EOF {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(250 * time.Millisecond):
		}
	}
	return nil
}
