package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// A champion keeps their own champion entry: the contact their account is linked to by
// users.contact_id. Every query here finds that contact through the users row of the viewer,
// in SQL, so no id from a request can point a champion at anyone else's entry.

// ErrNoChampionEntry means the champion's account is not linked to a champion entry (or the
// entry was archived): only an admin can fix that.
var ErrNoChampionEntry = errors.New("directory: no champion entry is linked to this account")

// MaxChampionPhones bounds how many numbers one entry keeps.
const MaxChampionPhones = 10

// ChampionEntry is a champion's own contact with the areas it covers.
type ChampionEntry struct {
	Contact
	AgencyID int64
	Areas    []Term
	Version  int
}

// AreaSlugs lists the slugs of the areas covered.
func (e ChampionEntry) AreaSlugs() []string {
	out := make([]string, len(e.Areas))
	for i, t := range e.Areas {
		out[i] = t.Slug
	}
	return out
}

// ChampionInput is what the champion's form sends. Phones are as typed, rows with neither a
// label nor a number already dropped or not; Version is the one the form was drawn from.
type ChampionInput struct {
	Version int
	Phones  []Phone
	Hours   string
	Areas   []string // area slugs
}

// ChampionSnapshot is the part of an entry a champion edits, as the audit trail records it
// before and after a change.
type ChampionSnapshot struct {
	ID        int64    `json:"id"`
	RoleTitle string   `json:"role_title"`
	Phones    []Phone  `json:"phones"`
	Hours     string   `json:"hours"`
	Areas     []string `json:"areas"`
	Version   int      `json:"version"`
}

// Snapshot is e as the audit trail records it.
func (e ChampionEntry) Snapshot() ChampionSnapshot {
	phones := e.Phones
	if phones == nil {
		phones = []Phone{}
	}
	return ChampionSnapshot{ID: e.ID, RoleTitle: e.RoleTitle, Phones: phones, Hours: e.Hours, Areas: e.AreaSlugs(), Version: e.Version}
}

// ChampionConflict is the answer to saving a stale form: someone else saved the entry since
// the form was drawn. Nothing was written.
type ChampionConflict struct {
	Current   ChampionEntry     // the entry as saved now
	Seen      *ChampionSnapshot // the entry as the form showed it, when the audit trail has it
	ChangedBy string            // who saved last, when known
	ChangedAt time.Time
}

func (c *ChampionConflict) Error() string {
	return fmt.Sprintf("directory: champion entry %d changed since version was read (now %d)", c.Current.ID, c.Current.Version)
}

// OwnChampionEntry returns the champion viewer's own entry. A viewer who is not a champion
// gets ErrNotFound; a champion with no live linked entry gets ErrNoChampionEntry.
func (s *Store) OwnChampionEntry(ctx context.Context, viewer access.Viewer) (ChampionEntry, error) {
	if viewer.Role != access.Champion {
		return ChampionEntry{}, ErrNotFound
	}
	return ownChampion(ctx, s.db, viewer, false)
}

// championDB is a pool or a transaction (named apart from the editors' querier, which may change).
type championDB interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ownChampion reads the viewer's entry; lock takes a row lock for an update.
func ownChampion(ctx context.Context, db championDB, viewer access.Viewer, lock bool) (ChampionEntry, error) {
	var e ChampionEntry
	q := `SELECT c.id, a.id, a.slug, a.name, c.role_title, c.person_name, c.phones, c.email, c.hours, c.notes,
		c.kind, c.visibility = 'staff' OR a.visibility = 'staff', c.version
		FROM users u JOIN contacts c ON c.id = u.contact_id JOIN agencies a ON a.id = c.agency_id
		WHERE u.id = $2 AND u.role = 'champion' AND ` + visibleContact + ` AND ` + visibleAgency
	if lock {
		q += ` FOR UPDATE OF c`
	}
	err := db.QueryRow(ctx, q, viewer.IsStaff(), viewer.UserID).Scan(&e.ID, &e.AgencyID, &e.AgencySlug, &e.AgencyName,
		&e.RoleTitle, &e.PersonName, &e.Phones, &e.Email, &e.Hours, &e.Notes, &e.Kind, &e.StaffOnly, &e.Version)
	if isNoRows(err) {
		return e, ErrNoChampionEntry
	}
	if err != nil {
		return e, fmt.Errorf("directory: own champion entry: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT ar.slug, ar.name FROM contact_areas ca JOIN areas ar ON ar.id = ca.area_id
		WHERE ca.contact_id = $1 AND ar.retired_at IS NULL ORDER BY ar.sort_order, ar.name`, e.ID)
	if err != nil {
		return e, fmt.Errorf("directory: champion areas: %w", err)
	}
	if e.Areas, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Term]); err != nil {
		return e, fmt.Errorf("directory: champion areas: %w", err)
	}
	return e, nil
}

// UpdateOwnChampion saves the champion viewer's phones, hours and areas. It returns
// validate.Errors for bad input, *ChampionConflict when in.Version is stale (nothing written),
// ErrNoChampionEntry or ErrNotFound as OwnChampionEntry does. The update, the new areas and
// the audit event are one transaction.
func (s *Store) UpdateOwnChampion(ctx context.Context, viewer access.Viewer, in ChampionInput) (ChampionEntry, error) {
	if viewer.Role != access.Champion {
		return ChampionEntry{}, ErrNotFound
	}
	phones, hours, errs := checkChampionInput(in)
	areaIDs, unknown, err := s.areaIDs(ctx, in.Areas)
	if err != nil {
		return ChampionEntry{}, err
	}
	switch {
	case unknown:
		errs.Add("areas", "Choose the areas you cover from the list")
	case len(areaIDs) == 0:
		errs.Add("areas", "Choose at least one area you cover")
	}
	if err := errs.Err(); err != nil {
		return ChampionEntry{}, err
	}

	var after ChampionEntry
	err = postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := ownChampion(ctx, tx, viewer, true)
		if err != nil {
			return err
		}
		if before.Version != in.Version {
			return championConflict(ctx, tx, before, in.Version)
		}
		phonesJSON, err := json.Marshal(phones)
		if err != nil {
			return fmt.Errorf("directory: encode phones: %w", err)
		}
		// The version in the WHERE clause is the rule every editable row keeps; the row lock
		// above already makes a lost race show up as the version check failing.
		tag, err := tx.Exec(ctx, `UPDATE contacts SET phones = $1::jsonb, hours = $2, version = version + 1, updated_at = now()
			WHERE id = $3 AND version = $4`, phonesJSON, hours, before.ID, in.Version)
		if err != nil {
			return fmt.Errorf("directory: update champion entry: %w", err)
		}
		if tag.RowsAffected() != 1 {
			return championConflict(ctx, tx, before, in.Version)
		}
		// Retired areas are not offered on the form, so their links are kept rather than lost.
		if _, err := tx.Exec(ctx, `DELETE FROM contact_areas WHERE contact_id = $1
			AND area_id IN (SELECT id FROM areas WHERE retired_at IS NULL)`, before.ID); err != nil {
			return fmt.Errorf("directory: replace champion areas: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO contact_areas (contact_id, area_id) SELECT $1, unnest($2::bigint[])`,
			before.ID, areaIDs); err != nil {
			return fmt.Errorf("directory: replace champion areas: %w", err)
		}
		if after, err = ownChampion(ctx, tx, viewer, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: viewer.UserID, Action: "contact.update", EntityType: "contact",
			EntityID: before.ID, AgencyID: before.AgencyID, Before: before.Snapshot(), After: after.Snapshot()})
	})
	if err != nil {
		return ChampionEntry{}, err
	}
	return after, nil
}

// checkChampionInput cleans the phones and hours. Phone fields are named phone_label-N and
// phone_number-N after their row, so each message sits by its own input.
func checkChampionInput(in ChampionInput) ([]Phone, string, validate.Errors) {
	var errs validate.Errors
	phones := []Phone{}
	for i, p := range in.Phones {
		n := fmt.Sprint(i + 1)
		label := errs.Name(fmt.Sprintf("phone_label-%d", i), "Label of phone "+n, p.Label, false, 60)
		blank := strings.TrimSpace(p.Number) == ""
		if label == "" && blank {
			continue
		}
		if blank {
			errs.Add(fmt.Sprintf("phone_number-%d", i), "Enter phone number "+n+", or clear its label")
			continue
		}
		number := errs.Phone(fmt.Sprintf("phone_number-%d", i), "Phone number "+n, p.Number)
		phones = append(phones, Phone{Label: label, Number: number})
	}
	if len(phones) > MaxChampionPhones {
		errs.Add("phone_number-0", fmt.Sprintf("Enter %d phone numbers or fewer", MaxChampionPhones))
	}
	hours := errs.Text("hours", "Hours", in.Hours, false, 300, false)
	return phones, hours, errs
}

// areaIDs returns the ids of the current areas with these slugs, and whether any slug is not
// a current area (unknown, or retired since the form was drawn).
func (s *Store) areaIDs(ctx context.Context, slugs []string) (ids []int64, unknown bool, err error) {
	slugs = slices.Compact(slices.Sorted(slices.Values(slugs))) // a repeated box counts once
	if slices.ContainsFunc(slugs, func(s string) bool { return !edit.ValidSlug(s) }) {
		return nil, true, nil // and a NUL or invalid UTF-8 never reaches PostgreSQL, which refuses them
	}
	rows, err := s.db.Query(ctx, `SELECT id FROM areas WHERE slug = ANY($1) AND retired_at IS NULL`, slugs)
	if err != nil {
		return nil, false, fmt.Errorf("directory: area ids: %w", err)
	}
	if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return nil, false, fmt.Errorf("directory: area ids: %w", err)
	}
	return ids, len(ids) < len(slugs), nil
}

// championConflict builds the conflict answer: the entry as it is now, and from the audit
// trail what the form was drawn from (the "before" of the change that moved the entry off
// seenVersion) and who saved last, so the page can show what the other person changed.
func championConflict(ctx context.Context, tx pgx.Tx, current ChampionEntry, seenVersion int) error {
	c := &ChampionConflict{Current: current}
	var before []byte
	err := tx.QueryRow(ctx, `SELECT before FROM audit_events WHERE entity_type = 'contact' AND entity_id = $1
		AND before->'version' = to_jsonb($2::int) ORDER BY id LIMIT 1`, current.ID, seenVersion).Scan(&before)
	if err != nil && !isNoRows(err) {
		return fmt.Errorf("directory: champion conflict: %w", err)
	}
	c.Seen = decodeSnapshot(before)
	err = tx.QueryRow(ctx, `SELECT COALESCE(u.name, ''), e.occurred_at FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.entity_type = 'contact' AND e.entity_id = $1 ORDER BY e.id DESC LIMIT 1`, current.ID).Scan(&c.ChangedBy, &c.ChangedAt)
	if err != nil && !isNoRows(err) {
		return fmt.Errorf("directory: champion conflict: %w", err)
	}
	return c
}

// decodeSnapshot reads an audit "before" as a champion snapshot, only when it records every
// field the form edits (another editor may record a contact in another shape).
func decodeSnapshot(b []byte) *ChampionSnapshot {
	var keys map[string]json.RawMessage
	if len(b) == 0 || json.Unmarshal(b, &keys) != nil {
		return nil
	}
	for _, k := range []string{"phones", "hours", "areas"} {
		if _, ok := keys[k]; !ok {
			return nil
		}
	}
	var snap ChampionSnapshot
	if json.Unmarshal(b, &snap) != nil {
		return nil
	}
	return &snap
}
