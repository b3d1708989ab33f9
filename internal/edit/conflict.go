package edit

import (
	"encoding/json"
	"time"
)

// Conflict is what a page shows when a save lost a race: what someone else changed, field by
// field, while this person had the form open. Nothing of theirs was saved, and nothing of the
// other person's was overwritten.
type Conflict struct {
	Changes []Change
	// Editing is true when the page's form holds this person's own input (an edit), false
	// when the form only confirms (confirm details, archive, remove).
	Editing bool
	// StartUnknown is true when the page sent did not say what it was showing (an old or
	// altered form), so there is no "before" to compare with.
	StartUnknown bool
	// SavedBy and SavedAt say who saved the details as they are now, and when, where known.
	SavedBy string
	SavedAt time.Time
}

// Original is a form's starting values, carried in a hidden field ("original") so that after
// a conflict the page can say what the other person changed. A tampered or missing value costs
// nothing but the first column of that table.
func Original(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// ParseOriginal reads what Original wrote; nil when s is empty or not a T.
func ParseOriginal[T any](s string) *T {
	if s == "" {
		return nil
	}
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil
	}
	return &v
}

// Resolve is an edit form after a conflict: this person's input (yours) merged onto the row
// as it now is, and the conflict to show above it. original is the form's hidden "original".
func (f Form[T]) Resolve(original string, now, yours T) (T, *Conflict) {
	was := ParseOriginal[T](original)
	merged, changes := f.Merge(was, now, yours)
	return merged, &Conflict{Changes: changes, Editing: true, StartUnknown: was == nil}
}

// Recheck is the conflict of a form that only confirms (archive, remove, confirm details): what
// changed since the page was drawn, for the person to check before doing it again.
func (f Form[T]) Recheck(original string, now T) *Conflict {
	was := ParseOriginal[T](original)
	c := &Conflict{StartUnknown: was == nil}
	if was != nil {
		_, c.Changes = f.Merge(was, now, now)
	}
	return c
}
