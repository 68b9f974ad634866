package snapshot

import (
	"encoding/base64"
	"fmt"
)

// Bounds of a body's JSON, checked before it is decoded so that no array
// or string grows past what a body may hold.
const (
	maxDepth    = 8               // nesting of objects and arrays
	maxElements = 6 * MaxLicences // array elements in all
)

// maxString is the characters of the longest string a body may hold: the
// base64 content column of MaxLicences licences.
var maxString = base64.StdEncoding.EncodedLen(DigestLen * MaxLicences)

// boundArrays scans JSON text and refuses it, with no allocation but its
// nesting, if it nests deeper than maxDepth, if an array of the body
// itself (registry records, sources) holds more than MaxRegistry elements,
// an array in its licences more than MaxLicences, an array deeper (in a
// record) more than MaxRegistry, all arrays more than maxElements, or a
// string is over maxString bytes (the content column's exact length,
// DigestLen bytes a licence, is checked once the IDs are decoded).
func boundArrays(js []byte) error {
	var stack [maxDepth]struct {
		array bool
		n     int
	}
	depth, total, strLen := 0, 0, 0
	inString, escaped := false, false
	for _, c := range js {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				continue
			}
			if strLen++; strLen > maxString {
				return fmt.Errorf("a string of over %d bytes", maxString)
			}
			continue
		}
		switch c {
		case '"':
			inString, strLen = true, 0
		case '[', '{':
			if depth == maxDepth {
				return fmt.Errorf("nested over %d deep", maxDepth)
			}
			stack[depth].array, stack[depth].n = c == '[', 0
			depth++
		case ']', '}':
			if depth == 0 {
				return fmt.Errorf("unbalanced %q", c)
			}
			depth--
		case ',':
			if depth == 0 || !stack[depth-1].array {
				continue
			}
			top := &stack[depth-1]
			top.n++
			total++
			limit := MaxRegistry
			if depth == 3 { // a column of the licences object
				limit = MaxLicences
			}
			if top.n >= limit || total >= maxElements {
				return fmt.Errorf("an array of over %d elements, or over %d in all", limit, maxElements)
			}
		}
	}
	return nil
}
