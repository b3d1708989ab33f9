package directory

import (
	"context"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/jackc/pgx/v5/pgxpool"
)

// SetBenchPool lets the external benchmarks share their database with the internal ones.
func SetBenchPool(f func(testing.TB) *pgxpool.Pool) { benchPool = f }

// LexemeClasses builds the index from the database as the Store does and says, for each
// agency slug, the class of each of its lexemes: 0 in the name, 1 in the summary, keywords
// or tags, 2 elsewhere.
func LexemeClasses(ctx context.Context, pool *pgxpool.Pool) (map[string]map[string]int, error) {
	base, _, _, err := loadPart(ctx, pool, 0, nil)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]int{}
	for w, p := range base.post {
		for c, b := range []*roaring.Bitmap{p.name, p.strong, p.any} {
			it := b.Iterator()
			for it.HasNext() {
				slug := base.docs.doc(int(it.Next())).slug
				if out[slug] == nil {
					out[slug] = map[string]int{}
				}
				if _, ok := out[slug][w]; !ok {
					out[slug][w] = c
				}
			}
		}
	}
	return out, nil
}

// MisdirectNotifications makes s's index LISTEN on another channel from its next connection
// on, as behind a transaction-mode PgBouncer: the connection works, no error comes, and no
// notification arrives. It drops the current connection to take effect.
func MisdirectNotifications(s *Store) {
	s.index.mu.Lock()
	s.index.channel = "directory_changed_elsewhere"
	drop := s.index.drop
	s.index.mu.Unlock()
	if drop != nil {
		drop()
	}
}
