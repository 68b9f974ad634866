package domain

import (
	"time"
	"unicode/utf8"

	"github.com/wanledger/wanledger/api/record"
)

// Input limits.
const (
	MaxNameLen = 128
	MaxFields  = 64
	MaxTypes   = 64
	MaxBatch   = 50
)

// checkText accepts valid UTF-8 of 1 to max bytes without control characters.
func checkText(what, s string, max int) error {
	if s == "" || len(s) > max || !utf8.ValidString(s) {
		return record.Errorf(record.CodeInvalidArgument, "%s must be 1 to %d bytes of UTF-8", what, max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return record.Errorf(record.CodeInvalidArgument, "%s holds a control character", what)
		}
	}
	return nil
}

// checkWindow accepts from < to, both whole seconds.
func checkWindow(what string, from, to time.Time) error {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return record.Errorf(record.CodeInvalidArgument, "%s: valid-from must be before valid-to", what)
	}
	if from.Nanosecond() != 0 || to.Nanosecond() != 0 {
		return record.Errorf(record.CodeInvalidArgument, "%s: times are whole seconds", what)
	}
	return nil
}
