package directory

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Admins keep every contact: what an organisation may change (ContactInput, contact_edit.go)
// and what only an admin sets: whether it is a key contact and where it comes on /contacts,
// the areas it covers (a champion's patch) and its review date. Archiving is ArchiveContact,
// which already lets an admin archive any contact; restoring is here.

// AdminContactInput is the admin's contact form. JSON names are the form's field names.
type AdminContactInput struct {
	ContactInput
	IsKey     bool     `json:"is_key"`
	KeyOrder  string   `json:"key_order"` // as typed; "" is 0
	Areas     []string `json:"areas"`
	ReviewDue string   `json:"review_due"`
	// Reviewed: see AdminAgencyInput.Reviewed.
	Reviewed bool `json:"-"`
}

// AdminContact is a contact as an admin sees it, archived or not.
type AdminContact struct {
	ID         int64
	AgencyID   int64
	AgencySlug string
	AgencyName string
	AdminContactInput
	Version    int
	ReviewedAt *time.Time
	Overdue    bool
	ArchivedAt *time.Time
	UpdatedAt  time.Time
}

// StaffOnly reports whether only signed-in staff see the contact.
func (c AdminContact) StaffOnly() bool { return c.Visibility == "staff" }

// Archived reports whether the contact is hidden from everyone but admins.
func (c AdminContact) Archived() bool { return c.ArchivedAt != nil }

// NewContactInput is the form for a new contact: public, general, reviewed 12 months on.
func NewContactInput(now time.Time) AdminContactInput {
	return AdminContactInput{ContactInput: ContactInput{Kind: "general", Visibility: "public"},
		ReviewDue: londonDate(now).AddDate(1, 0, 0).Format(time.DateOnly)}
}

// AdminContact returns contact id of agency agencyID for an admin, archived or not. A contact
// of another agency, and anyone but an admin, gets edit.ErrNotFound.
func (s *Store) AdminContact(ctx context.Context, v access.Viewer, agencyID, id int64) (AdminContact, error) {
	if !v.IsAdmin() {
		return AdminContact{}, edit.ErrNotFound
	}
	return loadAdminContact(ctx, s.db, agencyID, id, false)
}

// CreateContactAdmin adds a contact to agency agencyID. It returns validate.Errors for bad
// input, ErrArchived when the agency is archived, edit.ErrNotFound for anyone but an admin.
func (s *Store) CreateContactAdmin(ctx context.Context, v access.Viewer, agencyID int64, in AdminContactInput) (AdminContact, error) {
	if !v.IsAdmin() {
		return AdminContact{}, edit.ErrNotFound
	}
	var out AdminContact
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) (err error) {
		out, err = createContactAdmin(ctx, tx, v, agencyID, in)
		return err
	})
	return out, err
}

// createContactAdmin is CreateContactAdmin inside tx, for callers that make several changes
// in one transaction (the spreadsheet import); v must be an admin.
func createContactAdmin(ctx context.Context, tx pgx.Tx, v access.Viewer, agencyID int64, in AdminContactInput) (AdminContact, error) {
	clean, errs := cleanAdminContact(in, time.Now())
	var out AdminContact
	err := func() error {
		if err := liveAgency(ctx, tx, agencyID); err != nil {
			return err
		}
		areaIDs, err := lookupContactAreas(ctx, tx, 0, clean.Areas, &errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		c := clean.ContactInput
		if c.Main {
			if err := unmarkMain(ctx, tx, v, agencyID, 0); err != nil {
				return err
			}
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO contacts (agency_id, role_title, person_name, phones, email, hours, notes,
				kind, visibility, main, is_key, key_order, reviewed_at, review_due)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), $13::date) RETURNING id`,
			agencyID, c.RoleTitle, c.PersonName, c.Phones, c.Email, c.Hours, c.Notes, c.Kind, c.Visibility, c.Main,
			clean.IsKey, keyOrder(clean.KeyOrder), clean.ReviewDue).Scan(&id)
		if err != nil {
			return wrapEdit("create contact", err)
		}
		if err := setContactAreas(ctx, tx, id, areaIDs); err != nil {
			return err
		}
		if out, err = loadAdminContact(ctx, tx, agencyID, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "contact.create", EntityType: "contact",
			EntityID: id, AgencyID: agencyID, After: out.auditRow()})
	}()
	return out, err
}

// UpdateContactAdmin saves in over contact id of agency agencyID, provided the form was opened
// on its current version. Errors as UpdateAgencyAdmin's; ErrArchived when the contact or its
// agency is archived.
func (s *Store) UpdateContactAdmin(ctx context.Context, v access.Viewer, agencyID, id int64, in AdminContactInput, version int) (AdminContact, error) {
	if !v.IsAdmin() {
		return AdminContact{}, edit.ErrNotFound
	}
	var out AdminContact
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) (err error) {
		out, err = updateContactAdmin(ctx, tx, v, agencyID, id, in, version)
		return err
	})
	return out, err
}

// updateContactAdmin is UpdateContactAdmin inside tx (see createContactAdmin).
func updateContactAdmin(ctx context.Context, tx pgx.Tx, v access.Viewer, agencyID, id int64, in AdminContactInput, version int) (AdminContact, error) {
	clean, errs := cleanAdminContact(in, time.Now())
	var out AdminContact
	err := func() error {
		before, err := loadAdminContact(ctx, tx, agencyID, id, true)
		if err != nil {
			return err
		}
		if before.Archived() {
			return ErrArchived
		}
		if err := liveAgency(ctx, tx, agencyID); err != nil {
			return err
		}
		areaIDs, err := lookupContactAreas(ctx, tx, id, clean.Areas, &errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if !clean.Reviewed && AdminContactForm(nil).Same(clean, before.AdminContactInput) {
			out = before
			return nil
		}
		if err := setContactAreas(ctx, tx, id, areaIDs); err != nil {
			return err
		}
		rollDue := clean.Reviewed && clean.ReviewDue == before.ReviewDue
		c := clean.ContactInput
		if c.Main && !before.Main {
			if err := unmarkMain(ctx, tx, v, agencyID, id); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE contacts c SET role_title = $4, person_name = $5, phones = $6, email = $7,
				hours = $8, notes = $9, kind = $10, visibility = $11, is_key = $12, key_order = $13,
				reviewed_at = CASE WHEN $14::bool THEN now() ELSE c.reviewed_at END,
				review_due = CASE WHEN $15::bool THEN `+reviewDueSQL+` ELSE $16::date END,
				main = $17, version = c.version + 1, updated_at = now()
			WHERE c.id = $1 AND c.agency_id = $2 AND c.version = $3 AND c.archived_at IS NULL`,
			id, agencyID, version, c.RoleTitle, c.PersonName, c.Phones, c.Email, c.Hours, c.Notes, c.Kind, c.Visibility,
			clean.IsKey, keyOrder(clean.KeyOrder), clean.Reviewed, rollDue, clean.ReviewDue, c.Main)
		if err != nil {
			return wrapEdit("update contact", err)
		}
		if tag.RowsAffected() != 1 {
			return edit.Conflicted(before)
		}
		if out, err = loadAdminContact(ctx, tx, agencyID, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "contact.update", EntityType: "contact",
			EntityID: id, AgencyID: agencyID, Before: before.auditRow(), After: out.auditRow()})
	}()
	return out, err
}

// RestoreContact brings an archived contact of a live agency back. The version guards
// against restoring something that changed unseen; restoring a live contact changes nothing.
func (s *Store) RestoreContact(ctx context.Context, v access.Viewer, agencyID, id int64, version int) (AdminContact, error) {
	if !v.IsAdmin() {
		return AdminContact{}, edit.ErrNotFound
	}
	var out AdminContact
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadAdminContact(ctx, tx, agencyID, id, true)
		if err != nil {
			return err
		}
		if err := liveAgency(ctx, tx, agencyID); err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if !before.Archived() {
			out = before
			return nil
		}
		// A restored main contact stays the main one only if no other has been marked since.
		tag, err := tx.Exec(ctx, `UPDATE contacts c SET archived_at = NULL, version = c.version + 1, updated_at = now(),
				main = c.main AND NOT EXISTS (SELECT 1 FROM contacts o WHERE o.agency_id = c.agency_id AND o.main
					AND o.archived_at IS NULL AND o.id <> c.id)
			WHERE c.id = $1 AND c.agency_id = $2 AND c.version = $3`, id, agencyID, version)
		if err != nil {
			return wrapEdit("restore contact", err)
		}
		if tag.RowsAffected() != 1 {
			return edit.Conflicted(before)
		}
		if out, err = loadAdminContact(ctx, tx, agencyID, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "contact.restore", EntityType: "contact",
			EntityID: id, AgencyID: agencyID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// AdminContactForm is ContactForm for the admin's form; areas names the area slugs.
func AdminContactForm(areas []Term) edit.Form[AdminContactInput] {
	today := time.Now()
	return edit.Form[AdminContactInput]{Fields: adminContactFields(areas), Clean: func(c AdminContactInput) AdminContactInput {
		x, _ := cleanAdminContact(c, today)
		return x
	}}
}

func adminContactFields(areas []Term) []edit.Field[AdminContactInput] {
	var fields []edit.Field[AdminContactInput]
	for _, f := range contactFields() {
		fields = append(fields, edit.Lift(f, func(c *AdminContactInput) *ContactInput { return &c.ContactInput }))
	}
	return append(fields,
		edit.Bool("is_key", "Key contact", func(c *AdminContactInput) *bool { return &c.IsKey }),
		edit.Text("key_order", "Position in the key contacts", func(c *AdminContactInput) *string { return &c.KeyOrder }),
		editTerms("areas", "Areas covered", func(c *AdminContactInput) *[]string { return &c.Areas }, areas),
		edit.Text("review_due", "Next review due", func(c *AdminContactInput) *string { return &c.ReviewDue }))
}

// cleanAdminContact checks in and returns it as it would be stored.
func cleanAdminContact(in AdminContactInput, now time.Time) (AdminContactInput, validate.Errors) {
	contact, e := cleanContact(in.ContactInput, ContactKindsFor(access.Viewer{UserID: -1, Role: access.Admin}, ""))
	out := AdminContactInput{ContactInput: contact, IsKey: in.IsKey, Reviewed: in.Reviewed}
	out.KeyOrder = strings.TrimSpace(in.KeyOrder)
	if out.KeyOrder == "" {
		out.KeyOrder = "0"
	}
	if n, err := strconv.Atoi(out.KeyOrder); err != nil || n < 0 || n > 9999 {
		e.Add("key_order", "Position in the key contacts must be a whole number from 0 to 9999")
	} else {
		out.KeyOrder = strconv.Itoa(n)
	}
	out.Areas = cleanSlugs(&e, termTable{field: "areas", label: "areas"}, in.Areas)
	out.ReviewDue = cleanReviewDate(&e, "review_due", in.ReviewDue, londonDate(now))
	return out, e
}

func keyOrder(s string) int {
	n, _ := strconv.Atoi(s) // already checked by cleanAdminContact
	return n
}

// liveAgency checks, under a share lock so it cannot be archived meanwhile, that agency id
// exists and is not archived.
func liveAgency(ctx context.Context, tx pgx.Tx, id int64) error {
	var archived bool
	err := tx.QueryRow(ctx, `SELECT archived_at IS NOT NULL FROM agencies WHERE id = $1 FOR SHARE`, id).Scan(&archived)
	switch {
	case isNoRows(err):
		return edit.ErrNotFound
	case err != nil:
		return wrapEdit("agency of contact", err)
	case archived:
		return ErrArchived
	}
	return nil
}

// lookupContactAreas returns the ids of the areas slugs names, adding a field error when one
// is not a current area. A retired area the contact already covers is kept, as lookupTerms
// keeps an agency's.
func lookupContactAreas(ctx context.Context, tx pgx.Tx, contactID int64, slugs []string, e *validate.Errors) ([]int64, error) {
	if len(slugs) == 0 {
		return []int64{}, nil
	}
	rows, err := tx.Query(ctx, `SELECT t.id FROM areas t WHERE t.slug = ANY($1)
		AND (t.retired_at IS NULL OR t.id IN (SELECT area_id FROM contact_areas WHERE contact_id = $2))`, slugs, contactID)
	if err != nil {
		return nil, wrapEdit("look up contact areas", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, wrapEdit("look up contact areas", err)
	}
	if len(ids) != len(slugs) && !e.Has("areas") {
		e.Add("areas", "Choose areas from the list: one of those sent is not on it")
	}
	return ids, nil
}

// setContactAreas makes contact_areas hold exactly ids for the contact.
func setContactAreas(ctx context.Context, tx pgx.Tx, contactID int64, ids []int64) error {
	if ids == nil {
		ids = []int64{} // nil would be SQL NULL, and "NOT (x = ANY(NULL))" deletes nothing
	}
	if _, err := tx.Exec(ctx, `DELETE FROM contact_areas WHERE contact_id = $1 AND NOT (area_id = ANY($2))`, contactID, ids); err != nil {
		return wrapEdit("set contact areas", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO contact_areas (contact_id, area_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, contactID, ids)
	return wrapEdit("set contact areas", err)
}

const adminContactColumns = `c.id, c.agency_id, a.slug, a.name, c.role_title, c.person_name, c.phones, c.email, c.hours,
	c.notes, c.kind, c.visibility, c.main, c.is_key, c.key_order, c.review_due, c.version, c.reviewed_at,
	coalesce(c.archived_at IS NULL AND c.review_due < ` + todaySQL + `, false), c.archived_at, c.updated_at,
	ARRAY(SELECT t.slug FROM contact_areas j JOIN areas t ON t.id = j.area_id WHERE j.contact_id = c.id ORDER BY t.sort_order, t.name)`

func scanAdminContact(row pgx.Row) (AdminContact, error) {
	var c AdminContact
	var order int
	var due *time.Time
	err := row.Scan(&c.ID, &c.AgencyID, &c.AgencySlug, &c.AgencyName, &c.RoleTitle, &c.PersonName, &c.Phones, &c.Email,
		&c.Hours, &c.Notes, &c.Kind, &c.Visibility, &c.Main, &c.IsKey, &order, &due, &c.Version, &c.ReviewedAt, &c.Overdue,
		&c.ArchivedAt, &c.UpdatedAt, &c.Areas)
	c.KeyOrder, c.ReviewDue = strconv.Itoa(order), dateString(due)
	if c.Phones == nil {
		c.Phones = []Phone{}
	}
	return c, err
}

func loadAdminContact(ctx context.Context, q postgres.Querier, agencyID, id int64, lock bool) (AdminContact, error) {
	sql := `SELECT ` + adminContactColumns + ` FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.id = $1 AND c.agency_id = $2`
	if lock {
		sql += ` FOR UPDATE OF c`
	}
	c, err := scanAdminContact(q.QueryRow(ctx, sql, id, agencyID))
	if isNoRows(err) {
		return c, edit.ErrNotFound
	}
	return c, wrapEdit("contact for admin", err)
}

// loadAdminContacts lists the contacts matching where ($1 its argument), live ones first in
// the order the public page shows them, then archived ones, newest first.
func loadAdminContacts(ctx context.Context, q postgres.Querier, where string, arg any) ([]AdminContact, error) {
	rows, err := q.Query(ctx, `SELECT `+adminContactColumns+` FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE `+where+`
		ORDER BY c.archived_at IS NOT NULL, c.archived_at DESC, c.kind = 'helpline' DESC, c.key_order, c.role_title, c.id`, arg)
	if err != nil {
		return nil, wrapEdit("contacts for admin", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AdminContact, error) { return scanAdminContact(r) })
	return out, wrapEdit("contacts for admin", err)
}

// auditRow is the contact as the audit trail keeps it: ContactEdit.auditRow's keys and the
// admin's own fields.
func (c AdminContact) auditRow() map[string]any {
	return map[string]any{
		"role_title": c.RoleTitle, "person_name": c.PersonName, "phones": c.Phones, "email": c.Email,
		"hours": c.Hours, "notes": c.Notes, "kind": c.Kind, "visibility": c.Visibility, "main": c.Main, "is_key": c.IsKey,
		"key_order": keyOrder(c.KeyOrder), "areas": c.Areas, "reviewed_at": c.ReviewedAt,
		"review_due": nilIfEmpty(c.ReviewDue), "archived_at": c.ArchivedAt, "version": c.Version,
	}
}
