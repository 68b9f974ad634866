package datasets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"

	"github.com/wanledger/wanledger/api"
)

// RowIter walks rows: Next advances (false at the end or on an error, then
// Err says which), Row is the current row, valid until the next Next, and
// Close releases the iterator (always call it).
type RowIter interface {
	Next() bool
	Row() []string
	Err() error
	Close() error
}

// Rows streams dataset id's rows, projected to fields (in that order),
// keeping only rows whose subject pseudonym is in subjects (all rows if
// subjects is empty), in a stable order: the order of the import. It reads
// the generation current when it is called: a later import or delete does
// not change what the iterator yields. A field the dataset does not have is
// DATASET_UNKNOWN_FIELD; a dataset without rows here, DATASET_NOT_IMPORTED.
// The iterator stops with ctx's error when ctx ends.
func (s *Store) Rows(ctx context.Context, id string, fields []string, subjects []string) (RowIter, error) {
	info, f, err := s.openCurrent(id)
	if err != nil {
		return nil, err
	}
	proj := make([]int, len(fields))
	for i, name := range fields {
		if proj[i] = slices.Index(info.Fields, name); proj[i] < 0 {
			f.Close()
			return nil, api.Errorf(http.StatusUnprocessableEntity, api.CodeDatasetUnknownField, "dataset %.64q has no field %.64q", id, name)
		}
	}
	var want map[string]bool
	if len(subjects) > 0 {
		want = make(map[string]bool, len(subjects))
		for _, p := range subjects {
			want[p] = true
		}
	}
	return &rowIter{ctx: ctx, f: f, r: newSealReader(f, s.aead, info.Generation), n: len(info.Fields), proj: proj, want: want,
		row: make([]string, len(fields))}, nil
}

// openCurrent opens the file of dataset id's current generation; an import
// may replace it between reading the description and opening the file, so
// it reads the description again then.
func (s *Store) openCurrent(id string) (Info, *os.File, error) {
	for range 3 {
		info, err := s.Info(id)
		if err != nil {
			return Info{}, nil, err
		}
		f, err := os.Open(s.rowsPath(info.Generation))
		if err == nil {
			return info, f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return Info{}, nil, err
		}
	}
	return Info{}, nil, api.Errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "dataset %.64q is being replaced; try again", id)
}

type rowIter struct {
	ctx  context.Context
	f    *os.File
	r    *sealReader
	n    int   // fields of a stored row
	proj []int // stored index of each projected field
	want map[string]bool
	vals []string
	row  []string
	err  error
	done bool
}

func (r *rowIter) Next() bool {
	for !r.done {
		if r.err = r.ctx.Err(); r.err != nil {
			break
		}
		b, err := r.r.next()
		if err == io.EOF {
			break
		}
		var subject string
		if err == nil {
			subject, r.vals, err = decodeRow(b, r.n, r.vals)
		}
		if err != nil {
			r.err = fmt.Errorf("datasets: %s: %w", r.f.Name(), err)
			break
		}
		if r.want != nil && !r.want[subject] {
			continue
		}
		for i, j := range r.proj {
			r.row[i] = r.vals[j]
		}
		return true
	}
	r.done = true
	return false
}

func (r *rowIter) Row() []string { return r.row }

func (r *rowIter) Err() error { return r.err }

func (r *rowIter) Close() error {
	if r.f == nil {
		return nil
	}
	r.done = true
	err := r.f.Close()
	r.f = nil
	return err
}
