package edit

import (
	"slices"
	"strings"
)

// Change is one field that someone else changed while this person had the form open.
type Change struct {
	Field string // the form field's name
	Label string
	Was   string // as the form was opened ("" and WasKnown false when the form did not say)
	Now   string // as the other person saved it
	// Yours is what this person typed when they changed the field too, to something else:
	// the form keeps their value, and saving again replaces the other person's.
	Yours    string
	Clash    bool
	WasKnown bool
}

// Field is one field of a form value T, for comparing, merging and showing a change.
type Field[T any] struct {
	Name, Label string
	Key         func(T) string      // the value compared, after the form's Clean
	Show        func(T) string      // how it reads on the page
	Take        func(dst *T, src T) // copy the field from src into dst, as the form shows it
}

// Text is a Field for a text value reached through p, compared without surrounding space.
func Text[T any](name, label string, p func(*T) *string) Field[T] {
	return Field[T]{
		Name: name, Label: label,
		Key:  func(v T) string { return strings.TrimSpace(*p(&v)) },
		Show: func(v T) string { return strings.TrimSpace(*p(&v)) },
		Take: func(dst *T, src T) { *p(dst) = *p(&src) },
	}
}

// Set is a Field for a set of values (slugs) reached through p: compared as a set, shown as
// the names name gives them, in the order of the set.
func Set[T any](name, label string, p func(*T) *[]string, show func([]string) string) Field[T] {
	return Field[T]{
		Name: name, Label: label,
		Key:  func(v T) string { return strings.Join(sortedSet(*p(&v)), ",") },
		Show: func(v T) string { return show(*p(&v)) },
		Take: func(dst *T, src T) { *p(dst) = slices.Clone(*p(&src)) },
	}
}

// Bool is a Field for a yes/no value reached through p.
func Bool[T any](name, label string, p func(*T) *bool) Field[T] {
	return Field[T]{
		Name: name, Label: label,
		Key: func(v T) string {
			if *p(&v) {
				return "true"
			}
			return "false"
		},
		Show: func(v T) string { return YesNo(*p(&v)) },
		Take: func(dst *T, src T) { *p(dst) = *p(&src) },
	}
}

// ShownAs returns f showing its compared value through show (a label for a code, a phone
// number written the usual way).
func (f Field[T]) ShownAs(show func(string) string) Field[T] {
	key := f.Key
	f.Show = func(v T) string { return show(key(v)) }
	return f
}

// Lift makes a field of a part U of a form T into a field of T, so a form that embeds another
// (the admin's agency form holds the organisation's) reuses its fields.
func Lift[T, U any](f Field[U], part func(*T) *U) Field[T] {
	return Field[T]{
		Name: f.Name, Label: f.Label,
		Key:  func(v T) string { return f.Key(*part(&v)) },
		Show: func(v T) string { return f.Show(*part(&v)) },
		Take: func(dst *T, src T) { f.Take(part(dst), *part(&src)) },
	}
}

// Form describes an edit form of T: its fields in the order the page shows them, and how a
// value is cleaned before fields are compared (so "01632 960301" and "01632960301" are the
// same). A nil Clean compares values as they are.
type Form[T any] struct {
	Fields []Field[T]
	Clean  func(T) T
}

func (f Form[T]) clean(v T) T {
	if f.Clean == nil {
		return v
	}
	return f.Clean(v)
}

// Merge is the three-way merge after a conflict. For each field: if the other person did not
// change it, this person's value stands; if only the other person changed it, the merged form
// takes theirs (so saving again does not quietly undo it); if both changed it differently,
// the form keeps this person's value and the change is marked as a clash for them to decide.
// was is the form's starting point; when it is nil (the form did not say), every difference
// is a clash. The merged value keeps what this person typed where it stands.
func (f Form[T]) Merge(was *T, now, yours T) (T, []Change) {
	merged := yours
	cn, cy := f.clean(now), f.clean(yours)
	var cw T
	if was != nil {
		cw = f.clean(*was)
	}
	var changes []Change
	for _, fd := range f.Fields {
		n, y := fd.Key(cn), fd.Key(cy)
		if was == nil {
			if n != y {
				changes = append(changes, Change{Field: fd.Name, Label: fd.Label, Now: fd.Show(cn), Yours: fd.Show(yours), Clash: true})
			}
			continue
		}
		w := fd.Key(cw)
		if w == n {
			continue // nobody else touched it
		}
		c := Change{Field: fd.Name, Label: fd.Label, Was: fd.Show(cw), Now: fd.Show(cn), WasKnown: true}
		if y == w || y == n {
			fd.Take(&merged, now)
		} else {
			c.Yours, c.Clash = fd.Show(yours), true
		}
		changes = append(changes, c)
	}
	return merged, changes
}

// Same reports whether a and b hold the same values in every field. Callers pass cleaned
// values: a save that changes nothing writes nothing.
func (f Form[T]) Same(a, b T) bool {
	for _, fd := range f.Fields {
		if fd.Key(a) != fd.Key(b) {
			return false
		}
	}
	return true
}

// YesNo is how a yes/no value reads in a change table.
func YesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// sortedSet returns the distinct values of s, sorted.
func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// Labels are the form's field labels by field name, for pages that name fields the form's
// way (the audit trail).
func (f Form[T]) Labels() map[string]string {
	out := make(map[string]string, len(f.Fields))
	for _, fd := range f.Fields {
		out[fd.Name] = fd.Label
	}
	return out
}
