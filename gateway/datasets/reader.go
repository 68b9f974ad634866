package datasets

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// Format is the encoding of imported rows.
type Format string

// Formats of an import.
const (
	// CSV: RFC 4180, a header row of column names, then one row a record.
	CSV Format = "csv"
	// JSONL: one JSON object a line, its keys the column names; values are
	// strings, numbers, booleans or null (no value).
	JSONL Format = "jsonl"
)

// Limits bound what an import may hold; a zero field takes its default
// (DefaultLimits).
type Limits struct {
	MaxRowBytes int // one row's encoding in the input, in bytes
	MaxValueLen int // one value, in bytes
	MaxColumns  int // the columns (or keys) of the input
}

// DefaultLimits are the limits a Store has unless told otherwise.
var DefaultLimits = Limits{MaxRowBytes: 1 << 20, MaxValueLen: 64 << 10, MaxColumns: 128}

func (l Limits) fill() Limits {
	if l.MaxRowBytes <= 0 {
		l.MaxRowBytes = DefaultLimits.MaxRowBytes
	}
	if l.MaxValueLen <= 0 {
		l.MaxValueLen = DefaultLimits.MaxValueLen
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultLimits.MaxColumns
	}
	return l
}

func fail(code, format string, args ...any) error {
	status := http.StatusUnprocessableEntity
	if code == api.CodeDatasetLimit {
		status = http.StatusRequestEntityTooLarge
	}
	return api.Errorf(status, code, format, args...)
}

// rowReader reads the rows of an import one at a time, checked against the
// dataset's schema: values in schema order, and the subject ("" if none).
type rowReader interface {
	next() (subject string, values []string, err error) // io.EOF after the last
	line() int64                                        // the input line of the last row
}

func newRowReader(f Format, r io.Reader, schema []record.FieldSpec, lim Limits) (rowReader, error) {
	c := checker{schema: schema, lim: lim.fill(), values: make([]string, len(schema))}
	switch f {
	case CSV:
		return newCSVReader(r, c)
	case JSONL:
		return newJSONLReader(r, c), nil
	}
	return nil, fail(api.CodeDatasetFormat, "format %.20q is neither csv nor jsonl", f)
}

// checker checks a row's values against the schema.
type checker struct {
	schema []record.FieldSpec
	lim    Limits
	values []string // reused for every row
}

// column is the schema index of a column name, or -1 for the subject.
func (c *checker) column(name string, seen []bool) (int, error) {
	if name == api.SubjectColumn {
		return -1, nil
	}
	for i, f := range c.schema {
		if f.Name == name {
			if seen[i] {
				return 0, fail(api.CodeDatasetFormat, "column %.64q is given twice", name)
			}
			seen[i] = true
			return i, nil
		}
	}
	return 0, fail(api.CodeDatasetUnknownField, "column %.64q is not a field of the dataset's registration", name)
}

var (
	decimal   = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	pseudonym = regexp.MustCompile(`^[0-9a-f]{64}$`) // SM3, as a fetch names subjects
)

// check checks c.values and the subject of the row on line n.
func (c *checker) check(n int64, subject string, hasSubject bool) error {
	if hasSubject && !pseudonym.MatchString(subject) {
		return fail(api.CodeDatasetBadValue, "line %d: subject %.40q is not a pseudonym (an SM3 digest: 64 lower-case hex digits, as fetches and authorizations name subjects)", n, subject)
	}
	for i, v := range c.values {
		f := c.schema[i]
		if len(v) > c.lim.MaxValueLen {
			return fail(api.CodeDatasetLimit, "line %d: field %s has %d bytes, more than %d", n, f.Name, len(v), c.lim.MaxValueLen)
		}
		if v == "" {
			if f.Required {
				return fail(api.CodeDatasetMissingField, "line %d: required field %s has no value", n, f.Name)
			}
			continue
		}
		if !utf8.ValidString(v) {
			return fail(api.CodeDatasetBadValue, "line %d: field %s is not UTF-8", n, f.Name)
		}
		ok := true
		switch f.Type {
		case record.FieldDate:
			_, err := time.Parse(time.DateOnly, v)
			ok = err == nil
		case record.FieldNumber:
			ok = decimal.MatchString(v)
		case record.FieldBool:
			ok = v == "true" || v == "false"
		}
		if !ok {
			return fail(api.CodeDatasetBadValue, "line %d: field %s is %.40q, not a %s", n, f.Name, v, f.Type)
		}
	}
	return nil
}

// csvReader reads CSV; guard bounds how far the csv package reads ahead of
// the last record, so one endless record cannot fill memory.
type csvReader struct {
	checker
	r     *csv.Reader
	guard *guard
	cols  []int // schema index of each column; -1: the subject
	subj  bool
	n     int64
}

// guard fails a read once more than max bytes have been read since mark.
type guard struct {
	r         io.Reader
	n, mark   int64
	max       int64
	exhausted bool
}

func (g *guard) Read(p []byte) (int, error) {
	if g.n-g.mark > g.max {
		g.exhausted = true
		return 0, errRowTooLarge
	}
	if room := g.max - (g.n - g.mark) + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

var errRowTooLarge = errors.New("row too large")

// csvSlack is what the csv package's buffer may hold beyond one record.
const csvSlack = 64 << 10

func newCSVReader(r io.Reader, c checker) (*csvReader, error) {
	g := &guard{r: r, max: int64(c.lim.MaxRowBytes) + csvSlack}
	cr := csv.NewReader(g)
	cr.ReuseRecord = true
	x := &csvReader{checker: c, r: cr, guard: g}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, fail(api.CodeDatasetFormat, "the CSV is empty: it needs a header row of column names")
	}
	if err != nil {
		return nil, x.readErr(err)
	}
	if len(head) > c.lim.MaxColumns {
		return nil, fail(api.CodeDatasetLimit, "the header has %d columns, more than %d", len(head), c.lim.MaxColumns)
	}
	seen := make([]bool, len(c.schema))
	for _, h := range head {
		i, err := x.column(strings.TrimPrefix(h, "\uFEFF"), seen)
		if err != nil {
			return nil, err
		}
		if i < 0 {
			if x.subj {
				return nil, fail(api.CodeDatasetFormat, "column %s is given twice", api.SubjectColumn)
			}
			x.subj = true
		}
		x.cols = append(x.cols, i)
	}
	for i, ok := range seen {
		if !ok {
			return nil, fail(api.CodeDatasetMissingField, "the header has no column %s, a field of the dataset's registration", c.schema[i].Name)
		}
	}
	return x, nil
}

func (x *csvReader) readErr(err error) error {
	if x.guard.exhausted || errors.Is(err, errRowTooLarge) {
		line, _ := x.r.FieldPos(0)
		return fail(api.CodeDatasetLimit, "line %d: a row of more than %d bytes", line, x.lim.MaxRowBytes)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fail(api.CodeDatasetFormat, "line %d: %s", pe.Line, pe.Err)
	}
	return fmt.Errorf("read CSV: %w", err)
}

func (x *csvReader) next() (string, []string, error) {
	x.guard.mark = x.r.InputOffset()
	rec, err := x.r.Read()
	if err == io.EOF {
		return "", nil, io.EOF
	}
	if err != nil {
		return "", nil, x.readErr(err)
	}
	line, _ := x.r.FieldPos(0)
	x.n = int64(line)
	if size := x.r.InputOffset() - x.guard.mark; size > int64(x.lim.MaxRowBytes) {
		return "", nil, fail(api.CodeDatasetLimit, "line %d: a row of %d bytes, more than %d", x.n, size, x.lim.MaxRowBytes)
	}
	subject := ""
	for j, v := range rec {
		if i := x.cols[j]; i >= 0 {
			x.values[i] = v
		} else {
			subject = v
		}
	}
	return subject, x.values, x.check(x.n, subject, x.subj)
}

func (x *csvReader) line() int64 { return x.n }

// jsonlReader reads JSON lines; blank lines are skipped.
type jsonlReader struct {
	checker
	s    *bufio.Scanner
	n    int64
	subj *bool // whether rows carry a subject: set by the first row
}

func newJSONLReader(r io.Reader, c checker) *jsonlReader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, 64<<10), c.lim.MaxRowBytes)
	return &jsonlReader{checker: c, s: s}
}

func (x *jsonlReader) next() (string, []string, error) {
	var b []byte
	for len(b) == 0 {
		if !x.s.Scan() {
			if err := x.s.Err(); errors.Is(err, bufio.ErrTooLong) {
				return "", nil, fail(api.CodeDatasetLimit, "line %d: a row of more than %d bytes", x.n+1, x.lim.MaxRowBytes)
			} else if err != nil {
				return "", nil, fmt.Errorf("read JSON lines: %w", err)
			}
			return "", nil, io.EOF
		}
		x.n++
		b = bytes.TrimSpace(x.s.Bytes())
	}
	subject, has, err := x.decode(b)
	if err != nil {
		return "", nil, err
	}
	if x.subj == nil {
		x.subj = &has
	} else if *x.subj != has {
		return "", nil, fail(api.CodeDatasetFormat, "line %d: either every row has a %s or none has", x.n, api.SubjectColumn)
	}
	return subject, x.values, x.check(x.n, subject, has)
}

// decode reads one object into x.values in schema order.
func (x *jsonlReader) decode(b []byte) (subject string, has bool, err error) {
	clear(x.values)
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return "", false, fail(api.CodeDatasetFormat, "line %d: not a JSON object", x.n)
	}
	seen := make([]bool, len(x.schema))
	for cols := 0; d.More(); cols++ {
		if cols == x.lim.MaxColumns {
			return "", false, fail(api.CodeDatasetLimit, "line %d: more than %d keys", x.n, x.lim.MaxColumns)
		}
		t, err := d.Token()
		key, ok := t.(string)
		if err != nil || !ok {
			return "", false, fail(api.CodeDatasetFormat, "line %d: not a JSON object", x.n)
		}
		var v any
		if err := d.Decode(&v); err != nil {
			return "", false, fail(api.CodeDatasetFormat, "line %d: key %.64q: %v", x.n, key, err)
		}
		s, err := x.scalar(key, v)
		if err != nil {
			return "", false, err
		}
		i, err := x.column(key, seen)
		if err != nil {
			return "", false, err
		}
		if i < 0 {
			if has {
				return "", false, fail(api.CodeDatasetFormat, "line %d: key %s is given twice", x.n, api.SubjectColumn)
			}
			subject, has = s, true
			continue
		}
		x.values[i] = s
	}
	if _, err := d.Token(); err != nil {
		return "", false, fail(api.CodeDatasetFormat, "line %d: not a JSON object", x.n)
	}
	if d.More() {
		return "", false, fail(api.CodeDatasetFormat, "line %d: more than one JSON value", x.n)
	}
	if _, err := d.Token(); err != io.EOF {
		return "", false, fail(api.CodeDatasetFormat, "line %d: more than one JSON value", x.n)
	}
	return subject, has, nil
}

func (x *jsonlReader) scalar(key string, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	}
	return "", fail(api.CodeDatasetBadValue, "line %d: key %.64q holds an object or an array, not a value", x.n, key)
}

func (x *jsonlReader) line() int64 { return x.n }
