package audit

import (
	"fmt"
	"maps"
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
	// selectSQL reads events as entries, with the entities' names joined in; listSQL is the
	// page query of List built on it.
	selectSQL, listSQL string
	// names are the Name queries of entity types, by type; labels the words for their fields.
	names  map[string]string
	labels Labels
}

// Name tells the trail how to name a row of an entity type (revertible or not) in words a
// person recognises: SQL is a parenthesised scalar subquery of one text, correlated with the
// event as e (e.entity_id), written by the feature that owns the rows, never from input:
// "(SELECT c.title || ' – ' || u.name FROM ... WHERE b.id = e.entity_id)".
type Name struct {
	Type string
	SQL  string
}

// WithWords gives the trail the names and field labels the features use, so it shows "Safe
// & Together Core – Ann Smith" rather than "Booking 4" and "Phone numbers" rather than
// "phones". Call it once, while building the server, before the store is used.
func (s *Store) WithWords(labels Labels, names ...Name) (*Store, error) {
	s.labels = Labels{}
	for typ, m := range labels {
		s.labels[typ] = maps.Clone(m)
	}
	s.names = map[string]string{}
	for _, n := range names {
		if !entityType.MatchString(n.Type) {
			return nil, fmt.Errorf("audit: name of entity type %q: not a plain identifier", n.Type)
		}
		if !strings.HasPrefix(n.SQL, "(SELECT ") || !strings.HasSuffix(n.SQL, ")") {
			return nil, fmt.Errorf("audit: name of entity type %q: not a parenthesised subquery", n.Type)
		}
		if _, dup := s.names[n.Type]; dup {
			return nil, fmt.Errorf("audit: entity type %q named twice", n.Type)
		}
		s.names[n.Type] = n.SQL
	}
	s.build()
	return s, nil
}

func (s *Store) build() {
	s.selectSQL = entrySelect(s.sorted(), s.names)
	s.listSQL = listSQL(s.selectSQL)
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
	s.build()
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
