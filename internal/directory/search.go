package directory

import (
	"context"

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
	// Suggestion is the text with its misspelt words corrected ("domestic abuse" for
	// "domestik abuse"), when the results came from near spellings; "" otherwise.
	Suggestion string
}

// PastLastPage reports whether the page asked for comes after the last page of results.
func (r Results) PastLastPage() bool { return r.Total > 0 && r.Query.Page > r.Pages }

// Search finds the agencies matching q that viewer may see: every word must match (as a
// prefix, through an abbreviation's expansion, or through a near spelling when nothing
// matches it as typed). Name matches come first, then matches in the summary, keywords or
// tags, then anywhere, each in name order. A filter value not in the taxonomy gives a
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
	res, err := snap.search(viewer.IsStaff(), q)
	if err == nil {
		s.searches.put(key, snap.version, res)
	}
	return res, err
}

// Taxonomy lists the current areas, categories and audiences, in the admin's order.
func (s *Store) Taxonomy(ctx context.Context) (Taxonomy, error) {
	snap, err := s.index.current(ctx)
	if err != nil {
		return Taxonomy{}, err
	}
	return snap.tax.public(), nil
}
