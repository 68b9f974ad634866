// Package api is the published contract of a wanledger gateway's HTTP API
// (/v1): what a client sends, what it gets back, and the error shape with
// its stable codes. The gateway, the typed Go client (api/apiclient), the
// command line and the tests all use these types; the ledger's records the
// answers carry are those of package api/record.
package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/wanledger/wanledger/api/record"
)

// Error is the one error shape of the API: {"code": ..., "message": ...},
// plus, for an access the ledger refused and recorded, the denial record's
// ID (its transaction) and block. Status is the HTTP status; Err, the
// detail a gateway logs, is never sent.
type Error struct {
	Status      int    `json:"-"`
	Code        string `json:"code" doc:"a stable code: a gateway code (UNAUTHENTICATED, BAD_REQUEST, ...) or the ledger's (api/record Codes)"`
	Message     string `json:"message" doc:"what went wrong, for people; at most a few hundred bytes"`
	DenialID    string `json:"denialId,omitempty" doc:"a refused access: the ID of the denial the ledger recorded"`
	BlockNumber uint64 `json:"blockNumber,omitempty" doc:"a refused access: the block of the denial"`
	Err         error  `json:"-"`
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.Status, e.Message) + e.DenialText()
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// DenialText is how Error names the denial: "(denial ID, block N)", the
// block only when known; "" for an error that names no denial.
func (e *Error) DenialText() string {
	switch {
	case e.DenialID == "":
		return ""
	case e.BlockNumber == 0:
		return " (denial " + e.DenialID + ")"
	}
	return fmt.Sprintf(" (denial %s, block %d)", e.DenialID, e.BlockNumber)
}

// GetStatus is the HTTP status of the answer.
func (e *Error) GetStatus() int { return e.Status }

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an error answer.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Gateway codes, beside the ledger's (record.Codes).
const (
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeBadRequest      = "BAD_REQUEST"
	CodeUnavailable     = "UNAVAILABLE"
	CodeConflict        = "CONFLICT"
	CodeEndorsement     = "ENDORSEMENT_FAILED"
	// CodeCrossOrigin refuses a call another site's page made with the
	// browser's client certificate (mutual TLS).
	CodeCrossOrigin = "CROSS_ORIGIN"
	// CodeStorageFull (507) refuses a write while the gateway's cache disk
	// is short of its reserve (its configuration's cacheMinFree).
	CodeStorageFull = "STORAGE_FULL"
)

// Read is the answer to a read: the data and the block height it reflects.
type Read[T any] struct {
	BlockHeight uint64 `json:"blockHeight" doc:"the number of blocks the answer reflects: the cache's height (exact), or the peer's height asked just before the query (the answer reflects at least it)"`
	Source      string `json:"source" enum:"cache,ledger" doc:"cache: the gateway's cache; ledger: the organisation's peer"`
	Data        T      `json:"data" doc:"the answer"`
}

// Tx is the answer to a committed transaction.
type Tx[T any] struct {
	TxID        string `json:"txId" doc:"the Fabric transaction ID"`
	BlockNumber uint64 `json:"blockNumber" doc:"the block that committed it"`
	Data        T      `json:"data" doc:"what the transaction wrote, as the ledger answered"`
}

// Codes of requests the HTTP layer refuses: a method a path does not take,
// and a body of a media type other than JSON.
const (
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
)

// statusOf is the HTTP status of each ledger code, defined once.
var statusOf = map[record.Code]int{
	record.CodeInvalidArgument:   http.StatusBadRequest,
	record.CodeTooLarge:          http.StatusRequestEntityTooLarge,
	record.CodeNotFound:          http.StatusNotFound,
	record.CodeAlreadyExists:     http.StatusConflict,
	record.CodeForbidden:         http.StatusForbidden,
	record.CodeNotAccredited:     http.StatusUnprocessableEntity,
	record.CodeWrongRegion:       http.StatusUnprocessableEntity,
	record.CodeSealInvalid:       http.StatusUnprocessableEntity,
	record.CodeBadSignature:      http.StatusUnprocessableEntity,
	record.CodeSchemaMismatch:    http.StatusUnprocessableEntity,
	record.CodeValidityTooLong:   http.StatusUnprocessableEntity,
	record.CodeInvalidTransition: http.StatusConflict,
	record.CodeNotActive:         http.StatusForbidden,
	record.CodePurposeMismatch:   http.StatusForbidden,
	record.CodeFieldsNotGranted:  http.StatusForbidden,
	record.CodeUsesExhausted:     http.StatusConflict,
	record.CodeSubjectNotCovered: http.StatusForbidden,
	record.CodeInternal:          http.StatusBadGateway,
	record.CodeAgencyTaken:       http.StatusConflict,
	record.CodeProofInvalid:      http.StatusUnprocessableEntity,
	record.CodeNotRecognised:     http.StatusUnprocessableEntity,
}

// StatusOf is the HTTP status a gateway answers a ledger code with (400 for
// a code it does not know).
func StatusOf(c record.Code) int {
	if st, ok := statusOf[c]; ok {
		return st
	}
	return http.StatusBadRequest
}

// Refusal is the answer to a ledger refusal: message is the chaincode's
// "CODE: text"; the answer carries the code, its status and the text.
func Refusal(message string, cause error) *Error {
	code := record.CodeOf(errors.New(message))
	if code == "" {
		return nil
	}
	return &Error{Status: StatusOf(code), Code: string(code), Message: strings.TrimPrefix(message, string(code)+": "), Err: cause}
}
