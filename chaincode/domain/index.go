package domain

import (
	"strings"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// Indexes for time-window and per-organisation queries are simple keys,
// because Fabric's range queries refuse composite keys:
//
//	ix/<index>/<attr>/<time>/<id>   value: the object's ID
//
// Every attribute is an ID, an MSP ID, a status or a hex digest, none of
// which may hold '/', and times are written as fixed-width UTC, so that key
// order is time order.
const ixTime = "2006-01-02T15:04:05Z"

func ixPrefix(index, attr string) string { return "ix/" + index + "/" + attr + "/" }

func ixKey(index, attr string, at time.Time, id string) string {
	return ixPrefix(index, attr) + at.UTC().Format(ixTime) + "/" + id
}

// ixRange lists the IDs indexed under attr between from and to (zero
// times leave that end open).
func ixRange(s State, index, attr string, from, to time.Time, size int32, bookmark string) (record.Page[string], error) {
	if strings.Contains(attr, "/") {
		return record.Page[string]{}, record.Errorf(record.CodeInvalidArgument, "%q may not hold '/'", attr)
	}
	n, err := pageSize(size)
	if err != nil {
		return record.Page[string]{}, err
	}
	p := ixPrefix(index, attr)
	start, end := p, p+"~" // '~' sorts after every time and ID character
	if !from.IsZero() {
		start = p + from.UTC().Format(ixTime)
	}
	if !to.IsZero() {
		end = p + to.UTC().Format(ixTime)
	}
	if err := checkBookmark(bookmark, start, end); err != nil {
		return record.Page[string]{}, err
	}
	kvs, next, err := s.Range(start, end, n, bookmark)
	if err != nil {
		return record.Page[string]{}, record.Wrap(record.CodeInternal, err, "range %s", index)
	}
	out := record.Page[string]{Items: make([]string, 0, len(kvs)), Bookmark: next}
	for _, kv := range kvs {
		out.Items = append(out.Items, string(kv.Value))
	}
	return out, nil
}

// putIndex writes index entries pointing at id.
func putIndex(s State, id string, keys ...string) error {
	for _, k := range keys {
		if err := s.Put(k, []byte(id)); err != nil {
			return record.Wrap(record.CodeInternal, err, "write index")
		}
	}
	return nil
}
