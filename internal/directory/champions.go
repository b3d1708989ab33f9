package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

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
// label nor a number already dropped or not; Version is the one the form was drawn from. The
// JSON names are the form's, so the form can carry the values it started from.
type ChampionInput struct {
	Version int      `json:"-"`
	Phones  []Phone  `json:"phones"`
	Hours   string   `json:"hours"`
	Email   string   `json:"email"`
	Areas   []string `json:"areas"` // area slugs
}

// Input is the entry as its form starts: the numbers written the usual way.
func (e ChampionEntry) Input() ChampionInput {
	in := ChampionInput{Version: e.Version, Hours: e.Hours, Email: e.Email, Areas: e.AreaSlugs(), Phones: []Phone{}}
	for _, p := range e.Phones {
		in.Phones = append(in.Phones, Phone{Label: p.Label, Number: p.Display()})
	}
	return in
}

// ChampionForm is the champion's form for comparing and merging after a conflict (see
// internal/edit); areas gives the names of the area slugs.
func ChampionForm(areas []Term) edit.Form[ChampionInput] {
	return edit.Form[ChampionInput]{
		Fields: []edit.Field[ChampionInput]{
			phonesField("phones", "Phone numbers", func(c *ChampionInput) *[]Phone { return &c.Phones }),
			edit.Text("hours", "Hours", func(c *ChampionInput) *string { return &c.Hours }),
			edit.Text("email", "Email address", func(c *ChampionInput) *string { return &c.Email }),
			editTerms("areas", "Areas covered", func(c *ChampionInput) *[]string { return &c.Areas }, areas),
		},
		Clean: func(in ChampionInput) ChampionInput {
			in.Phones, in.Hours, in.Email, _ = checkChampionInput(in)
			return in
		},
	}
}

// ChampionSnapshot is the part of an entry a champion edits, as the audit trail records it
// before and after a change.
type ChampionSnapshot struct {
	ID        int64    `json:"id"`
	RoleTitle string   `json:"role_title"`
	Phones    []Phone  `json:"phones"`
	Hours     string   `json:"hours"`
	Email     string   `json:"email"`
	Areas     []string `json:"areas"`
	Version   int      `json:"version"`
}

// Snapshot is e as the audit trail records it.
func (e ChampionEntry) Snapshot() ChampionSnapshot {
	phones := e.Phones
	if phones == nil {
		phones = []Phone{}
	}
	return ChampionSnapshot{ID: e.ID, RoleTitle: e.RoleTitle, Phones: phones, Hours: e.Hours, Email: e.Email, Areas: e.AreaSlugs(), Version: e.Version}
}

// OwnChampionEntry returns the champion viewer's own entry. A viewer who is not a champion
// gets edit.ErrNotFound; a champion with no live linked entry gets ErrNoChampionEntry.
func (s *Store) OwnChampionEntry(ctx context.Context, viewer access.Viewer) (ChampionEntry, error) {
	if viewer.Role != access.Champion {
		return ChampionEntry{}, edit.ErrNotFound
	}
	return ownChampion(ctx, s.db, viewer, false)
}

// ownChampion reads the viewer's entry; lock takes a row lock for an update.
func ownChampion(ctx context.Context, db postgres.Querier, viewer access.Viewer, lock bool) (ChampionEntry, error) {
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

// UpdateOwnChampion saves the champion viewer's phones, hours, email address and areas. It returns
// validate.Errors for bad input, *edit.ConflictError[ChampionEntry] when in.Version is stale
// (nothing written, and the error says who saved last when the audit trail knows),
// ErrNoChampionEntry or edit.ErrNotFound as OwnChampionEntry does. The update, the new areas and
// the audit event are one transaction.
func (s *Store) UpdateOwnChampion(ctx context.Context, viewer access.Viewer, in ChampionInput) (ChampionEntry, error) {
	if viewer.Role != access.Champion {
		return ChampionEntry{}, edit.ErrNotFound
	}
	phones, hours, email, errs := checkChampionInput(in)
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
			return championConflict(ctx, tx, before)
		}
		// A save that changes nothing writes nothing: no audit event, the version stays.
		if f := ChampionForm(nil); f.Same(f.Clean(in), f.Clean(before.Input())) {
			after = before
			return nil
		}
		phonesJSON, err := json.Marshal(phones)
		if err != nil {
			return fmt.Errorf("directory: encode phones: %w", err)
		}
		// The version in the WHERE clause is the rule every editable row keeps; the row lock
		// above already makes a lost race show up as the version check failing.
		tag, err := tx.Exec(ctx, `UPDATE contacts SET phones = $1::jsonb, hours = $2, email = $5, version = version + 1, updated_at = now()
			WHERE id = $3 AND version = $4`, phonesJSON, hours, before.ID, in.Version, email)
		if err != nil {
			return fmt.Errorf("directory: update champion entry: %w", err)
		}
		if tag.RowsAffected() != 1 {
			return championConflict(ctx, tx, before)
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

// checkChampionInput cleans the phones, hours and email address. The address must be a
// plain one (validate.Email refuses mailto: parameters such as ?bcc=), as it becomes a
// mailto: link wherever the entry is listed. Phone fields are named phone_label-N and
// phone_number-N after their row, so each message sits by its own input.
func checkChampionInput(in ChampionInput) ([]Phone, string, string, validate.Errors) {
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
	email := strings.ToLower(errs.Email("email", "Email address", in.Email))
	return phones, hours, email, errs
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

// championConflict is the answer to a stale save: the entry as it is now, and from the audit
// trail who saved it last and when, for the page to say.
func championConflict(ctx context.Context, tx pgx.Tx, current ChampionEntry) error {
	c := &edit.ConflictError[ChampionEntry]{Current: current}
	var err error
	if c.SavedBy, c.SavedAt, err = audit.LastChange(ctx, tx, "contact", current.ID); err != nil {
		return fmt.Errorf("directory: champion conflict: %w", err)
	}
	return c
}
