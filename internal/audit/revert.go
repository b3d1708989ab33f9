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
	"dadirectory/internal/postgres"
)

// Reverting one change puts back the "before" values of an event, but only while the row is
// still exactly as that change left it: each field the change touched must still hold the
// event's "after" value. Otherwise someone has changed it since, and undoing the old change
// would silently undo theirs too, so the revert is refused. A creation reverts to archived,
// an archive to restored. The revert is itself a change: version moves on and it is audited.
//
// The mechanism is the same for every kind of row; revertible (below) says, per entity type,
// which keys of the recorded before/after map to which columns, and how.

// ErrEventNotFound means there is no event with that id.
var ErrEventNotFound = errors.New("audit: no such event")

// RevertRefused says why a change cannot be reverted, in words for the admin. Nothing was
// written.
type RevertRefused struct {
	Message    string
	Fields     []string // the fields that changed since, when that is the reason
	EntityType string
	EntityID   int64
	AgencySlug string // the organisation the event concerns, if any, for a link to edit it
}

func (e *RevertRefused) Error() string { return "audit: revert refused: " + e.Message }

// ChangedSince is the message for a row that changed after the event.
const ChangedSince = "This entry has changed since; revert by editing it."

// Reverted is what a revert did.
type Reverted struct {
	Action     string
	EntityType string
	EntityID   int64
}

type kind int

const (
	kText     kind = iota // a text column
	kBool                 // a boolean column
	kInt                  // an integer column, possibly NULL (an id)
	kJSON                 // a jsonb column (contact phones)
	kStrings              // a text[] column, compared in order
	kSlugRef              // a bigint column referring to ref by id, recorded as ref's slug
	kTerms                // a set of taxonomy terms in a join table, recorded as slugs
	kArchived             // archived_at, compared only as set or not
)

// column is one recorded key and where it lives.
type column struct {
	key  string
	kind kind
	col  string // the column, for all but kTerms
	// kSlugRef: the referred table. kTerms: the term table, the join table, its column
	// naming the row and its column naming the term; live keeps retired terms out of it (an
	// editor that never shows them records only the others).
	ref, join, owner, term string
	live                   bool
}

// entity is how one entity type is reverted.
type entity struct {
	table   string
	columns []column
	archive bool   // has archived_at: create and restore revert to archived, archive to restored
	set     string // more of the UPDATE's SET list
	lock    string // run first (a lock shared with the code that keeps an invariant)
	after   string // run after the update, $1 the id: to keep derived columns right
	check   string // must be true after the update, else refused with checkMsg
	msg     string
}

func text(key string) column { return column{key: key, kind: kText, col: key} }

func terms(key, table, join, owner, term string, live bool) column {
	return column{key: key, kind: kTerms, ref: table, join: join, owner: owner, term: term, live: live}
}

var archivedAt = column{key: "archived_at", kind: kArchived, col: "archived_at"}

// usersLockKey is the advisory lock the accounts package takes before a change that could
// leave no active admin; a revert of an account takes it too.
const usersLockKey int64 = 0x64616469_75736572 // "dadi" "user"

// revertible lists what may be reverted. Keys are those the editing code records (see
// directory.AgencyEdit.auditRow, ContactEdit.auditRow, ChampionSnapshot and
// accounts.Account.auditRow); a key an event lacks is simply not part of its revert.
var revertible = map[string]entity{
	"agency": {
		table: "agencies",
		columns: []column{
			text("name"), text("kind"), text("summary"), text("description"), text("website"), text("email"),
			text("phone"), text("opening_hours"), text("referral_route"), text("eligibility"), text("keywords"),
			text("visibility"), {key: "open_24h", kind: kBool, col: "open_24h"},
			{key: "languages", kind: kStrings, col: "languages"},
			terms("areas", "areas", "agency_areas", "agency_id", "area_id", false),
			terms("categories", "categories", "agency_categories", "agency_id", "category_id", false),
			terms("audiences", "audiences", "agency_audiences", "agency_id", "audience_id", false),
			archivedAt,
		},
		archive: true,
		// tags repeats the names of the categories and audiences for search, as
		// directory.UpdateAgency keeps it.
		after: `UPDATE agencies a SET tags = concat_ws(' ',
				(SELECT string_agg(t.name, ' ' ORDER BY t.sort_order, t.name) FROM agency_categories j
					JOIN categories t ON t.id = j.category_id WHERE j.agency_id = a.id),
				(SELECT string_agg(t.name, ' ' ORDER BY t.sort_order, t.name) FROM agency_audiences j
					JOIN audiences t ON t.id = j.audience_id WHERE j.agency_id = a.id))
			WHERE a.id = $1`,
	},
	"contact": {
		table: "contacts",
		columns: []column{
			text("role_title"), text("person_name"), {key: "phones", kind: kJSON, col: "phones"}, text("email"),
			text("hours"), text("notes"), text("kind"), text("visibility"),
			{key: "is_key", kind: kBool, col: "is_key"}, {key: "key_order", kind: kInt, col: "key_order"},
			terms("areas", "areas", "contact_areas", "contact_id", "area_id", true),
			archivedAt,
		},
		archive: true,
	},
	"user": {
		table: "users",
		columns: []column{
			text("role"), {key: "organisation", kind: kSlugRef, col: "agency_id", ref: "agencies"},
			{key: "champion_entry", kind: kInt, col: "contact_id"}, {key: "active", kind: kBool, col: "active"},
		},
		// New rights or none: the account's sessions end, as they do when an admin edits it.
		set:  `session_epoch = session_epoch + 1`,
		lock: fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d)`, usersLockKey),
		after: `UPDATE user_tokens SET revoked_at = now() WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL
			AND NOT (SELECT active FROM users WHERE id = $1)`,
		check: `SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active)`,
		msg:   "Reverting this change would leave no active administrator.",
	},
}

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
func CanRevert(e Entry) bool {
	ent, ok := revertible[e.EntityType]
	verb := verbOf(e.Action, e.EntityType)
	if !ok || verb == "" || e.EntityID == 0 {
		return false
	}
	switch verb {
	case "create", "archive", "restore":
		return ent.archive
	}
	for _, c := range e.Changes {
		for _, col := range ent.columns {
			if col.key == c.Field {
				return true
			}
		}
	}
	return false
}

// step is one column of a revert: from is the value the event left (and the row must still
// hold), to the value it goes back to.
type step struct {
	col      column
	from, to any
}

// plan works out the steps of reverting an event from its action and before/after.
func plan(ent entity, verb string, before, after map[string]any) []step {
	switch {
	case verb == "create" && ent.archive:
		return []step{{col: archivedAt, from: false, to: true}}
	case verb == "restore" && ent.archive:
		return []step{{col: archivedAt, from: false, to: true}}
	case verb == "archive" && ent.archive:
		return []step{{col: archivedAt, from: true, to: false}}
	case verb == "create":
		return nil
	}
	var out []step
	for _, c := range ent.columns {
		bv, bok := before[c.key]
		av, aok := after[c.key]
		if !bok || !aok || same(c, bv, av) {
			continue
		}
		out = append(out, step{col: c, from: av, to: bv})
	}
	return out
}

// same compares two recorded values of column c as the database would.
func same(c column, a, b any) bool { return reflect.DeepEqual(norm(c, a), norm(c, b)) }

func norm(c column, v any) any {
	switch c.kind {
	case kArchived:
		return v != nil && v != false
	case kTerms:
		s := stringList(v)
		slices.Sort(s)
		return slices.Compact(s)
	case kStrings:
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
// returns ErrForbidden for anyone else, ErrEventNotFound, or *RevertRefused (nothing written)
// when the event is not a revertible change or its row has changed since.
func Revert(ctx context.Context, db postgres.Beginner, v access.Viewer, id int64) (Reverted, error) {
	if !v.IsAdmin() {
		return Reverted{}, ErrForbidden
	}
	var out Reverted
	err := postgres.WithTx(ctx, db, func(tx pgx.Tx) error {
		var action, agencySlug string
		var entityID, agencyID *int64
		var beforeRaw, afterRaw []byte
		err := tx.QueryRow(ctx, `SELECT e.action, e.entity_type, e.entity_id, e.agency_id, coalesce(a.slug, ''), e.before, e.after
			FROM audit_events e LEFT JOIN agencies a ON a.id = e.agency_id WHERE e.id = $1`, id).
			Scan(&action, &out.EntityType, &entityID, &agencyID, &agencySlug, &beforeRaw, &afterRaw)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrEventNotFound
		}
		if err != nil {
			return fmt.Errorf("audit: revert %d: %w", id, err)
		}
		refuse := func(msg string, fields ...string) error {
			return &RevertRefused{Message: msg, Fields: fields, EntityType: out.EntityType, EntityID: out.EntityID, AgencySlug: agencySlug}
		}
		ent, ok := revertible[out.EntityType]
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
		if ent.lock != "" {
			if _, err := tx.Exec(ctx, ent.lock); err != nil {
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
		var changed []string
		for i, s := range steps {
			if s.col.kind == kTerms && s.col.live {
				// Editors that show only live terms record only those; others record all.
				if steps[i].from, err = liveTerms(ctx, tx, s.col, s.from); err != nil {
					return err
				}
				s = steps[i]
			}
			if !same(s.col, now[s.col.key], s.from) {
				changed = append(changed, s.col.key)
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
		for _, s := range steps {
			before[s.col.key], after[s.col.key] = now[s.col.key], then[s.col.key]
		}
		before["version"], after["version"] = now["version"], then["version"]
		after["reverts_event"] = id // shown in the trail as which event was undone
		out.Action = out.EntityType + ".revert"
		e := Event{ActorID: v.UserID, Action: out.Action, EntityType: out.EntityType, EntityID: out.EntityID,
			Before: before, After: after}
		if agencyID != nil {
			e.AgencyID = *agencyID
		}
		return Record(ctx, tx, e)
	})
	return out, err
}
