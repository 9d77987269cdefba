package store

import (
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// ErrNotFound is returned when the thing asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a change does not apply to the current state.
var ErrConflict = errors.New("conflict")

// ConflictError says why a change does not apply; it matches ErrConflict.
type ConflictError struct {
	Reason string // a short word, e.g. "not_pending"
}

// Error says which state the change did not fit.
func (e *ConflictError) Error() string { return "conflict: " + e.Reason }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Message is a translatable text: a catalog key and its arguments.
type Message struct {
	Key  string
	Args []any
}

// ValidationError maps form fields to what is wrong with them.
type ValidationError struct {
	Fields map[string]Message
}

// Error lists the fields and their message keys, for logs.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k, m := range e.Fields {
		keys = append(keys, k+": "+m.Key)
	}
	sort.Strings(keys)
	return "invalid: " + strings.Join(keys, ", ")
}

// Add records a problem with field unless one is already recorded.
func (e *ValidationError) Add(field, key string, args ...any) {
	if e.Fields == nil {
		e.Fields = map[string]Message{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = Message{Key: key, Args: args}
	}
}

// Merge adds the problems of err, when it is a validation error, to the
// fields that have none yet.
func (e *ValidationError) Merge(err error) {
	var other *ValidationError
	if errors.As(err, &other) {
		for field, m := range other.Fields {
			e.Add(field, m.Key, m.Args...)
		}
	}
}

// Err returns e when it holds a problem and nil otherwise.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// IsDuplicate reports whether err is a validation error whose only problem
// is an email address already registered.
func IsDuplicate(err error) bool {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	m, ok := ve.Fields["email"]
	return ok && m.Key == "error.duplicate_email"
}

// ErrUnavailable is a write the storage cannot take now: the disk is full,
// read-only or failing. Nothing of the change was saved; reads go on, and
// the same write may succeed shortly.
var ErrUnavailable = errors.New("store: the service cannot save right now")

// unavailable marks err as ErrUnavailable when SQLite says the storage
// failed, not the change.
func unavailable(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrReadonly, sqlite3.ErrCantOpen:
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	}
	return err
}

// notFound is err, with no row read as ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// ErrNewerSchema is a database migrated by a newer binary than this one.
var ErrNewerSchema = errors.New("store: newer schema")
