package canon

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
	"time"
)

func TestEncodingOfEachKind(t *testing.T) {
	tests := []struct {
		name string
		enc  func(*Encoder)
		want string
	}{
		{"string", func(e *Encoder) { e.String("ab") }, "01000000026162"},
		{"empty string", func(e *Encoder) { e.String("") }, "0100000000"},
		{"utf-8 string", func(e *Encoder) { e.String("证") }, "0100000003e8af81"},
		{"bytes", func(e *Encoder) { e.Bytes([]byte{0xff}) }, "0200000001ff"},
		{"uint", func(e *Encoder) { e.Uint(258) }, "030000000000000102"},
		{"time", func(e *Encoder) { e.Time(time.Unix(1, 0)) }, "040000000000000001"},
		{"time before 1970", func(e *Encoder) { e.Time(time.Unix(-1, 0)) }, "04ffffffffffffffff"},
		{"bool", func(e *Encoder) { e.Bool(true).Bool(false) }, "06010600"},
		{"list", func(e *Encoder) { e.List(func(l *Encoder) { l.String("a").List(func(*Encoder) {}) }) }, "050000000201000000016105" + "00000000"},
	}
	for _, tt := range tests {
		var e Encoder
		tt.enc(&e)
		b, err := e.Result()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := hex.EncodeToString(b); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestEncoderRefusesWhatHasNoCanonicalForm(t *testing.T) {
	var e Encoder
	e.String("\xff")
	if _, err := e.Result(); err == nil {
		t.Error("a string that is not UTF-8 encoded")
	}
	var e2 Encoder
	e2.List(func(l *Encoder) { l.Time(time.Unix(0, 5)) })
	if _, err := e2.Result(); err == nil {
		t.Error("a time with nanoseconds encoded")
	}
}

func TestDecodeRoundTripsAndRejectsMalformedInput(t *testing.T) {
	var e Encoder
	e.List(func(l *Encoder) {
		l.String("wanledger/x/v1").Bytes([]byte{1, 2}).Uint(7).Time(time.Unix(1700000000, 0)).Bool(true)
		l.List(func(l2 *Encoder) { l2.String("nested") })
	})
	b, _ := e.Result()
	v, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if v.Kind != KindList || len(v.List) != 6 || v.List[0].Str != "wanledger/x/v1" || v.List[5].List[0].Str != "nested" {
		t.Errorf("decoded %+v", v)
	}
	again, err := Encode(v)
	if err != nil || !bytes.Equal(again, b) {
		t.Errorf("re-encoding differs: %x vs %x (%v)", again, b, err)
	}
	for name, in := range map[string]string{
		"empty":            "",
		"unknown kind":     "07",
		"truncated length": "01000000",
		"length too long":  "0100000005616263",
		"bad bool":         "0602",
		"trailing bytes":   "060100",
		"short uint":       "0300",
		"list too long":    "05ffffffff",
		"bad utf-8":        "0100000001ff",
	} {
		b, _ := hex.DecodeString(in)
		if _, err := Decode(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
	deep := bytes.Repeat([]byte{KindList, 0, 0, 0, 1}, MaxDepth+1)
	deep = append(deep, KindBool, 1)
	if _, err := Decode(deep); !errors.Is(err, ErrMalformed) {
		t.Errorf("nesting beyond MaxDepth: %v", err)
	}
}

// FuzzDecode: no input panics the decoder, and whatever it accepts
// re-encodes to exactly the same bytes: there is one encoding per value.
func FuzzDecode(f *testing.F) {
	var e Encoder
	e.List(func(l *Encoder) { l.String("seed").Bytes([]byte{9}).Uint(1).Time(time.Unix(0, 0)).Bool(false) })
	b, _ := e.Result()
	f.Add(b)
	f.Add([]byte{KindList, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := Decode(in)
		if err != nil {
			return
		}
		out, err := Encode(v)
		if err != nil {
			t.Fatalf("decoded %x but cannot re-encode: %v", in, err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("%x decodes and re-encodes to %x", in, out)
		}
	})
}
