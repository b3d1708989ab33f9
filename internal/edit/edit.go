// Package edit is the shared vocabulary of editing, used by every feature that keeps rows
// people change through forms: "not found" (which also means "not yours to see"), the
// conflict a save runs into when someone else saved first, the three-way merge that keeps
// both people's changes, slugs, and the version a form carries.
//
// It holds no HTTP and no HTML: features return its errors, the server maps them to pages in
// one place, and templates render its Conflict as they find it.
package edit

import (
	"errors"
	"strconv"
	"time"
)

// ErrNotFound means the thing does not exist or the viewer may not see or change it: the two
// are one answer, so a refusal never reveals that something exists. Features return it, or
// wrap it with context; the server answers 404.
var ErrNotFound = errors.New("not found")

// ErrConflict is what every *ConflictError matches with errors.Is, for code that only needs
// to know that a save lost a race.
var ErrConflict = errors.New("changed by someone else")

// ConflictError is returned when a form was opened on a version of a row that is no longer the
// current one; nothing was written. Current is the row as it is now, read in the transaction
// that refused the save, so the person can see what changed and save again deliberately.
type ConflictError[T any] struct {
	Current T
	// SavedBy and SavedAt say who saved Current and when, where the feature can tell (from the
	// audit trail); blank otherwise.
	SavedBy string
	SavedAt time.Time
}

func (e *ConflictError[T]) Error() string { return ErrConflict.Error() }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError[T]) Is(target error) bool { return target == ErrConflict }

// Conflicted is the error for a save that found current in place of the version it expected.
func Conflicted[T any](current T) error { return &ConflictError[T]{Current: current} }

// ParseVersion reads the version a form was opened on. Anything but a positive number reads as
// 0, which matches no row: the store then answers "not found" for a row this person may not
// change, and a conflict (nothing saved) for one they may.
func ParseVersion(s string) int {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0
	}
	return v
}
