package training

import (
	"errors"
	"strings"
)

// ErrConflict is what every *ConflictError matches with errors.Is.
var ErrConflict = errors.New("training: changed by someone else")

// ConflictError is returned when a form was opened on a version of a row that is no longer the
// current one; nothing was written. Current is the row as it is now, read under the same lock
// that refused the save.
type ConflictError[T any] struct{ Current T }

func (e *ConflictError[T]) Error() string { return ErrConflict.Error() }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError[T]) Is(target error) bool { return target == ErrConflict }

// Change is one field someone else changed while this person had the form open.
type Change struct {
	Field, Label string
	Was          string // as the form was opened; WasKnown false when the form did not say
	Now          string // as the other person saved it
	Yours        string // what this person typed, when they changed the field too (Clash)
	Clash        bool
	WasKnown     bool
}

// field is one form field of T for merging after a conflict.
type field[T any] struct {
	name, label string
	get         func(*T) *string
	show        func(string) string // how a value reads; nil for as it is
}

// merge re-applies this person's input on top of the row as it now is. For each field: if the
// other person left it alone, this person's value stands; if only the other person changed it,
// the form takes theirs (so saving again does not quietly undo it); if both changed it
// differently, the form keeps this person's value and the change is marked as a clash. When
// was is nil (the form did not say where it started) every difference is a clash.
func merge[T any](fields []field[T], was *T, now, yours T) (T, []Change) {
	merged := yours
	var changes []Change
	for _, f := range fields {
		show := f.show
		if show == nil {
			show = func(s string) string { return s }
		}
		n, y := strings.TrimSpace(*f.get(&now)), strings.TrimSpace(*f.get(&yours))
		if was == nil {
			if n != y {
				changes = append(changes, Change{Field: f.name, Label: f.label, Now: show(n), Yours: show(y), Clash: true})
			}
			continue
		}
		w := strings.TrimSpace(*f.get(was))
		if w == n {
			continue
		}
		c := Change{Field: f.name, Label: f.label, Was: show(w), Now: show(n), WasKnown: true}
		if y == w || y == n {
			*f.get(&merged) = n
		} else {
			c.Yours, c.Clash = show(y), true
		}
		changes = append(changes, c)
	}
	return merged, changes
}
