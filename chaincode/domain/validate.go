package domain

import (
	"time"
	"unicode/utf8"
)

// Input limits.
const (
	MaxIDLen   = 64
	MaxNameLen = 128
	MaxFields  = 64
	MaxTypes   = 64
	MaxBatch   = 50
)

// checkID accepts 1 to MaxIDLen characters of [A-Za-z0-9._:-].
func checkID(what, id string) error {
	if id == "" || len(id) > MaxIDLen {
		return Errorf(CodeInvalidArgument, "%s must be 1 to %d characters", what, MaxIDLen)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == ':') {
			return Errorf(CodeInvalidArgument, "%s %.40q may hold only letters, digits and . _ - :", what, id)
		}
	}
	return nil
}

// checkText accepts valid UTF-8 of 1 to max bytes without control characters.
func checkText(what, s string, max int) error {
	if s == "" || len(s) > max || !utf8.ValidString(s) {
		return Errorf(CodeInvalidArgument, "%s must be 1 to %d bytes of UTF-8", what, max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return Errorf(CodeInvalidArgument, "%s holds a control character", what)
		}
	}
	return nil
}

// checkWindow accepts from < to, both whole seconds.
func checkWindow(what string, from, to time.Time) error {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return Errorf(CodeInvalidArgument, "%s: valid-from must be before valid-to", what)
	}
	if from.Nanosecond() != 0 || to.Nanosecond() != 0 {
		return Errorf(CodeInvalidArgument, "%s: times are whole seconds", what)
	}
	return nil
}

// within reports whether t lies in [from, to).
func within(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }
