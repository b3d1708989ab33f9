package directory

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store reads and writes the directory in PostgreSQL. Searches, the filter choices and agency
// pages are answered from memory (index.go, version_cache.go), kept current from
// PostgreSQL's change notifications.
type Store struct {
	db          conn
	index       *index
	searches    versionCache[string, Results]   // by searchKey
	pages       versionCache[agencyKey, Agency] // agency pages
	keyContacts versionCache[bool, []Contact]   // by whether the viewer is staff
}

// NewStore returns a Store over the pool. Its index starts on first use and stops with Close
// or when the pool is closed.
func NewStore(db *pgxpool.Pool) *Store {
	return &Store{db: db, index: newIndex(db),
		searches:    versionCache[string, Results]{max: 200},
		pages:       versionCache[agencyKey, Agency]{max: 1000},
		keyContacts: versionCache[bool, []Contact]{max: 2},
	}
}

// conn is what the store's SQL runs on: the pool, or a transaction for InTx.
type conn interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Begin(ctx context.Context) (pgx.Tx, error)
}

// InTx is a store whose writes run inside tx (each store function's own transaction becomes
// a savepoint of it), so that a caller can make many edits, each with its checks and audit
// event, and commit or roll back all of them at once: what an import does. Use it for the
// editing functions only; searches and cached pages belong to the store made by NewStore.
func (s *Store) InTx(tx pgx.Tx) *Store {
	return &Store{db: tx, index: s.index}
}

// Start builds the search index now rather than on the first search.
func (s *Store) Start() { s.index.start() }

// Close stops keeping the index current.
func (s *Store) Close() { s.index.close() }

// Ready reports whether searches can be answered: the index is built and in touch with the
// database. At start it waits for the first build until ctx ends.
func (s *Store) Ready(ctx context.Context) bool { return s.index.ready(ctx) }

// Sync returns once every change committed before the call shows in searches. A change
// shows within milliseconds anyway; Sync is for answering the person who made it.
func (s *Store) Sync(ctx context.Context) error { return s.index.sync(ctx) }

// IndexStats says how the search index stands (for metrics), without waiting for it.
func (s *Store) IndexStats() IndexStats { return s.index.stats() }

// visibleAgency is the condition every query that shows agency a uses: not archived, and
// public unless the viewer is staff ($1 must be the viewer's IsStaff).
const visibleAgency = `a.archived_at IS NULL AND (a.visibility = 'public' OR $1::bool)`

// visibleContact is the same rule for contact c (whose agency must be visible too).
const visibleContact = `c.archived_at IS NULL AND (c.visibility = 'public' OR $1::bool)`
