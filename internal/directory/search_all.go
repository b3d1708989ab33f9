package directory

import (
	"context"

	"dadirectory/internal/access"
)

// MaxDownload is how many results a download of a search holds at most.
const MaxDownload = 5000

// SearchAll is Search without pages, for a download: the first limit matches of q that viewer
// may see, in the order the pages show them, with the contact a staff search matched. Its
// results are not cached (the cache is for pages people read).
func (s *Store) SearchAll(ctx context.Context, viewer access.Viewer, q Query, limit int) (Results, error) {
	snap, err := s.index.current(ctx)
	if err != nil {
		return Results{Query: q}, err
	}
	res, a, tiers, err := snap.rank(viewer.IsStaff(), q)
	if err != nil || tiers == nil {
		return res, err
	}
	res.Pages = 1
	res.Agencies = snap.summaries(snap.slice(tiers, 0, limit), a)
	if viewer.IsStaff() && len(res.Agencies) > 0 && len(a.slots) > 0 {
		err = s.matchContacts(ctx, viewer, &res, a)
	}
	return res, err
}
