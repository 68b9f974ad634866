// Package contracts holds the chaincode's thin contracts. Each transaction
// takes string arguments, decodes them strictly, calls the domain with a
// State over the stub, and returns JSON. Errors keep the domain's stable
// code prefix.
package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/wanledger/wanledger/api/record"
	"github.com/wanledger/wanledger/chaincode/domain"
	"github.com/wanledger/wanledger/chaincode/stubstate"
)

// state is the domain's State over the transaction's stub, memoizing what
// the domain reads of the channel's governance once per transaction.
func state(ctx contractapi.TransactionContextInterface) domain.State {
	return domain.Memo(stubstate.New(ctx.GetStub(), ctx.GetClientIdentity()))
}

// Argument size limits.
const (
	MaxArg      = 64 << 10
	MaxBatchArg = 1 << 20
)

// Decode reads one JSON argument into a T: no unknown fields, no trailing
// data, at most max bytes.
func Decode[T any](what, arg string, max int) (T, error) {
	var v T
	if len(arg) > max {
		return v, record.Errorf(record.CodeTooLarge, "%s is %d bytes; the limit is %d", what, len(arg), max)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(arg)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, record.Errorf(record.CodeInvalidArgument, "%s is not valid JSON of the expected shape: %s", what, jsonMsg(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return v, record.Errorf(record.CodeInvalidArgument, "%s has data after its JSON value", what)
	}
	return v, nil
}

// jsonMsg keeps decoder messages short and free of the input's bytes.
func jsonMsg(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at offset %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q wants %s", te.Field, te.Type)
	}
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return msg
}

// pageArgs reads a page size ("" for the default) and a bookmark.
func pageArgs(size, bookmark string) (int32, string, error) {
	if size == "" {
		return 0, bookmark, nil
	}
	n, err := strconv.ParseInt(size, 10, 32)
	if err != nil {
		return 0, "", record.Errorf(record.CodeInvalidArgument, "page size %.20q is not a number", size)
	}
	return int32(n), bookmark, nil
}

// timeArg reads an RFC 3339 time, or the zero time for "".
func timeArg(what, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, record.Errorf(record.CodeInvalidArgument, "%s %.40q is not an RFC 3339 time", what, s)
	}
	return t.UTC(), nil
}

// requiredTime reads an RFC 3339 time that may not be "".
func requiredTime(what, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, record.Errorf(record.CodeInvalidArgument, "%s is required", what)
	}
	return timeArg(what, s)
}

// reply encodes a domain result.
func reply(v any, err error) (string, error) {
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", record.Wrap(record.CodeInternal, err, "encode result")
	}
	return string(b), nil
}
