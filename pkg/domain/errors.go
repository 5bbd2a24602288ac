package domain

import (
	"errors"
	"fmt"
)

// Code classifies an Error. The HTTP layer maps each code to one status.
type Code string

// The error codes camket uses everywhere.
const (
	CodeInvalid         Code = "invalid"         // the input breaks a rule
	CodeNotFound        Code = "not_found"       // the thing does not exist
	CodeConflict        Code = "conflict"        // a stale revision: someone changed it first
	CodePrecondition    Code = "precondition"    // the client must say which revision it read (If-Match)
	CodeState           Code = "state"           // not allowed in the thing's current state
	CodeForbidden       Code = "forbidden"       // the actor may not do this
	CodeUnauthenticated Code = "unauthenticated" // no valid identity
	CodeInternal        Code = "internal"        // a fault of ours; details go to the log only
)

// Error is camket's one error type. Field names the input at fault (a JSON
// path such as "indicators[2].target") when there is one; VI and EN are the
// message for people in Vietnamese and English.
type Error struct {
	Code  Code
	Field string
	VI    string
	EN    string
	Err   error // the cause, for the log; never shown to clients
}

func (e *Error) Error() string {
	msg := string(e.Code)
	if e.Field != "" {
		msg += " " + e.Field
	}
	msg += ": " + e.EN
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid returns a CodeInvalid error about field.
func Invalid(field, vi, en string) *Error {
	return &Error{Code: CodeInvalid, Field: field, VI: vi, EN: en}
}

// StateError returns a CodeState error: the command is not allowed now.
func StateError(vi, en string) *Error {
	return &Error{Code: CodeState, VI: vi, EN: en}
}

// NotFound returns a CodeNotFound error about field (which may be empty).
func NotFound(field, vi, en string) *Error {
	return &Error{Code: CodeNotFound, Field: field, VI: vi, EN: en}
}

// Forbidden returns a CodeForbidden error.
func Forbidden(vi, en string) *Error {
	return &Error{Code: CodeForbidden, VI: vi, EN: en}
}

// Internal wraps a fault of ours; its message to clients is generic.
func Internal(err error, format string, args ...any) *Error {
	return &Error{Code: CodeInternal, VI: "Lỗi hệ thống", EN: "internal error",
		Err: fmt.Errorf(format+": %w", append(args, err)...)}
}

// ErrorCode returns the Code of the first *Error in err's chain, CodeInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// WithField returns a copy of e naming a field under prefix ("indicators[1]"
// + ".target"), so nested validators can report full paths.
func (e *Error) WithField(prefix string) *Error {
	c := *e
	switch {
	case prefix == "":
	case c.Field == "":
		c.Field = prefix
	default:
		c.Field = prefix + "." + c.Field
	}
	return &c
}
