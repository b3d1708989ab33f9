package directory

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/agnivade/levenshtein"
	"github.com/jackc/pgx/v5/pgxpool"
)

// vocabulary is the set of words (stemmed, as the index holds them) in agencies' text. Search
// uses it to forgive typos: a query word that is one or two edits from an indexed word also
// looks for that word. It is reloaded at most every vocabularyTTL, so new words take effect
// within that time. Only the first search ever waits for a load: later, one search refreshes
// it while the others go on with the words they have.
type vocabulary struct {
	mu         sync.Mutex
	loadedAt   time.Time
	refreshing bool
	byFirst    map[rune][]string // words by first letter: typos in the first letter are rare
	all        map[string]bool
}

const vocabularyTTL = 30 * time.Second

func (v *vocabulary) get(ctx context.Context, db *pgxpool.Pool) (map[rune][]string, map[string]bool, error) {
	v.mu.Lock()
	fresh := v.all != nil && time.Since(v.loadedAt) < vocabularyTTL
	if fresh || (v.all != nil && v.refreshing) {
		byFirst, all := v.byFirst, v.all
		v.mu.Unlock()
		return byFirst, all, nil
	}
	first := v.all == nil
	v.refreshing = true
	v.mu.Unlock()

	byFirst, all, err := loadVocabulary(ctx, db)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.refreshing = false
	if err != nil {
		if !first {
			return v.byFirst, v.all, nil // stale words are better than a failed search
		}
		return nil, nil, err
	}
	v.byFirst, v.all, v.loadedAt = byFirst, all, time.Now()
	return byFirst, all, nil
}

func loadVocabulary(ctx context.Context, db *pgxpool.Pool) (map[rune][]string, map[string]bool, error) {
	// ts_stat reads every lexeme of every agency. Words of staff-only agencies are included:
	// they only widen what a query looks for, and results are still filtered by visibility.
	rows, err := db.Query(ctx, `SELECT word FROM ts_stat('SELECT search_vector FROM agencies WHERE archived_at IS NULL')`)
	if err != nil {
		return nil, nil, fmt.Errorf("directory: load vocabulary: %w", err)
	}
	defer rows.Close()
	byFirst := map[rune][]string{}
	all := map[string]bool{}
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, nil, fmt.Errorf("directory: load vocabulary: %w", err)
		}
		all[w] = true
		if len(w) >= 3 {
			r := []rune(w)[0]
			byFirst[r] = append(byFirst[r], w)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("directory: load vocabulary: %w", err)
	}
	return byFirst, all, nil
}

// corrections lists up to three indexed words close to w, closest first: none for words
// already indexed or too short to judge.
func corrections(w string, byFirst map[rune][]string, all map[string]bool) []string {
	n := len([]rune(w))
	if all[w] || n < 4 {
		return nil
	}
	limit := 1
	if n >= 6 {
		limit = 2
	}
	type near struct {
		word string
		dist int
	}
	var found []near
	for _, cand := range byFirst[[]rune(w)[0]] {
		m := len([]rune(cand))
		if m-n > limit || n-m > limit {
			continue
		}
		if strings.HasPrefix(cand, w) {
			continue // the prefix match finds it anyway
		}
		if d := levenshtein.ComputeDistance(w, cand); d <= limit {
			found = append(found, near{cand, d})
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].dist != found[j].dist {
			return found[i].dist < found[j].dist
		}
		return found[i].word < found[j].word
	})
	var out []string
	for i := 0; i < len(found) && i < 3; i++ {
		out = append(out, found[i].word)
	}
	return out
}

// tsquery builds the text of a to_tsquery('english', ...) for the words: every word must
// match, as a prefix, through an abbreviation's expansion or through a near spelling. Words
// hold only letters and digits (see words), so nothing in them is tsquery syntax.
func tsquery(ws []string, byFirst map[rune][]string, all map[string]bool) string {
	var parts []string
	for _, w := range ws {
		alts := []string{w + ":*"}
		for _, phrase := range synonyms[w] {
			alts = append(alts, "("+strings.Join(strings.Fields(phrase), " & ")+")")
		}
		alts = append(alts, corrections(w, byFirst, all)...)
		parts = append(parts, "("+strings.Join(alts, " | ")+")")
	}
	return strings.Join(parts, " & ")
}
