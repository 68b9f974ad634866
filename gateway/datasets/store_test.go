package datasets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

var schema = []record.FieldSpec{
	{Name: "name", Type: record.FieldString, Required: true},
	{Name: "born", Type: record.FieldDate},
	{Name: "income", Type: record.FieldNumber},
	{Name: "insured", Type: record.FieldBool},
}

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(Options{Dir: dir, Clock: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func codeOf(err error) string {
	var e *api.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func collect(t *testing.T, s *Store, id string, fields, subjects []string) [][]string {
	t.Helper()
	it, err := s.Rows(context.Background(), id, fields, subjects)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out [][]string
	for it.Next() {
		out = append(out, slices.Clone(it.Row()))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

const people = `_subject,name,born,income,insured
0000000000000000000000000000000000000000000000000000000000000001,Zhang San,1980-01-02,1200.50,true
0000000000000000000000000000000000000000000000000000000000000002,Li Si,,300,false
0000000000000000000000000000000000000000000000000000000000000001,Wang Wu,1999-12-31,,
`

func TestImportListInfoAndDelete(t *testing.T) {
	s := open(t, t.TempDir())
	info, err := s.Import(context.Background(), "people", schema, CSV, strings.NewReader(people))
	if err != nil {
		t.Fatal(err)
	}
	if info.Rows != 3 || !info.Subjects || info.Generation == 0 || !slices.Equal(info.Fields, []string{"name", "born", "income", "insured"}) {
		t.Fatalf("info %+v", info)
	}
	jsonl := `{"name":"A","income":12,"insured":true}` + "\n\n" + `{"name":"B","born":"2000-01-01","income":null}` + "\n"
	if _, err := s.Import(context.Background(), "other", schema, JSONL, strings.NewReader(jsonl)); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, s, "other", []string{"name", "income", "insured"}, nil); !slices.EqualFunc(got, [][]string{{"A", "12", "true"}, {"B", "", ""}}, slices.Equal) {
		t.Fatalf("JSON lines rows %q", got)
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0].ID != "other" || list[1].ID != "people" {
		t.Fatalf("list %+v, %v", list, err)
	}
	got, err := s.Info("people")
	if err != nil || got.Rows != 3 || got.Bytes != info.Bytes || !got.ImportedAt.Equal(info.ImportedAt) {
		t.Fatalf("info %+v, %v", got, err)
	}
	if err := s.Delete("people"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Info("people"); codeOf(err) != api.CodeDatasetNotImported {
		t.Fatalf("info after delete: %v", err)
	}
	if _, err := s.Rows(context.Background(), "people", []string{"name"}, nil); codeOf(err) != api.CodeDatasetNotImported {
		t.Fatalf("rows after delete: %v", err)
	}
	if err := s.Delete("people"); codeOf(err) != api.CodeDatasetNotImported {
		t.Fatalf("second delete: %v", err)
	}
}

func TestRowsProjectAndFilterBySubject(t *testing.T) {
	s := open(t, t.TempDir())
	if _, err := s.Import(context.Background(), "people", schema, CSV, strings.NewReader(people)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		fields   []string
		subjects []string
		want     [][]string
	}{
		{"all rows in import order", []string{"name"}, nil, [][]string{{"Zhang San"}, {"Li Si"}, {"Wang Wu"}}},
		{"fields in the asked order", []string{"insured", "name"}, []string{"0000000000000000000000000000000000000000000000000000000000000002"}, [][]string{{"false", "Li Si"}}},
		{"every row of a subject", []string{"name", "born"}, []string{"0000000000000000000000000000000000000000000000000000000000000001"}, [][]string{{"Zhang San", "1980-01-02"}, {"Wang Wu", "1999-12-31"}}},
		{"an unknown subject matches nothing", []string{"name"}, []string{"0000000000000000000000000000000000000000000000000000000000000009"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := collect(t, s, "people", c.fields, c.subjects); !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	if _, err := s.Rows(context.Background(), "people", []string{"name", "salary"}, nil); codeOf(err) != api.CodeDatasetUnknownField {
		t.Fatalf("unknown field: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	it, err := s.Rows(ctx, "people", []string{"name"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	cancel()
	if it.Next() || !errors.Is(it.Err(), context.Canceled) {
		t.Fatalf("a cancelled read went on: %v", it.Err())
	}
}

func TestRefusedImportStoresNothing(t *testing.T) {
	s := open(t, t.TempDir())
	before, err := s.Import(context.Background(), "people", schema, CSV, strings.NewReader(people))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", DefaultLimits.MaxValueLen+1)
	for _, c := range []struct {
		name, body, code string
		f                Format
	}{
		{"a column the registration lacks", "name,born,income,insured,salary\nA,,,,1\n", api.CodeDatasetUnknownField, CSV},
		{"a registered field without a column", "name,born,income\nA,,\n", api.CodeDatasetMissingField, CSV},
		{"a required value missing on a late row", "name,born,income,insured\nA,,,\nB,,,\n,,,\n", api.CodeDatasetMissingField, CSV},
		{"a number that is not one", "name,born,income,insured\nA,,12,\nB,,twelve,\n", api.CodeDatasetBadValue, CSV},
		{"a date that is not one", "name,born,income,insured\nA,31/12/1999,,\n", api.CodeDatasetBadValue, CSV},
		{"a row with a column too many", "name,born,income,insured\nA,,,,x\n", api.CodeDatasetFormat, CSV},
		{"a value too long", "name,born,income,insured\n" + long + ",,,\n", api.CodeDatasetLimit, CSV},
		{"an empty body", "", api.CodeDatasetFormat, CSV},
		{"a JSON key the registration lacks", `{"name":"A","salary":1}`, api.CodeDatasetUnknownField, JSONL},
		{"a JSON object value", `{"name":{"first":"A"}}`, api.CodeDatasetBadValue, JSONL},
		{"a JSON line that is not an object", `["A"]`, api.CodeDatasetFormat, JSONL},
		{"a JSON line with trailing data", `{"name":"A"} {}`, api.CodeDatasetFormat, JSONL},
		{"subjects on some rows only", `{"name":"A","_subject":"0000000000000000000000000000000000000000000000000000000000000001"}` + "\n" + `{"name":"B"}`, api.CodeDatasetFormat, JSONL},
		{"a subject that is not a pseudonym", `{"name":"A","_subject":"a b"}`, api.CodeDatasetBadValue, JSONL},
		{"a subject in upper-case hex", `{"name":"A","_subject":"0000000000000000000000000000000000000000000000000000000000000ABC"}`, api.CodeDatasetBadValue, JSONL},
		{"a JSON line too long", `{"name":"` + strings.Repeat("y", DefaultLimits.MaxRowBytes) + `"}`, api.CodeDatasetLimit, JSONL},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Import(context.Background(), "people", schema, c.f, strings.NewReader(c.body))
			if codeOf(err) != c.code {
				t.Fatalf("error %v, want code %s", err, c.code)
			}
			if after, err := s.Info("people"); err != nil || after.Generation != before.Generation || after.Rows != 3 {
				t.Fatalf("the dataset changed: %+v, %v", after, err)
			}
			if n := rowFiles(t, s); n != 1 {
				t.Fatalf("%d rows files stored, want the first import's only", n)
			}
		})
	}
	if _, err := s.Import(context.Background(), "fresh", schema, CSV, strings.NewReader("name,salary\n")); codeOf(err) != api.CodeDatasetUnknownField {
		t.Fatal(err)
	}
	if _, err := s.Info("fresh"); codeOf(err) != api.CodeDatasetNotImported {
		t.Fatalf("a refused first import left rows: %v", err)
	}
}

// rowFiles counts the rows files of every generation.
func rowFiles(t *testing.T, s *Store) int {
	t.Helper()
	ents, err := os.ReadDir(s.rowsDir())
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func TestLimits(t *testing.T) {
	s, err := Open(Options{Dir: t.TempDir(), Limits: Limits{MaxRowBytes: 100, MaxColumns: 3}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	many := "name,born,income,insured\nA,,,\n"
	if _, err := s.Import(context.Background(), "d", schema, CSV, strings.NewReader(many)); codeOf(err) != api.CodeDatasetLimit {
		t.Fatalf("too many columns: %v", err)
	}
	big := "name\n\"" + strings.Repeat("z\n", 10<<20) + "\"\n"
	if _, err := s.Import(context.Background(), "d", schema[:1], CSV, strings.NewReader(big)); codeOf(err) != api.CodeDatasetLimit {
		t.Fatalf("a 20 MB quoted row: %v", err)
	}
	if _, err := s.Import(context.Background(), "d", schema[:1], CSV, strings.NewReader("name\n"+strings.Repeat("w", 101)+"\n")); codeOf(err) != api.CodeDatasetLimit {
		t.Fatalf("a 101-byte row: %v", err)
	}
}

func TestRowsAtRestAreEncrypted(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	const secret = "Secret-Value-Qx7Zr"
	body := "name,born,income,insured\n" + strings.Repeat(secret+",,,\n", 500)
	if _, err := s.Import(context.Background(), "people", schema, CSV, strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var plainSeen, fieldSeen bool
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		plainSeen = plainSeen || bytes.Contains(b, []byte(secret))
		fieldSeen = fieldSeen || bytes.Contains(b, []byte(`"insured"`)) // the schema, stored in the clear
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !fieldSeen {
		t.Fatal("the store's files do not show its metadata either: the search cannot see plain text")
	}
	if plainSeen {
		t.Fatal("a value is stored in the clear")
	}
	s2 := open(t, dir)
	if got := collect(t, s2, "people", []string{"name"}, nil); len(got) != 500 || got[0][0] != secret {
		t.Fatalf("reopened: %d rows", len(got))
	}
}

func TestDataKeyFile(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	s.Close()
	key := filepath.Join(dir, KeyFile)
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 16 {
		t.Fatalf("key file %v, %v", fi, err)
	}
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "mode 0644") {
		t.Fatalf("opened with a world-readable key: %v", err)
	}
	if err := os.Chmod(key, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "holds 5 bytes; want 16") {
		t.Fatalf("opened with a 5-byte key: %v", err)
	}
}

// rowSource makes n CSV rows on the fly, so the test itself holds none.
type rowSource struct {
	n, i  int
	bytes int64
	buf   bytes.Buffer
}

func (r *rowSource) Read(p []byte) (int, error) {
	for r.buf.Len() < len(p) && r.i <= r.n {
		if r.i == 0 {
			r.buf.WriteString("_subject,name,born,income,insured\n")
		} else {
			fmt.Fprintf(&r.buf, "%064x,%s %07d,1990-05-17,%d.25,true\n", r.i%1000, strings.Repeat("n", 60), r.i, r.i)
		}
		r.i++
	}
	if r.buf.Len() == 0 {
		return 0, io.EOF
	}
	n, err := r.buf.Read(p)
	r.bytes += int64(n)
	return n, err
}

func TestImportOf100MBKeepsHeapBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 100 MB")
	}
	s := open(t, t.TempDir())
	src := &rowSource{n: 1_040_000} // ~100 bytes a row
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var (
		peak uint64
		wg   sync.WaitGroup
	)
	done := make(chan struct{})
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.GC() // live heap, not garbage awaiting collection
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	start := time.Now()
	info, err := s.Import(context.Background(), "big", schema, CSV, src)
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	growth := int64(peak) - int64(base.HeapAlloc)
	t.Logf("imported %d rows (%d value bytes, ~%d MB of CSV) in %s; heap grew by at most %.1f MiB", info.Rows, info.Bytes, src.bytes>>20, time.Since(start).Round(time.Millisecond), float64(growth)/(1<<20))
	if info.Rows != int64(src.n) {
		t.Fatalf("%d rows", info.Rows)
	}
	if growth > 64<<20 {
		t.Fatalf("heap grew by %d MiB importing ~100 MB", growth>>20)
	}
}

func TestReadersKeepTheirGenerationAndTamperingIsCaught(t *testing.T) {
	s := open(t, t.TempDir())
	ctx := context.Background()
	first, err := s.Import(ctx, "people", schema, CSV, strings.NewReader(people))
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.Rows(ctx, "people", []string{"name"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	if _, err := s.Import(ctx, "people", schema, CSV, strings.NewReader("name,born,income,insured\nNew,,,\n")); err != nil {
		t.Fatal(err)
	}
	var names []string
	for it.Next() {
		names = append(names, it.Row()[0])
	}
	if it.Err() != nil || !slices.Equal(names, []string{"Zhang San", "Li Si", "Wang Wu"}) {
		t.Fatalf("an open reader saw %q, %v", names, it.Err())
	}
	if _, err := os.Stat(s.rowsPath(first.Generation)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the replaced generation's file stays: %v", err)
	}
	info, err := s.Info("people")
	if err != nil {
		t.Fatal(err)
	}
	path := s.rowsPath(info.Generation)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"a flipped byte":        append(append([]byte{}, b[:len(b)-1]...), b[len(b)-1]^1),
		"the last frame cut":    b[:len(b)-20],
		"a frame appended":      append(append([]byte{}, b...), b...),
		"another file's frames": nil,
	} {
		t.Run(name, func(t *testing.T) {
			if bad == nil { // the first generation's rows under this generation's name
				other, err := s.Import(ctx, "other", schema, CSV, strings.NewReader(people))
				if err != nil {
					t.Fatal(err)
				}
				if bad, err = os.ReadFile(s.rowsPath(other.Generation)); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			it, err := s.Rows(ctx, "people", []string{"name"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer it.Close()
			for it.Next() {
			}
			if !errors.Is(it.Err(), errCorrupt) {
				t.Fatalf("read tampered rows: %v", it.Err())
			}
		})
	}
}
