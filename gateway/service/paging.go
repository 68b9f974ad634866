package service

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/wanledger/wanledger/api"
	"github.com/wanledger/wanledger/api/record"
)

// A cursor is the chaincode's bookmark, which may hold any bytes (NUL
// separates a composite key's parts), as unpadded base64url: opaque, and
// safe in a URL's query without escaping.

// encodeCursor makes the cursor of a bookmark ("" stays "": the last page).
func encodeCursor(bookmark string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(bookmark))
}

// badCursor answers a cursor that is malformed, or that the ledger refused
// as a bookmark of another query.
func badCursor() *api.Error {
	return badRequest("the cursor is not one this gateway gave for this query")
}

// decodeCursor reads a cursor back; a malformed one is 400 BAD_REQUEST.
func decodeCursor(cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", badCursor()
	}
	return string(b), nil
}

func limitArg(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// Paging is a page's size (0: the ledger's default) and the cursor a
// previous page gave ("" for the first).
type Paging struct {
	Limit  int
	Cursor string
}

// list evaluates a listing whose last two arguments are the page size and
// the bookmark, and gives the next page's cursor.
func list[T any](ctx context.Context, s *Service, who string, p Paging, contract, fn string, args ...string) (api.Read[record.Page[T]], error) {
	bookmark, err := decodeCursor(p.Cursor)
	if err != nil {
		return api.Read[record.Page[T]]{}, err
	}
	return page(evaluate[record.Page[T]](ctx, s, who, contract, fn, append(args, limitArg(p.Limit), bookmark)...))
}

// page is a listing's answer: the next page's cursor, or the cursor error
// if the ledger refused the bookmark as another query's.
func page[T any](r api.Read[record.Page[T]], err error) (api.Read[record.Page[T]], error) {
	if e, ok := errors.AsType[*api.Error](err); ok && e.Code == string(record.CodeInvalidArgument) && strings.Contains(e.Message, record.BookmarkRefusal) {
		return r, badCursor()
	}
	r.Data.Bookmark = encodeCursor(r.Data.Bookmark)
	return r, err
}
