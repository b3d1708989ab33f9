package audit

import (
	"fmt"
	"regexp"
)

// The trail reverts rows it does not own. The feature that owns a kind of row says, in an
// Entity, where the rows live and how each key its events record maps to a column; the
// server gives those descriptions to NewStore. The revert engine (revert.go) is the same for
// all of them and names no table of its own.

// Entity describes one entity type of the trail, as its owning feature keeps it: where its
// rows are, what the trail shows as a row's name, and how a change to one is reverted.
//
// The statements are run as they are, in the revert's transaction: they are the feature's own
// SQL, never built from anything a person typed.
type Entity struct {
	// Type is the entity type its events record ("agency"); actions about it are
	// "<Type>.<verb>" ("agency.update").
	Type string
	// Table holds the rows, by id; a revert moves its version on and sets updated_at.
	Table string
	// NameColumn is the column the trail shows as a row's name ("name", "role_title"), or ""
	// to show the name its events recorded.
	NameColumn string
	// Fields are the recorded keys a revert can put back; a key an event lacks is simply not
	// part of its revert. With an Archived field, a creation and a restore revert to archived
	// and an archive to restored.
	Fields []Field
	// Set is more of the UPDATE's SET list ("session_epoch = session_epoch + 1"), if any.
	Set string
	// Lock runs first, with no arguments: a lock shared with the feature's own code that keeps
	// an invariant across rows ("SELECT pg_advisory_xact_lock(...)").
	Lock string
	// After runs after the update, $1 the row's id: to keep derived columns or rows right.
	After string
	// Check is a query of one boolean, run last: false refuses the revert with CheckMessage
	// and nothing is written.
	Check        string
	CheckMessage string
}

// FieldKind is how a recorded value is stored, and so how it is compared and written back.
type FieldKind int

const (
	Text     FieldKind = iota + 1 // a text column
	Bool                          // a boolean column
	Int                           // an integer column, possibly NULL (an id)
	JSON                          // a jsonb column (a contact's phones)
	Strings                       // a text[] column, compared in order
	SlugRef                       // a bigint column naming a row of Table by id, recorded as its slug
	Terms                         // taxonomy terms in a join table, recorded as a set of slugs
	Archived                      // archived_at, compared only as set or not
)

// Field is one recorded key of an Entity and where it lives.
type Field struct {
	Name   string // the key in the event's before and after
	Kind   FieldKind
	Column string // the column, when not Name; unused by Terms
	// Table is, for SlugRef, the table referred to, and for Terms the table of terms: each
	// with id and slug (and retired_at, for LiveOnly terms).
	Table string
	// Join is, for Terms, the join table: JoinOwner is its column naming the row, JoinTerm
	// its column naming the term.
	Join, JoinOwner, JoinTerm string
	// LiveOnly (Terms) keeps retired terms out of the field: the editor never shows them, so
	// its events record only the others, and a revert leaves retired ones where they are.
	LiveOnly bool
}

// column is the field's column in the entity's table.
func (f Field) column() string {
	if f.Column != "" {
		return f.Column
	}
	return f.Name
}

var (
	identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	entityType = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// check reports a description that could not work: names are put into SQL as they are, so
// each must be a plain lower-case identifier.
func (e Entity) check() error {
	bad := func(what, name string) error {
		return fmt.Errorf("audit: entity %q: %s %q is not a plain identifier", e.Type, what, name)
	}
	if !entityType.MatchString(e.Type) {
		return fmt.Errorf("audit: entity type %q is not a plain identifier", e.Type)
	}
	if !identifier.MatchString(e.Table) {
		return bad("table", e.Table)
	}
	if e.NameColumn != "" && !identifier.MatchString(e.NameColumn) {
		return bad("name column", e.NameColumn)
	}
	if (e.Check == "") != (e.CheckMessage == "") {
		return fmt.Errorf("audit: entity %q: a check needs its message, and a message its check", e.Type)
	}
	seen := map[string]bool{"version": true} // every revert records version itself
	archived := 0
	for _, f := range e.Fields {
		if f.Name == "" || seen[f.Name] {
			return fmt.Errorf("audit: entity %q: field %q is empty or repeated", e.Type, f.Name)
		}
		seen[f.Name] = true
		switch f.Kind {
		case Text, Bool, Int, JSON, Strings:
		case Archived:
			archived++
		case SlugRef:
			if !identifier.MatchString(f.Table) {
				return bad("table of "+f.Name, f.Table)
			}
		case Terms:
			for _, name := range []string{f.Table, f.Join, f.JoinOwner, f.JoinTerm} {
				if !identifier.MatchString(name) {
					return bad("terms of "+f.Name, name)
				}
			}
			continue // no column of the row
		default:
			return fmt.Errorf("audit: entity %q: field %q has no kind", e.Type, f.Name)
		}
		if !identifier.MatchString(f.column()) {
			return bad("column of "+f.Name, f.column())
		}
	}
	if archived > 1 {
		return fmt.Errorf("audit: entity %q: more than one Archived field", e.Type)
	}
	return nil
}

// archived is the entity's Archived field, if it has one.
func (e Entity) archived() (Field, bool) {
	for _, f := range e.Fields {
		if f.Kind == Archived {
			return f, true
		}
	}
	return Field{}, false
}
