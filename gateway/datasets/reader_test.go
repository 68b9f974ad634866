package datasets

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api"
)

// FuzzRowReader feeds any bytes to both readers: they never panic, every
// error is coded, and every row they accept fits the schema and the limits.
func FuzzRowReader(f *testing.F) {
	f.Add(byte(0), []byte(people))
	f.Add(byte(0), []byte("name,born,income,insured\n\"a\"\"b\",2000-02-29,-1.5,false\n"))
	f.Add(byte(1), []byte(`{"name":"A","income":12,"insured":true,"_subject":"0000000000000000000000000000000000000000000000000000000000000001"}`+"\n"))
	f.Add(byte(1), []byte(`{"name":"A"}{"name":"B"}`))
	f.Add(byte(1), []byte("\n\n{\"name\":null}\n"))
	lim := Limits{MaxRowBytes: 256, MaxValueLen: 64, MaxColumns: 8}
	f.Fuzz(func(t *testing.T, which byte, in []byte) {
		format := CSV
		if which%2 == 1 {
			format = JSONL
		}
		rr, err := newRowReader(format, bytes.NewReader(in), schema, lim)
		for n := 0; err == nil && n < 10_000; n++ {
			var subject string
			var values []string
			subject, values, err = rr.next()
			if err != nil {
				break
			}
			if len(values) != len(schema) {
				t.Fatalf("%d values", len(values))
			}
			if subject != "" && !pseudonym.MatchString(subject) {
				t.Fatalf("subject %q accepted", subject)
			}
			for i, v := range values {
				if len(v) > lim.MaxValueLen || !utf8.ValidString(v) || (schema[i].Required && v == "") {
					t.Fatalf("value %q of %s accepted", v, schema[i].Name)
				}
			}
		}
		var e *api.Error
		if err != nil && err != io.EOF && !errors.As(err, &e) {
			t.Fatalf("uncoded error %v", err)
		}
	})
}

// FuzzDecodeRow: a stored row that does not decode is an error, never a
// panic, and one that does re-encodes to the same bytes.
func FuzzDecodeRow(f *testing.F) {
	f.Add(string(encodeRow(nil, "0000000000000000000000000000000000000000000000000000000000000001", []string{"a", "", "ccc"})), 3)
	f.Add("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 1)
	f.Fuzz(func(t *testing.T, b string, n int) {
		n = n & 0xff
		subject, vals, err := decodeRow(b, n, nil)
		if err != nil {
			return
		}
		if got := string(encodeRow(nil, subject, vals)); got != b {
			t.Fatalf("re-encoded %q as %q", b, got)
		}
	})
}
