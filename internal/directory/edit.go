package directory

import (
	"fmt"
	"slices"
	"strings"

	"dadirectory/internal/edit"
)

// What this file holds is shared by the editing of agencies and contacts: who may edit what,
// and how a set of taxonomy terms reads in the change table of a conflict (internal/edit).

// mayEditAgency is the condition that agency a may be changed by the viewer whose EditScope()
// values are $2 and $3. It lives in SQL, like visibility, so a row the viewer may not change
// never leaves the database: asking for it looks exactly like asking for a missing one.
const mayEditAgency = `a.archived_at IS NULL AND (a.id = $2::bigint OR $3::bool)`

// editTerms is a field for a set of taxonomy slugs, compared as a set and shown by name.
func editTerms[T any](name, label string, p func(*T) *[]string, terms []Term) edit.Field[T] {
	return edit.Set(name, label, p, func(slugs []string) string { return termNamesOf(slugs, terms) })
}

func termNamesOf(slugs []string, terms []Term) string {
	var names []string
	for _, t := range terms { // in the taxonomy's order, as the form lists them
		if slices.Contains(slugs, t.Slug) {
			names = append(names, t.Name)
		}
	}
	for _, s := range slugs { // a term retired or unknown still shows, by slug
		if !slices.ContainsFunc(terms, func(t Term) bool { return t.Slug == s }) {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
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
