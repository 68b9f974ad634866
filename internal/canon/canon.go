// Package canon is the project's canonical byte encoding: one deterministic
// encoding of typed values, used for everything that is signed or hashed.
// docs/canonical-encoding.md specifies it so that another implementation can
// reproduce every digest; testdata/ holds vectors.
//
// Each value is a one-byte kind and a body:
//
//	0x01 string  u32 length, UTF-8 bytes
//	0x02 bytes   u32 length, bytes
//	0x03 uint    u64
//	0x04 time    i64 seconds since the Unix epoch, UTC
//	0x05 list    u32 count, that many values
//	0x06 bool    one byte, 0 or 1
//
// All integers are big-endian. There is exactly one encoding of each value.
package canon

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Kinds of value.
const (
	KindString byte = 0x01
	KindBytes  byte = 0x02
	KindUint   byte = 0x03
	KindTime   byte = 0x04
	KindList   byte = 0x05
	KindBool   byte = 0x06
)

// Limits a decoder enforces.
const (
	MaxDepth = 16
	MaxSize  = 1 << 20
)

// Encoder appends values to a buffer. The zero value is ready to use.
type Encoder struct {
	buf []byte
	n   int // values appended at this level
	err error
}

// Result returns the encoding, or the first error: a string that is not
// UTF-8, or a time with a fraction of a second.
func (e *Encoder) Result() ([]byte, error) { return e.buf, e.err }

func (e *Encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// kind starts a value.
func (e *Encoder) kind(k byte) {
	e.n++
	e.buf = append(e.buf, k)
}

func (e *Encoder) u32(n int) {
	e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
}

// String appends a UTF-8 string.
func (e *Encoder) String(s string) *Encoder {
	if !utf8.ValidString(s) {
		e.fail(fmt.Errorf("canon: string %.20q is not UTF-8", s))
	}
	e.kind(KindString)
	e.u32(len(s))
	e.buf = append(e.buf, s...)
	return e
}

// Bytes appends a byte string.
func (e *Encoder) Bytes(b []byte) *Encoder {
	e.kind(KindBytes)
	e.u32(len(b))
	e.buf = append(e.buf, b...)
	return e
}

// Uint appends an unsigned integer.
func (e *Encoder) Uint(u uint64) *Encoder {
	e.kind(KindUint)
	e.buf = binary.BigEndian.AppendUint64(e.buf, u)
	return e
}

// Time appends an instant with whole-second precision.
func (e *Encoder) Time(t time.Time) *Encoder {
	if t.Nanosecond() != 0 {
		e.fail(fmt.Errorf("canon: time %s has a fraction of a second", t.Format(time.RFC3339Nano)))
	}
	e.kind(KindTime)
	e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(t.Unix()))
	return e
}

// Bool appends a boolean.
func (e *Encoder) Bool(b bool) *Encoder {
	v := byte(0)
	if b {
		v = 1
	}
	e.kind(KindBool)
	e.buf = append(e.buf, v)
	return e
}

// List appends a list of the values that items appends.
func (e *Encoder) List(items func(*Encoder)) *Encoder {
	sub := &Encoder{}
	items(sub)
	if sub.err != nil {
		e.fail(sub.err)
	}
	e.kind(KindList)
	e.u32(sub.n)
	e.buf = append(e.buf, sub.buf...)
	return e
}

// Value is a decoded value.
type Value struct {
	Kind  byte
	Str   string
	Bytes []byte
	Uint  uint64
	Time  time.Time
	Bool  bool
	List  []Value
}

// ErrMalformed is returned for input that is not exactly one canonical value.
var ErrMalformed = errors.New("canon: malformed encoding")

// Decode reads exactly one value.
func Decode(b []byte) (Value, error) {
	if len(b) > MaxSize {
		return Value{}, fmt.Errorf("%w: %d bytes exceed %d", ErrMalformed, len(b), MaxSize)
	}
	v, rest, err := decode(b, 0)
	if err != nil {
		return Value{}, err
	}
	if len(rest) != 0 {
		return Value{}, fmt.Errorf("%w: %d trailing bytes", ErrMalformed, len(rest))
	}
	return v, nil
}

func decode(b []byte, depth int) (Value, []byte, error) {
	if len(b) == 0 {
		return Value{}, nil, fmt.Errorf("%w: truncated", ErrMalformed)
	}
	v := Value{Kind: b[0]}
	b = b[1:]
	switch v.Kind {
	case KindString, KindBytes:
		body, rest, err := lengthPrefixed(b)
		if err != nil {
			return Value{}, nil, err
		}
		if v.Kind == KindString {
			if !utf8.Valid(body) {
				return Value{}, nil, fmt.Errorf("%w: string is not UTF-8", ErrMalformed)
			}
			v.Str = string(body)
		} else {
			v.Bytes = append([]byte{}, body...)
		}
		return v, rest, nil
	case KindUint, KindTime:
		if len(b) < 8 {
			return Value{}, nil, fmt.Errorf("%w: truncated integer", ErrMalformed)
		}
		u := binary.BigEndian.Uint64(b)
		if v.Kind == KindUint {
			v.Uint = u
		} else {
			v.Time = time.Unix(int64(u), 0).UTC()
		}
		return v, b[8:], nil
	case KindBool:
		if len(b) < 1 || b[0] > 1 {
			return Value{}, nil, fmt.Errorf("%w: bad boolean", ErrMalformed)
		}
		v.Bool = b[0] == 1
		return v, b[1:], nil
	case KindList:
		if depth >= MaxDepth {
			return Value{}, nil, fmt.Errorf("%w: nested deeper than %d", ErrMalformed, MaxDepth)
		}
		if len(b) < 4 {
			return Value{}, nil, fmt.Errorf("%w: truncated list", ErrMalformed)
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(n) > uint64(len(b)) { // every value takes at least two bytes
			return Value{}, nil, fmt.Errorf("%w: list of %d values in %d bytes", ErrMalformed, n, len(b))
		}
		v.List = make([]Value, 0, n)
		for range n {
			item, rest, err := decode(b, depth+1)
			if err != nil {
				return Value{}, nil, err
			}
			v.List = append(v.List, item)
			b = rest
		}
		return v, b, nil
	default:
		return Value{}, nil, fmt.Errorf("%w: unknown kind 0x%02x", ErrMalformed, v.Kind)
	}
}

func lengthPrefixed(b []byte) (body, rest []byte, err error) {
	if len(b) < 4 {
		return nil, nil, fmt.Errorf("%w: truncated length", ErrMalformed)
	}
	n := binary.BigEndian.Uint32(b)
	b = b[4:]
	if uint64(n) > uint64(len(b)) {
		return nil, nil, fmt.Errorf("%w: length %d exceeds the %d bytes left", ErrMalformed, n, len(b))
	}
	return b[:n], b[n:], nil
}

// Encode re-encodes a decoded value.
func Encode(v Value) ([]byte, error) {
	var e Encoder
	e.value(v)
	return e.Result()
}

func (e *Encoder) value(v Value) {
	switch v.Kind {
	case KindString:
		e.String(v.Str)
	case KindBytes:
		e.Bytes(v.Bytes)
	case KindUint:
		e.Uint(v.Uint)
	case KindTime:
		e.Time(v.Time)
	case KindBool:
		e.Bool(v.Bool)
	case KindList:
		e.List(func(l *Encoder) {
			for _, item := range v.List {
				l.value(item)
			}
		})
	default:
		e.fail(fmt.Errorf("canon: unknown kind 0x%02x", v.Kind))
	}
}
