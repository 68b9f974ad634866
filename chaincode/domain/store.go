package domain

import (
	"encoding/json"
	"time"

	"github.com/wanledger/wanledger/api/record"
)

// EventVersion is the version of every event envelope.
const EventVersion = 1

// Event is the envelope of every chaincode event. Fabric keeps one event
// per transaction, so each operation emits exactly one.
type Event struct {
	Version int    `json:"version"`
	Type    string `json:"type"`
	TxID    string `json:"txId"`
	Payload any    `json:"payload"`
}

// txContext is the caller and time of the running transaction.
type txContext struct {
	caller Caller
	now    time.Time
	txID   string
}

func (t txContext) record() record.Record {
	return record.Record{UpdatedAt: t.now, UpdatedBy: t.caller.MSPID, TxID: t.txID}
}

// effective is when a change given effectiveAt takes effect: now for the
// zero time, else effectiveAt, which may lie in the past but not after the
// transaction. A change is never scheduled for later: stored state and the
// status at any time answered from the history could then disagree.
func (t txContext) effective(effectiveAt time.Time) (time.Time, error) {
	switch {
	case effectiveAt.IsZero():
		return t.now, nil
	case effectiveAt.Nanosecond() != 0:
		return time.Time{}, record.Errorf(record.CodeInvalidArgument, "effective time %s: times are whole seconds", effectiveAt.UTC().Format(time.RFC3339Nano))
	case effectiveAt.After(t.now):
		return time.Time{}, record.Errorf(record.CodeInvalidArgument, "effective time %s is after the transaction's time %s: submit a change when it is due",
			effectiveAt.UTC().Format(time.RFC3339), t.now.Format(time.RFC3339))
	}
	return effectiveAt.UTC(), nil
}

func begin(s State) (txContext, error) {
	caller, err := s.Caller()
	if err != nil {
		return txContext{}, record.Wrap(record.CodeForbidden, err, "identify caller")
	}
	now, err := s.TxTime()
	if err != nil {
		return txContext{}, record.Wrap(record.CodeInternal, err, "transaction time")
	}
	return txContext{caller: caller, now: now.UTC().Truncate(time.Second), txID: s.TxID()}, nil
}

func key(s State, objectType string, attrs ...string) (string, error) {
	k, err := s.Key(objectType, attrs...)
	if err != nil {
		return "", record.Wrap(record.CodeInvalidArgument, err, "key %s", objectType)
	}
	return k, nil
}

func putJSON(s State, k string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return record.Wrap(record.CodeInternal, err, "encode %q", k)
	}
	if err := s.Put(k, b); err != nil {
		return record.Wrap(record.CodeInternal, err, "write %q", k)
	}
	return nil
}

// putAt stores v under the composite key of objectType and attrs.
func putAt(s State, v any, objectType string, attrs ...string) error {
	k, err := key(s, objectType, attrs...)
	if err != nil {
		return err
	}
	return putJSON(s, k, v)
}

func getJSON(s State, k string, v any) (bool, error) {
	b, err := s.Get(k)
	if err != nil {
		return false, record.Wrap(record.CodeInternal, err, "read %q", k)
	}
	if b == nil {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, record.Wrap(record.CodeInternal, err, "decode %q", k)
	}
	return true, nil
}

// mustBeNew refuses a key that is already taken: IDs are never reused.
func mustBeNew(s State, k, what, id string) error {
	old, err := s.Get(k)
	if err != nil {
		return record.Wrap(record.CodeInternal, err, "read %s", what)
	}
	if old != nil {
		return record.Errorf(record.CodeAlreadyExists, "%s %s exists", what, id)
	}
	return nil
}

// mustGet reads an object that must exist.
func mustGet(s State, what, id string, v any, objectType string, attrs ...string) error {
	k, err := key(s, objectType, attrs...)
	if err != nil {
		return err
	}
	found, err := getJSON(s, k, v)
	if err != nil {
		return err
	}
	if !found {
		return record.Errorf(record.CodeNotFound, "no %s %q", what, id)
	}
	return nil
}

// load reads the object stored under one ID, checking the ID first; idName
// names the ID and what the object in errors.
func load[T any](s State, idName, what, objectType, id string) (*T, error) {
	if err := record.CheckID(idName, id); err != nil {
		return nil, err
	}
	var v T
	if err := mustGet(s, what, id, &v, objectType, id); err != nil {
		return nil, err
	}
	return &v, nil
}

// listForReaders lists the objects of a type for any reader.
func listForReaders[T any](s State, size int32, bookmark, objectType string) (record.Page[T], error) {
	if _, err := requireReader(s); err != nil {
		return record.Page[T]{}, err
	}
	return listJSON[T](s, size, bookmark, objectType)
}

func emit(s State, name string, payload any) error {
	b, err := json.Marshal(Event{Version: EventVersion, Type: name, TxID: s.TxID(), Payload: payload})
	if err != nil {
		return record.Wrap(record.CodeInternal, err, "encode event %s", name)
	}
	if err := s.Emit(name, b); err != nil {
		return record.Wrap(record.CodeInternal, err, "emit %s", name)
	}
	return nil
}

func pageSize(n int32) (int32, error) {
	switch {
	case n == 0:
		return record.DefaultPageSize, nil
	case n < 0 || n > record.MaxPageSize:
		return 0, record.Errorf(record.CodeInvalidArgument, "page size must be 1 to %d", record.MaxPageSize)
	}
	return n, nil
}

// maxKeyRune ends a partial composite key's range, as in Fabric.
const maxKeyRune = "\U0010FFFF"

// checkBookmark accepts "" or a bookmark in [start, end): Fabric resumes a
// paged query at the bookmark itself, so one outside the query's own range
// would list other records.
func checkBookmark(bookmark, start, end string) error {
	if bookmark != "" && (len(bookmark) > 1024 || bookmark < start || bookmark >= end) {
		return record.Errorf(record.CodeInvalidArgument, "%s", record.BookmarkRefusal)
	}
	return nil
}

// listJSON decodes one page of objects stored under a partial composite key.
func listJSON[T any](s State, size int32, bookmark string, objectType string, attrs ...string) (record.Page[T], error) {
	return listPage(s, size, bookmark, func(b []byte) (T, error) {
		var v T
		err := json.Unmarshal(b, &v)
		return v, err
	}, objectType, attrs...)
}

// listPage reads one page of values stored under a partial composite key.
func listPage[T any](s State, size int32, bookmark string, decode func([]byte) (T, error), objectType string, attrs ...string) (record.Page[T], error) {
	n, err := pageSize(size)
	if err != nil {
		return record.Page[T]{}, err
	}
	prefix, err := key(s, objectType, attrs...)
	if err != nil {
		return record.Page[T]{}, err
	}
	if err := checkBookmark(bookmark, prefix, prefix+maxKeyRune); err != nil {
		return record.Page[T]{}, err
	}
	kvs, next, err := s.Page(objectType, attrs, n, bookmark)
	if err != nil {
		return record.Page[T]{}, record.Wrap(record.CodeInternal, err, "list %s", objectType)
	}
	p := record.Page[T]{Items: make([]T, 0, len(kvs)), Bookmark: next}
	for _, kv := range kvs {
		v, err := decode(kv.Value)
		if err != nil {
			return record.Page[T]{}, record.Wrap(record.CodeInternal, err, "decode %q", kv.Key)
		}
		p.Items = append(p.Items, v)
	}
	return p, nil
}
