package directory

import (
	"context"
	"fmt"
	"slices"

	"dadirectory/internal/postgres"
)

// taxonomy is the index's copy of the areas, categories and audiences: the filter choices,
// and the names results show. Retired terms are kept for naming (an agency's list still
// shows them, as its own page does) but are not choices.
type taxonomy struct {
	areas, categories, audiences termSet
	vocab                        vocabulary
}

type termSet struct {
	current []Term           // the choices, in the admin's order
	bySlug  map[string]int64 // current terms only
	byID    map[int64]termName
}

type termName struct {
	name  string
	order int
}

func loadTaxonomy(ctx context.Context, q postgres.Querier) (taxonomy, error) {
	var t taxonomy
	for _, x := range []struct {
		table string
		dst   *termSet
	}{{"areas", &t.areas}, {"categories", &t.categories}, {"audiences", &t.audiences}} {
		rows, err := q.Query(ctx, `SELECT id, slug, name, retired_at IS NOT NULL FROM `+x.table+` ORDER BY sort_order, lower(name), name`)
		if err != nil {
			return t, fmt.Errorf("directory: load %s: %w", x.table, err)
		}
		set := termSet{bySlug: map[string]int64{}, byID: map[int64]termName{}}
		for i := 0; rows.Next(); i++ {
			var id int64
			var term Term
			var retired bool
			if err := rows.Scan(&id, &term.Slug, &term.Name, &retired); err != nil {
				rows.Close()
				return t, fmt.Errorf("directory: load %s: %w", x.table, err)
			}
			set.byID[id] = termName{term.Name, i}
			if !retired {
				set.current = append(set.current, term)
				set.bySlug[term.Slug] = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return t, fmt.Errorf("directory: load %s: %w", x.table, err)
		}
		*x.dst = set
	}
	var err error
	t.vocab, err = loadVocabulary(ctx, q, t.areas)
	return t, err
}

// public is the taxonomy as the directory's filters offer it.
func (t taxonomy) public() Taxonomy {
	return Taxonomy{Areas: t.areas.current, Categories: t.categories.current, Audiences: t.audiences.current}
}

// term is the current term with this id, or the zero Term.
func (ts termSet) term(id int64) Term {
	for _, t := range ts.current {
		if ts.bySlug[t.Slug] == id {
			return t
		}
	}
	return Term{}
}

// names are the names of these term ids, in the admin's order.
func (ts termSet) names(ids []int64) []string {
	if len(ids) == 0 {
		return nil
	}
	known := make([]int64, 0, len(ids))
	for _, id := range ids {
		if _, ok := ts.byID[id]; ok {
			known = append(known, id)
		}
	}
	slices.SortFunc(known, func(a, b int64) int { return ts.byID[a].order - ts.byID[b].order })
	out := make([]string, len(known))
	for i, id := range known {
		out[i] = ts.byID[id].name
	}
	return out
}
