package audit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// Store reads the trail and reverts its changes. Build it once with NewStore, from the
// entities the features that own them describe. Recording is not a method: features call
// Record inside their own transactions.
type Store struct {
	db       *pgxpool.Pool
	entities map[string]Entity
	// listSQL is the page query of List, with the entities' names joined in.
	listSQL string
}

// NewStore returns a Store over the pool that shows and reverts the given entity types. A
// description that could not work, or two of one type, is an error.
func NewStore(db *pgxpool.Pool, entities ...Entity) (*Store, error) {
	s := &Store{db: db, entities: make(map[string]Entity, len(entities))}
	for _, e := range entities {
		if err := e.check(); err != nil {
			return nil, err
		}
		if _, dup := s.entities[e.Type]; dup {
			return nil, fmt.Errorf("audit: entity %q described twice", e.Type)
		}
		e.Fields = slices.Clone(e.Fields)
		s.entities[e.Type] = e
	}
	s.listSQL = listSQL(s.sorted())
	return s, nil
}

// EntityTypes lists the entity types the store was given, sorted.
func (s *Store) EntityTypes() []string {
	var out []string
	for _, e := range s.sorted() {
		out = append(out, e.Type)
	}
	return out
}

func (s *Store) sorted() []Entity {
	out := make([]Entity, 0, len(s.entities))
	for _, e := range s.entities {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entity) int { return strings.Compare(a.Type, b.Type) })
	return out
}

// adminsOnly is the answer to anyone but an administrator: only they may read the trail or
// revert from it. The route is already limited to admins; this is the same rule again where
// the data is read. Hidden is the same as missing, so it is edit.ErrNotFound.
func adminsOnly(v access.Viewer) error {
	if v.IsAdmin() {
		return nil
	}
	return fmt.Errorf("audit: only administrators may read the audit trail: %w", edit.ErrNotFound)
}
