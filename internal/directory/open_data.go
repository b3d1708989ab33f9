package directory

import (
	"context"
	"strings"

	"dadirectory/internal/access"
)

// What the directory gives packages that publish it as open data (internal/openreferral):
// the visibility rule for the public, the search's order, and its version.

// PublicAgency and PublicContact are visibleAgency and visibleContact for a viewer who is not
// staff (the public), for SQL over agency a and contact c that takes no viewer parameter.
var (
	PublicAgency  = strings.ReplaceAll(visibleAgency, "$1::bool", "false")
	PublicContact = strings.ReplaceAll(visibleContact, "$1::bool", "false")
)

// Matches is the ids of the agencies matching q that viewer may see, in the order Search
// shows them (q.Page is ignored): take of them after skipping skip (take < 0 for all), and how
// many match in all. It is Search without the page of summaries, for callers that show more
// of each agency than a results page does.
func (s *Store) Matches(ctx context.Context, viewer access.Viewer, q Query, skip, take int) ([]int64, int, error) {
	snap, err := s.index.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	res, _, tiers, err := snap.rank(viewer.IsStaff(), q)
	if err != nil || tiers == nil {
		return nil, 0, err
	}
	if take < 0 {
		take = res.Total
	}
	if skip >= res.Total || take == 0 {
		return nil, res.Total, nil
	}
	docs := snap.slice(tiers, skip, min(take, res.Total-skip))
	ids := make([]int64, len(docs))
	for i, d := range docs {
		ids[i] = d.id
	}
	return ids, res.Total, nil
}

// Version is the directory's version in this instance: it changes with every committed change
// to agencies, contacts or the taxonomy, so whatever is read from them may be kept until it
// does. ok is false while the index is out of touch with the database (then nothing may be
// kept).
func (s *Store) Version() (version uint64, ok bool) { return s.index.version() }
