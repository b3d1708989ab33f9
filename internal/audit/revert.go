package audit

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// Reverting one change puts back the "before" values of an event, but only while the row is
// still exactly as that change left it: each field the change touched must still hold the
// event's "after" value. Otherwise someone has changed it since, and undoing the old change
// would silently undo theirs too, so the revert is refused. A creation reverts to archived,
// an archive to restored. The revert is itself a change: version moves on and it is audited.
//
// The mechanism is the same for every kind of row; the Entity its owning feature describes
// (entity.go) says which keys of the recorded before/after map to which columns, and how.

// RevertRefused says why a change cannot be reverted, in words for the admin. Nothing was
// written.
type RevertRefused struct {
	Message    string
	Fields     []string // the fields that changed since, when that is the reason
	EntityType string
	EntityID   int64
	AgencySlug string // the organisation the event concerns, if any, for a link to edit it
	// RevertedBy is the revert that already undid this event, when that is the reason: asking
	// twice (a second click, a reloaded form) never reverts the revert.
	RevertedBy int64
}

func (e *RevertRefused) Error() string { return "audit: revert refused: " + e.Message }

// ChangedSince is the message for a row that changed after the event.
const ChangedSince = "This entry has changed since; revert by editing it."

// Reverted is what a revert did.
type Reverted struct {
	Action     string
	EntityType string
	EntityID   int64
	EventID    int64 // the revert's own event, which can itself be reverted (on its own page)
}

// AlreadyReverted is the message for an event a revert has already undone.
const AlreadyReverted = "This change has already been reverted. To undo that, revert the revert from its own entry in the trail."

// verbOf is the part of an action after the entity ("update" of "contact.update"), or ""
// when the action is not about its own entity type (a sign-in is about a user, but is not a
// change to revert).
func verbOf(action, entityType string) string {
	verb, ok := strings.CutPrefix(action, entityType+".")
	if !ok {
		return ""
	}
	return verb
}

// CanRevert says whether the page should offer to revert e. It looks only at the event; the
// revert itself checks the row as it is now.
func (s *Store) CanRevert(e Entry) bool {
	ent, ok := s.entities[e.EntityType]
	verb := verbOf(e.Action, e.EntityType)
	if !ok || verb == "" || e.EntityID == 0 {
		return false
	}
	switch verb {
	case "create", "archive", "restore":
		_, archives := ent.archived()
		return archives
	}
	for _, c := range e.Changes {
		for _, f := range ent.Fields {
			if f.Name == c.Field {
				return true
			}
		}
	}
	return false
}

// step is one field of a revert: from is the value the event left (and the row must still
// hold), to the value it goes back to.
type step struct {
	field    Field
	from, to any
}

// plan works out the steps of reverting an event from its action and before/after.
func plan(ent Entity, verb string, before, after map[string]any) []step {
	archived, archives := ent.archived()
	switch {
	case verb == "create" && archives:
		return []step{{field: archived, from: false, to: true}}
	case verb == "restore" && archives:
		return []step{{field: archived, from: false, to: true}}
	case verb == "archive" && archives:
		return []step{{field: archived, from: true, to: false}}
	case verb == "create":
		return nil
	}
	var out []step
	for _, f := range ent.Fields {
		bv, bok := before[f.Name]
		av, aok := after[f.Name]
		if !bok || !aok || same(f, bv, av) {
			continue
		}
		out = append(out, step{field: f, from: av, to: bv})
	}
	return out
}

// same compares two recorded values of field f as the database would.
func same(f Field, a, b any) bool { return reflect.DeepEqual(norm(f, a), norm(f, b)) }

func norm(f Field, v any) any {
	switch f.Kind {
	case Archived:
		return v != nil && v != false
	case Terms:
		s := stringList(v)
		slices.Sort(s)
		return slices.Compact(s)
	case Strings:
		return stringList(v)
	}
	return v
}

func stringList(v any) []string {
	out := []string{}
	list, _ := v.([]any)
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Revert undoes event id for admin v, in one transaction with its own audit event. It
// returns edit.ErrNotFound for anyone else and for an event that does not exist, or
// *RevertRefused (nothing written) when the event is not a revertible change or its row has
// changed since.
func (s *Store) Revert(ctx context.Context, v access.Viewer, id int64) (Reverted, error) {
	if err := adminsOnly(v); err != nil {
		return Reverted{}, err
	}
	var out Reverted
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var action, agencySlug string
		var entityID, agencyID *int64
		var beforeRaw, afterRaw []byte
		err := tx.QueryRow(ctx, `SELECT e.action, e.entity_type, e.entity_id, e.agency_id, coalesce(a.slug, ''), e.before, e.after
			FROM audit_events e LEFT JOIN agencies a ON a.id = e.agency_id WHERE e.id = $1`, id).
			Scan(&action, &out.EntityType, &entityID, &agencyID, &agencySlug, &beforeRaw, &afterRaw)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("audit: revert event %d: %w", id, edit.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("audit: revert %d: %w", id, err)
		}
		refuse := func(msg string, fields ...string) error {
			return &RevertRefused{Message: msg, Fields: fields, EntityType: out.EntityType, EntityID: out.EntityID, AgencySlug: agencySlug}
		}
		ent, ok := s.entities[out.EntityType]
		verb := verbOf(action, out.EntityType)
		if entityID != nil {
			out.EntityID = *entityID
		}
		if !ok || verb == "" || entityID == nil {
			return refuse("This kind of event cannot be reverted here.")
		}
		steps := plan(ent, verb, decodeObject(beforeRaw), decodeObject(afterRaw))
		if len(steps) == 0 {
			return refuse("This event changed nothing that can be reverted here.")
		}
		if ent.Lock != "" {
			if _, err := tx.Exec(ctx, ent.Lock); err != nil {
				return fmt.Errorf("audit: revert %d: lock: %w", id, err)
			}
		}
		now, err := readRow(ctx, tx, ent, out.EntityID, true)
		if err != nil {
			return err
		}
		if now == nil {
			return refuse("The entry this change was made to no longer exists.")
		}
		// Under the row lock, so of two reverts of one event sent at once the second sees the
		// first's event here.
		var by int64
		err = tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM audit_events WHERE after ? 'reverts_event' AND after->>'reverts_event' = $1::text`,
			fmt.Sprint(id)).Scan(&by)
		if err != nil {
			return fmt.Errorf("audit: revert %d: earlier reverts: %w", id, err)
		}
		if by != 0 {
			r := refuse(AlreadyReverted).(*RevertRefused)
			r.RevertedBy = by
			return r
		}
		var changed []string
		for i, st := range steps {
			if st.field.Kind == Terms && st.field.LiveOnly {
				// Editors that show only live terms record only those; others record all.
				if steps[i].from, err = liveTerms(ctx, tx, st.field, st.from); err != nil {
					return err
				}
				st = steps[i]
			}
			if !same(st.field, now[st.field.Name], st.from) {
				changed = append(changed, st.field.Name)
			}
		}
		if len(changed) > 0 {
			return refuse(ChangedSince, changed...)
		}
		if msg, err := apply(ctx, tx, ent, out.EntityID, steps); err != nil || msg != "" {
			if err != nil {
				return err
			}
			return refuse(msg)
		}
		then, err := readRow(ctx, tx, ent, out.EntityID, false)
		if err != nil {
			return err
		}
		before, after := map[string]any{}, map[string]any{}
		for _, st := range steps {
			before[st.field.Name], after[st.field.Name] = now[st.field.Name], then[st.field.Name]
		}
		before["version"], after["version"] = now["version"], then["version"]
		after["reverts_event"] = id // shown in the trail as which event was undone
		out.Action = out.EntityType + ".revert"
		e := Event{ActorID: v.UserID, Action: out.Action, EntityType: out.EntityType, EntityID: out.EntityID,
			Before: before, After: after}
		if agencyID != nil {
			e.AgencyID = *agencyID
		}
		out.EventID, err = record(ctx, tx, e)
		return err
	})
	return out, err
}
