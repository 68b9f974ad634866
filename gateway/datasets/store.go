// Package datasets keeps the rows of the datasets an organisation owns at
// its gateway, for the fetch protocol to serve: imported from CSV or JSON
// lines against the dataset's registration on the ledger, streamed through
// in bounded memory, and kept in files sealed with SM4-GCM under a data key
// beside them (KeyFile, mode 0600). An import writes a new generation's file
// and switches to it by renaming the dataset's description over the old
// one, so readers see the old rows or the new ones, never a mix, and a
// refused import leaves nothing. docs/adr/0023-mesh-hosts-and-data-at-rest.md
// says why files and not Badger.
package datasets

import (
	"context"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// Info describes the rows a store holds of one dataset.
type Info = api.DatasetRows

// Options configure a Store.
type Options struct {
	Dir    string           // its directory; the data key is Dir/KeyFile
	Limits Limits           // zero: DefaultLimits
	Clock  func() time.Time // nil: time.Now
	Log    *slog.Logger
}

// Store holds datasets' rows, encrypted at rest. Its directory holds
// KeyFile, meta/<id>.json (a dataset's Info, naming its generation) and
// rows/<generation>.rows (that generation's sealed rows).
type Store struct {
	dir   string
	aead  cipher.AEAD
	lim   Limits
	clock func() time.Time
	log   *slog.Logger

	mu      sync.Mutex // orders generation switches and deletions
	lastGen uint64
}

// Open opens (or creates) the store in o.Dir, with its data key, and
// removes the files of imports that did not finish. It fails if the key
// file may be read by other users.
func Open(o Options) (*Store, error) {
	if o.Dir == "" {
		return nil, errors.New("datasets: no directory")
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	aead, err := openKey(filepath.Join(o.Dir, KeyFile))
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	s := &Store{dir: o.Dir, aead: aead, lim: o.Limits.fill(), clock: o.Clock, log: o.Log}
	for _, d := range []string{s.metaDir(), s.rowsDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
	}
	if err := s.sweep(); err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	return s, nil
}

// Close releases the store; iterators already open keep working.
func (s *Store) Close() error { return nil }

func (s *Store) metaDir() string           { return filepath.Join(s.dir, "meta") }
func (s *Store) rowsDir() string           { return filepath.Join(s.dir, "rows") }
func (s *Store) metaPath(id string) string { return filepath.Join(s.metaDir(), id+".json") }
func (s *Store) rowsPath(gen uint64) string {
	return filepath.Join(s.rowsDir(), fmt.Sprintf("%016x.rows", gen))
}

func parseGen(name string) (uint64, error) {
	return strconv.ParseUint(strings.TrimSuffix(name, ".rows"), 16, 64)
}

func notImported(id string) error {
	return api.Errorf(http.StatusNotFound, api.CodeDatasetNotImported, "this gateway holds no rows of dataset %.64q", id)
}

func isNotImported(err error) bool {
	var e *api.Error
	return errors.As(err, &e) && e.Code == api.CodeDatasetNotImported
}

var e *api.Error

// sweep removes rows files no dataset names (imports a crash interrupted)
// and sets the last generation handed out.
func (s *Store) sweep() error {
	list, err := s.List()
	if err != nil {
		return err
	}
	live := map[uint64]bool{}
	for _, in := range list {
		live[in.Generation] = true
		s.lastGen = max(s.lastGen, in.Generation)
	}
	ents, err := os.ReadDir(s.rowsDir())
	if err != nil {
		return err
	}
	for _, e := range ents {
		g, err := parseGen(e.Name())
		if err != nil {
			continue // not the store's
		}
		s.lastGen = max(s.lastGen, g)
		if !live[g] {
			if err := os.Remove(filepath.Join(s.rowsDir(), e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// Import replaces dataset id's rows with those read from r in format f,
// checked against schema (the fields of the dataset's registration):
// every column a field, every field a column (CSV), values of their
// field's type, within the store's Limits, and an optional subject column
// (api.SubjectColumn). Either every row is stored or, on any error, none.
// Memory stays bounded whatever r's length.
func (s *Store) Import(ctx context.Context, id string, schema []record.FieldSpec, f Format, r io.Reader) (Info, error) {
	if err := record.CheckID("dataset ID", id); err != nil {
		return Info{}, api.Errorf(http.StatusBadRequest, string(record.CodeInvalidArgument), "%s", err)
	}
	if len(schema) == 0 {
		return Info{}, fmt.Errorf("datasets: dataset %s has no fields", id)
	}
	rr, err := newRowReader(f, r, schema, s.lim)
	if err != nil {
		return Info{}, err
	}
	s.mu.Lock()
	s.lastGen++
	gen := s.lastGen
	s.mu.Unlock()
	path := s.rowsPath(gen)
	info, err := s.write(ctx, path, gen, rr)
	if err == nil {
		info.ID, info.Generation, info.ImportedAt = id, gen, s.clock().UTC()
		for _, fs := range schema {
			info.Fields = append(info.Fields, fs.Name)
		}
		err = s.commit(info)
	}
	if err != nil {
		os.Remove(path)
		return Info{}, err
	}
	s.log.Info("dataset rows imported", "dataset", id, "rows", info.Rows, "bytes", info.Bytes, "generation", gen)
	return info, nil
}

// write seals rr's rows into a new file at path.
func (s *Store) write(ctx context.Context, path string, gen uint64, rr rowReader) (Info, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	w := newSealWriter(f, s.aead, gen)
	var info Info
	for {
		if info.Rows%1024 == 0 && ctx.Err() != nil {
			return Info{}, ctx.Err()
		}
		subject, values, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Info{}, err
		}
		if info.Rows == 0 {
			info.Subjects = subject != ""
		}
		if err := w.row(subject, values); err != nil {
			return Info{}, err
		}
		info.Rows++
		for _, v := range values {
			info.Bytes += int64(len(v))
		}
	}
	if err := w.close(); err != nil {
		return Info{}, err
	}
	return info, errors.Join(f.Sync(), f.Close())
}

// commit makes info's generation the dataset's rows, replacing the file of
// the one before.
func (s *Store) commit(info Info) error {
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	tmp := filepath.Join(s.metaDir(), fmt.Sprintf(".%016x.tmp", info.Generation))
	if err := writeSynced(tmp, b); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	prev, perr := s.Info(info.ID)
	if perr != nil && !isNotImported(perr) {
		os.Remove(tmp)
		return perr
	}
	if err := os.Rename(tmp, s.metaPath(info.ID)); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := syncDir(s.metaDir()); err != nil {
		return err
	}
	if perr == nil {
		s.drop(prev.Generation)
	}
	return nil
}

// drop removes a generation's file: readers that opened it keep reading.
func (s *Store) drop(gen uint64) {
	if err := os.Remove(s.rowsPath(gen)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("rows of a replaced generation not removed; they go at the next start", "generation", gen, "err", err)
	}
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return errors.Join(err, f.Sync(), f.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// Info describes dataset id's rows; DATASET_NOT_IMPORTED if there are none.
func (s *Store) Info(id string) (Info, error) {
	if record.CheckID("dataset ID", id) != nil {
		return Info{}, notImported(id)
	}
	b, err := os.ReadFile(s.metaPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, notImported(id)
	}
	if err != nil {
		return Info{}, err
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil {
		return Info{}, fmt.Errorf("datasets: %s: %w", s.metaPath(id), err)
	}
	return info, nil
}

// List describes every dataset the store holds rows of, by ID.
func (s *Store) List() ([]Info, error) {
	ents, err := os.ReadDir(s.metaDir())
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		in, err := s.Info(id)
		if isNotImported(err) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// Delete removes dataset id's rows; DATASET_NOT_IMPORTED if there are none.
// Iterators already open keep reading the rows they saw.
func (s *Store) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	info, err := s.Info(id)
	if err != nil {
		return err
	}
	if err := os.Remove(s.metaPath(id)); err != nil {
		return err
	}
	s.drop(info.Generation)
	s.log.Info("dataset rows deleted", "dataset", id, "generation", info.Generation)
	return syncDir(s.metaDir())
}
