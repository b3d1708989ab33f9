package directory

import (
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store reads and writes the directory in PostgreSQL.
type Store struct {
	db    *pgxpool.Pool
	vocab vocabulary
}

// NewStore returns a Store over the pool.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db} }

// visibleAgency is the condition every query that shows agency a uses: not archived, and
// public unless the viewer is staff ($1 must be the viewer's IsStaff).
const visibleAgency = `a.archived_at IS NULL AND (a.visibility = 'public' OR $1::bool)`

// visibleContact is the same rule for contact c (whose agency must be visible too).
const visibleContact = `c.archived_at IS NULL AND (c.visibility = 'public' OR $1::bool)`
