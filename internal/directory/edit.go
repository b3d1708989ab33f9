package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
)

// What this file holds is shared by the editing of agencies and contacts: who may edit what,
// the conflict a stale form runs into, and the three-way merge that lets a person re-apply
// their own changes on top of someone else's without losing either.

// ErrConflict is what every *ConflictError matches with errors.Is, for code that only needs
// to know that a save lost a race (to answer 409).
var ErrConflict = errors.New("directory: changed by someone else")

// ConflictError is returned when a form was opened on a version of a row that is no longer
// the current one. Current is the row as it is now, read in the same transaction that
// refused the save, so the person can see what changed and save again deliberately.
type ConflictError[T any] struct {
	Current T
}

func (e *ConflictError[T]) Error() string { return ErrConflict.Error() }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError[T]) Is(target error) bool { return target == ErrConflict }

// querier is what the loaders need, so one query serves both a page view (the pool) and the
// check inside an update (its transaction).
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// editorOf returns the arguments of mayEditAgency for v: the one agency an RSL officer keeps,
// and whether v is an admin, who curates every agency. Anyone else gets (0, false), which no
// row matches: deny by default.
func editorOf(v access.Viewer) (own int64, admin bool) {
	if !v.IsStaff() {
		return 0, false
	}
	if v.Role == access.RSLOfficer {
		return v.AgencyID, false
	}
	return 0, v.IsAdmin()
}

// mayEditAgency is the condition that agency a may be changed by the viewer whose editor()
// values are $2 and $3. It lives in SQL, like visibility, so a row the viewer may not change
// never leaves the database: asking for it looks exactly like asking for a missing one.
const mayEditAgency = `a.archived_at IS NULL AND (a.id = $2::bigint OR $3::bool)`

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

// fieldOf describes one field of a form value T for merging and for showing a change.
type fieldOf[T any] struct {
	name, label string
	key         func(T) string      // the value compared, normalised
	show        func(T) string      // how it reads on the page
	take        func(dst *T, src T) // copy the field from src into dst, in the form's shape
}

// mergeFields is the three-way merge after a conflict. For each field: if the other person did not
// change it, this person's value stands; if only the other person changed it, the merged form
// takes theirs (so saving again does not quietly undo it); if both changed it differently, the
// form keeps this person's value and the change is marked as a clash for them to decide.
// When was is nil (the form did not say how it started), every difference is a clash.
// Values are compared after clean, so "01632 960301" and "01632960301" are the same; the
// merged value keeps what this person typed where it stands.
func mergeFields[T any](fields []fieldOf[T], clean func(T) T, was *T, now, yours T) (T, []Change) {
	merged := yours
	cn, cy := clean(now), clean(yours)
	var cw T
	if was != nil {
		cw = clean(*was)
	}
	var changes []Change
	for _, f := range fields {
		n, y := f.key(cn), f.key(cy)
		if was == nil {
			if n != y {
				changes = append(changes, Change{Field: f.name, Label: f.label, Now: f.show(cn), Yours: f.show(yours), Clash: true})
			}
			continue
		}
		w := f.key(cw)
		if w == n {
			continue // nobody else touched it
		}
		c := Change{Field: f.name, Label: f.label, Was: f.show(cw), Now: f.show(cn), WasKnown: true}
		if y == w || y == n {
			f.take(&merged, now)
		} else {
			c.Yours, c.Clash = f.show(yours), true
		}
		changes = append(changes, c)
	}
	return merged, changes
}

// sameValues reports whether a and b hold the same values in every field, after clean.
func sameValues[T any](fields []fieldOf[T], a, b T) bool {
	for _, f := range fields {
		if f.key(a) != f.key(b) {
			return false
		}
	}
	return true
}

// editText is a fieldOf for a plain text field reached through p.
func editText[T any](name, label string, p func(*T) *string) fieldOf[T] {
	return fieldOf[T]{
		name: name, label: label,
		key:  func(v T) string { return *p(&v) },
		show: func(v T) string { return *p(&v) },
		take: func(dst *T, src T) { *p(dst) = *p(&src) },
	}
}

// editTerms is a fieldOf for a set of taxonomy slugs, compared as a set and shown by name.
func editTerms[T any](name, label string, p func(*T) *[]string, terms []Term) fieldOf[T] {
	return fieldOf[T]{
		name: name, label: label,
		key:  func(v T) string { return strings.Join(sortedSet(*p(&v)), ",") },
		show: func(v T) string { return termNamesOf(*p(&v), terms) },
		take: func(dst *T, src T) { *p(dst) = append([]string(nil), *p(&src)...) },
	}
}

func termNamesOf(slugs []string, terms []Term) string {
	var names []string
	for _, t := range terms { // in the taxonomy's order, as the form lists them
		for _, s := range slugs {
			if s == t.Slug {
				names = append(names, t.Name)
				break
			}
		}
	}
	for _, s := range slugs { // a term retired or unknown still shows, by slug
		if !containsTerm(terms, s) {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

func containsTerm(terms []Term, slug string) bool {
	for _, t := range terms {
		if t.Slug == slug {
			return true
		}
	}
	return false
}

// sortedSet returns the distinct values of s, sorted.
func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// reviewDueSQL is "12 months from today in Europe/London", the directory's review period.
const reviewDueSQL = `((now() AT TIME ZONE 'Europe/London')::date + interval '12 months')::date`

// todaySQL is today's date in Europe/London, against which review_due is overdue.
const todaySQL = `(now() AT TIME ZONE 'Europe/London')::date`

func wrapEdit(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("directory: %s: %w", what, err)
}
