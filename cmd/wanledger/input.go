package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

// openInput opens an input file named on the command line ("-": standard
// input); one that cannot be opened is a usage error (inputErr).
func openInput(cmd *cobra.Command, path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(cmd.InOrStdin()), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inputErr(path, err)
	}
	return f, nil
}

// readInput reads an input file ("-": standard input) of at most max
// bytes; one missing, unreadable or too large is a usage error.
func readInput(cmd *cobra.Command, path string, max int64) ([]byte, error) {
	f, err := openInput(cmd, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, inputErr(path, err)
	}
	if int64(len(b)) > max {
		return nil, usagef("input file %s is over %d bytes", path, max)
	}
	return b, nil
}

// inputErr is err as a usage error when it is about the input file path
// itself (missing, unreadable, a directory), saying so; other errors pass.
func inputErr(path string, err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path {
		return err
	}
	return usageErr(fmt.Errorf("cannot read input file %s: %w", path, pe.Err))
}
