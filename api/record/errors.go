package record

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a stable error code. Only a string crosses from the chaincode to a
// client, so every refusal starts with its code and a colon; gateways map the
// code back to a typed error.
type Code string

// Error codes. They are part of the API: never rename one.
const (
	CodeInvalidArgument   Code = "INVALID_ARGUMENT"
	CodeTooLarge          Code = "TOO_LARGE"
	CodeNotFound          Code = "NOT_FOUND"
	CodeAlreadyExists     Code = "ALREADY_EXISTS"
	CodeForbidden         Code = "FORBIDDEN"
	CodeNotAccredited     Code = "NOT_ACCREDITED"
	CodeWrongRegion       Code = "WRONG_REGION"
	CodeSealInvalid       Code = "SEAL_INVALID"
	CodeBadSignature      Code = "BAD_SIGNATURE"
	CodeSchemaMismatch    Code = "SCHEMA_MISMATCH"
	CodeValidityTooLong   Code = "VALIDITY_TOO_LONG"
	CodeInvalidTransition Code = "INVALID_TRANSITION"
	CodeNotActive         Code = "AUTHORIZATION_INACTIVE"
	CodePurposeMismatch   Code = "PURPOSE_MISMATCH"
	CodeFieldsNotGranted  Code = "FIELDS_NOT_GRANTED"
	CodeUsesExhausted     Code = "USES_EXHAUSTED"
	CodeSubjectNotCovered Code = "SUBJECT_NOT_COVERED"
	CodeInternal          Code = "INTERNAL"
	CodeAgencyTaken       Code = "AGENCY_TAKEN"
	CodeReplayed          Code = "REPLAYED"
)

// Codes lists every code, for documentation and for the gateway's mapping.
var Codes = []Code{CodeInvalidArgument, CodeTooLarge, CodeNotFound, CodeAlreadyExists, CodeForbidden,
	CodeNotAccredited, CodeWrongRegion, CodeSealInvalid, CodeBadSignature, CodeSchemaMismatch,
	CodeValidityTooLong, CodeInvalidTransition, CodeNotActive, CodePurposeMismatch, CodeFieldsNotGranted,
	CodeUsesExhausted, CodeSubjectNotCovered, CodeInternal, CodeAgencyTaken, CodeProofInvalid, CodeNotRecognised, CodeReplayed}

// Error is a refusal with a stable code.
type Error struct {
	Code Code
	Msg  string
	Err  error // cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Msg, e.Err)
	}
	return string(e.Code) + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a coded error.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Wrap makes a coded error around a cause.
func Wrap(code Code, err error, format string, args ...any) error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...), Err: err}
}

// CodeOf returns the code of err: the code of an *Error in its chain, or the
// code prefix of its message (as received over the wire), or "".
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	msg := err.Error()
	i := strings.Index(msg, ": ")
	if i <= 0 {
		return ""
	}
	for _, r := range msg[:i] {
		if !(r >= 'A' && r <= 'Z' || r == '_') {
			return ""
		}
	}
	return Code(msg[:i])
}
