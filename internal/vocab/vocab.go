// Package vocab is the search vocabulary: the words people use that the entries do not.
// Synonym sets make "DV", "domestic violence" and "coercive control" one search; the towns,
// villages and postcode districts of each area let "refuge in Wishaw" or "ML2" narrow a search
// to the services covering that place. It is data admins edit (/admin/synonyms,
// /admin/places); the directory's search index loads it whole and reloads it when it changes.
package vocab

import (
	"context"
	"fmt"
	"strings"

	"dadirectory/internal/postgres"
	"dadirectory/internal/searchform"
)

// Vocabulary is everything search reads from this package.
type Vocabulary struct {
	Synonyms [][]string // each set's phrases, as the admin wrote them
	Places   []Place    // towns and villages
	Postcode []Place    // postcode districts ("ML1") and sectors ("ML1 4"), upper case
}

// Place is a name that stands for an area.
type Place struct {
	Name   string
	AreaID int64
}

// Load reads the whole vocabulary. Places of retired areas are left out: a search cannot
// narrow to an area it no longer offers.
func Load(ctx context.Context, q postgres.Querier) (Vocabulary, error) {
	var v Vocabulary
	rows, err := q.Query(ctx, `SELECT phrases FROM synonym_sets ORDER BY id`)
	if err != nil {
		return v, fmt.Errorf("vocab: load synonyms: %w", err)
	}
	for rows.Next() {
		var phrases []string
		if err := rows.Scan(&phrases); err != nil {
			rows.Close()
			return v, fmt.Errorf("vocab: load synonyms: %w", err)
		}
		v.Synonyms = append(v.Synonyms, phrases)
	}
	if err := rows.Err(); err != nil {
		return v, fmt.Errorf("vocab: load synonyms: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT p.area_id, p.places, p.postcodes FROM area_places p
JOIN areas a ON a.id = p.area_id WHERE a.retired_at IS NULL ORDER BY a.sort_order, a.name`)
	if err != nil {
		return v, fmt.Errorf("vocab: load places: %w", err)
	}
	for rows.Next() {
		var area int64
		var places, postcodes []string
		if err := rows.Scan(&area, &places, &postcodes); err != nil {
			rows.Close()
			return v, fmt.Errorf("vocab: load places: %w", err)
		}
		for _, p := range places {
			v.Places = append(v.Places, Place{Name: p, AreaID: area})
		}
		for _, p := range postcodes {
			v.Postcode = append(v.Postcode, Place{Name: strings.ToUpper(p), AreaID: area})
		}
	}
	if err := rows.Err(); err != nil {
		return v, fmt.Errorf("vocab: load places: %w", err)
	}
	return v, nil
}

// Expansions are the other phrases of the synonym sets that have word (folded, as
// searchform.Words folds) as a one-word phrase, each folded into its words: "dv" gives
// "domestic violence", "domestic abuse" and the rest of its set. The words hold only letters
// and digits.
func (v Vocabulary) Expansions(word string) [][]string {
	var out [][]string
	for _, set := range v.Synonyms {
		folded := make([][]string, len(set))
		hit := false
		for i, p := range set {
			folded[i] = searchform.Words(p)
			hit = hit || (len(folded[i]) == 1 && folded[i][0] == word)
		}
		if !hit {
			continue
		}
		for _, f := range folded {
			if len(f) > 0 && !(len(f) == 1 && f[0] == word) {
				out = append(out, f)
			}
		}
	}
	return out
}
