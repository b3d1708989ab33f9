package directory

import (
	"context"
	"slices"
	"strings"

	"dadirectory/internal/access"
)

// Results is one page of a directory search.
type Results struct {
	Query    Query
	Agencies []AgencySummary
	Total    int // matches over all pages
	Pages    int
	// Place is the town, village, area or postcode the text named, as written ("Wishaw",
	// "ML2"), when it narrowed the search to PlaceArea; "" when it named none.
	Place     string
	PlaceArea Term
	// Unmatched are words of the text that nothing matched and the search left out, so the
	// page can say what it searched for.
	Unmatched []string
	// Partial: no organisation matched every word, so these match as many as any does.
	Partial bool
	// Suggestion is the text with its misspelt words corrected ("domestic abuse" for
	// "domestik abuse"), when the results came from near spellings; "" otherwise.
	Suggestion string
}

// PastLastPage reports whether the page asked for comes after the last page of results.
func (r Results) PastLastPage() bool { return r.Total > 0 && r.Query.Page > r.Pages }

// Search finds the agencies matching q that viewer may see (see snapshot.search for how text
// is read and ranked). For staff, a result found by one of its contacts (a person's name, a
// role, a number) shows that contact. A filter value not in the taxonomy gives a
// *searchform.UnknownFilterError. It is the one seam handlers use; it answers from the
// in-memory index (index.go).
func (s *Store) Search(ctx context.Context, viewer access.Viewer, q Query) (Results, error) {
	snap, err := s.index.current(ctx)
	if err != nil {
		return Results{Query: q}, err
	}
	key := searchKey(viewer.IsStaff(), q)
	if res, ok := s.searches.get(key, snap.version); ok {
		res.Query = q
		return res, nil
	}
	res, a, err := snap.search(viewer.IsStaff(), q)
	if err == nil && viewer.IsStaff() && len(res.Agencies) > 0 && len(a.slots) > 0 {
		err = s.matchContacts(ctx, viewer, &res, a)
	}
	if err == nil {
		s.searches.put(key, snap.version, res)
	}
	return res, err
}

// matchContacts shows, on each result, the contact that matches most of the search's slots
// by its role title, person's name or numbers, if any does.
func (s *Store) matchContacts(ctx context.Context, viewer access.Viewer, res *Results, a analysis) error {
	slugs := make([]string, len(res.Agencies))
	for i, r := range res.Agencies {
		slugs[i] = r.Slug
	}
	contacts, err := s.contacts(ctx, viewer, `a.slug = ANY($2) ORDER BY c.key_order, c.id`, slugs)
	if err != nil {
		return err
	}
	best := map[string]int{}
	for _, c := range contacts {
		lexemes := map[string]bool{}
		for _, l := range lexemesOf(c.RoleTitle + " " + c.PersonName) {
			lexemes[l] = true
		}
		score, number := 0, Phone{}
		for i := range a.slots {
			if ok, p := a.slots[i].matchesContact(lexemes, c.Phones); ok {
				score++
				if p.Number != "" {
					number = p
				}
			}
		}
		if score == 0 || score <= best[c.AgencySlug] {
			continue
		}
		best[c.AgencySlug] = score
		if number.Number == "" && len(c.Phones) > 0 {
			number = c.Phones[0]
		}
		for i := range res.Agencies {
			if res.Agencies[i].Slug == c.AgencySlug {
				res.Agencies[i].Contact = &ContactMatch{RoleTitle: c.RoleTitle, PersonName: c.PersonName,
					Phone: number, StaffOnly: c.StaffOnly}
			}
		}
	}
	return nil
}

// matchesContact reports whether the slot matches a contact with these lexemes and phones,
// and the phone it matched, if it was a number.
func (sl *slot) matchesContact(lexemes map[string]bool, phones []Phone) (bool, Phone) {
	for _, n := range sl.phones {
		for _, p := range phones {
			if p.Number == n {
				return true, p
			}
		}
	}
	for _, alt := range sl.exact {
		all := len(alt) > 0
		for _, l := range alt {
			all = all && lexemes[l]
		}
		if all {
			return true, Phone{}
		}
	}
	for _, group := range [][]string{sl.prefix, sl.typos} {
		for _, l := range group {
			if lexemes[l] {
				return true, Phone{}
			}
		}
	}
	return false, Phone{}
}

// Taxonomy lists the current areas, categories and audiences, in the admin's order, and the
// languages public entries work in, by name.
func (s *Store) Taxonomy(ctx context.Context) (Taxonomy, error) {
	snap, err := s.index.current(ctx)
	if err != nil {
		return Taxonomy{}, err
	}
	t := snap.tax.public()
	t.Languages = snap.langs
	return t, nil
}

// languages are the languages of the documents the public may see.
func (s *snapshot) languages() []Term {
	seen := map[string]bool{}
	var out []Term
	for _, pt := range s.parts() {
		for slug, b := range pt.languages {
			if !seen[slug] && b.Intersects(s.public) {
				seen[slug] = true
				out = append(out, Term{Slug: slug, Name: pt.langNames[slug]})
			}
		}
	}
	slices.SortFunc(out, func(a, b Term) int { return strings.Compare(a.Name, b.Name) })
	return out
}
