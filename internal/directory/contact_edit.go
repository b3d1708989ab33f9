package directory

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/phone"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// MaxPhones is how many numbers one contact may list: more is a sign it should be two contacts.
const MaxPhones = 5

// ContactInput is what the contact form holds. Phones are the rows as typed, empty ones
// included, so an error can point at the row it is about; saving drops the empty rows.
type ContactInput struct {
	RoleTitle  string  `json:"role_title"`
	PersonName string  `json:"person_name"`
	Phones     []Phone `json:"phones"`
	Email      string  `json:"email"`
	Hours      string  `json:"hours"`
	Notes      string  `json:"notes"`
	Kind       string  `json:"kind"`
	Visibility string  `json:"visibility"`
	// Main marks the contact whose first number is the organisation's main number: on its
	// page, in search results, key contacts and the printed sheet. One per organisation;
	// marking another unmarks this one.
	Main bool `json:"main"`
}

// ContactEdit is a contact as the person who keeps it sees it, whatever its visibility.
type ContactEdit struct {
	ID         int64
	AgencyID   int64
	AgencyName string
	ContactInput
	Version   int
	UpdatedAt time.Time
}

// StaffOnly reports whether only signed-in staff see the contact.
func (c ContactEdit) StaffOnly() bool { return c.Visibility == "staff" }

// ContactKinds are the sorts of contact, with the words the form shows.
var ContactKinds = []struct{ Value, Label string }{
	{"general", "General enquiries"},
	{"referral_point", "Referral point, such as a domestic abuse lead"},
	{"helpline", "Helpline"},
	{"champion", "Housing domestic abuse champion"},
}

// ContactKindLabel is how a kind reads.
func ContactKindLabel(kind string) string {
	for _, k := range ContactKinds {
		if k.Value == kind {
			return k.Label
		}
	}
	return kind
}

// ContactKindsFor lists the kinds v may give a contact. Champions are the council's own
// named officers, set up by admins, so an RSL officer cannot make one; a contact that already
// has another kind keeps it (current), so editing its phone never forces a change of kind.
func ContactKindsFor(v access.Viewer, current string) []string {
	var out []string
	for _, k := range ContactKinds {
		if k.Value != "champion" || v.IsAdmin() || k.Value == current {
			out = append(out, k.Value)
		}
	}
	return out
}

// ContactForEdit returns contact id of agency agencyID for v to edit, or edit.ErrNotFound when
// it does not exist, is archived, belongs to another agency or v may not change that agency.
func (s *Store) ContactForEdit(ctx context.Context, v access.Viewer, agencyID, id int64) (ContactEdit, error) {
	return loadContactEdit(ctx, s.db, v, agencyID, id, false)
}

// CreateContact adds a contact to the agency, with its audit event. It returns
// validate.Errors for bad input and edit.ErrNotFound when v may not change the agency.
func (s *Store) CreateContact(ctx context.Context, v access.Viewer, agencyID int64, in ContactInput) (ContactEdit, error) {
	clean, errs := cleanContact(in, ContactKindsFor(v, ""))
	var out ContactEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		own, admin := v.EditScope()
		// Someone who may not change the agency hears "not found", never what was wrong with
		// their input.
		var found bool
		err := tx.QueryRow(ctx, `SELECT true FROM agencies a WHERE a.id = $1 AND `+mayEditAgency, agencyID, own, admin).Scan(&found)
		if isNoRows(err) {
			return edit.ErrNotFound
		}
		if err != nil {
			return wrapEdit("create contact", err)
		}
		if len(errs) > 0 {
			return errs
		}
		if clean.Main {
			if err := unmarkMain(ctx, tx, v, agencyID, 0); err != nil {
				return err
			}
		}
		// INSERT ... SELECT under the same rule, so the row can only be made for an agency v
		// may change, whatever id the caller passed.
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO contacts (agency_id, role_title, person_name, phones, email, hours, notes,
				kind, visibility, main, reviewed_at, review_due)
			SELECT a.id, $4::text, $5::text, $6::jsonb, $7::text, $8::text, $9::text, $10::text, $11::text, $12::bool, now(), `+reviewDueSQL+`
			FROM agencies a WHERE a.id = $1 AND `+mayEditAgency+`
			RETURNING id`, agencyID, own, admin, clean.RoleTitle, clean.PersonName, clean.Phones, clean.Email,
			clean.Hours, clean.Notes, clean.Kind, clean.Visibility, clean.Main).Scan(&id)
		if isNoRows(err) {
			return edit.ErrNotFound
		}
		if err != nil {
			return wrapEdit("create contact", err)
		}
		if out, err = loadContactEdit(ctx, tx, v, agencyID, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "contact.create", EntityType: "contact",
			EntityID: id, AgencyID: agencyID, After: out.auditRow()})
	})
	return out, err
}

// UpdateContact saves in over contact id of agency agencyID, provided the form was opened on
// its current version. Errors as for UpdateAgency.
func (s *Store) UpdateContact(ctx context.Context, v access.Viewer, agencyID, id int64, in ContactInput, version int) (ContactEdit, error) {
	var out ContactEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadContactEdit(ctx, tx, v, agencyID, id, true)
		if err != nil {
			return err
		}
		clean, errs := cleanContact(in, ContactKindsFor(v, before.Kind))
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if ContactForm().Same(clean, before.ContactInput) {
			out = before
			return nil
		}
		if clean.Main && !before.Main {
			if err := unmarkMain(ctx, tx, v, agencyID, id); err != nil {
				return err
			}
		}
		own, admin := v.EditScope()
		// Whoever edits a contact has just checked it, so its review date moves on too.
		tag, err := tx.Exec(ctx, `UPDATE contacts c SET role_title = $6, person_name = $7, phones = $8, email = $9,
				hours = $10, notes = $11, kind = $12, visibility = $13, main = $14, reviewed_at = now(), review_due = `+reviewDueSQL+`,
				version = c.version + 1, updated_at = now()
			FROM agencies a
			WHERE c.id = $1 AND c.agency_id = $4 AND c.version = $5 AND c.archived_at IS NULL
				AND a.id = c.agency_id AND `+mayEditAgency,
			id, own, admin, agencyID, version, clean.RoleTitle, clean.PersonName, clean.Phones, clean.Email,
			clean.Hours, clean.Notes, clean.Kind, clean.Visibility, clean.Main)
		if err != nil {
			return wrapEdit("update contact", err)
		}
		if tag.RowsAffected() != 1 {
			return edit.Conflicted(before)
		}
		if out, err = loadContactEdit(ctx, tx, v, agencyID, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "contact.update", EntityType: "contact",
			EntityID: id, AgencyID: agencyID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// ArchiveContact removes contact id from the directory (archived_at is set; the row stays for
// the audit trail and for an admin to restore). The version guards against removing a contact
// someone has just changed, unseen.
func (s *Store) ArchiveContact(ctx context.Context, v access.Viewer, agencyID, id int64, version int) error {
	return postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadContactEdit(ctx, tx, v, agencyID, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		own, admin := v.EditScope()
		var archivedAt time.Time
		err = tx.QueryRow(ctx, `UPDATE contacts c SET archived_at = now(), version = c.version + 1, updated_at = now()
			FROM agencies a
			WHERE c.id = $1 AND c.agency_id = $4 AND c.version = $5 AND c.archived_at IS NULL
				AND a.id = c.agency_id AND `+mayEditAgency+`
			RETURNING c.archived_at`, id, own, admin, agencyID, version).Scan(&archivedAt)
		if isNoRows(err) {
			return edit.Conflicted(before)
		}
		if err != nil {
			return wrapEdit("archive contact", err)
		}
		after := before.auditRow()
		after["version"], after["archived_at"] = before.Version+1, archivedAt
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "contact.archive", EntityType: "contact",
			EntityID: id, AgencyID: agencyID, Before: before.auditRow(), After: after})
	})
}

// ContactForm is AgencyForm for a contact.
func ContactForm() edit.Form[ContactInput] {
	return edit.Form[ContactInput]{Fields: contactFields(), Clean: func(c ContactInput) ContactInput { x, _ := cleanContact(c, nil); return x }}
}

func contactFields() []edit.Field[ContactInput] {
	text := edit.Text[ContactInput]
	return []edit.Field[ContactInput]{
		text("role_title", "Role or title", func(c *ContactInput) *string { return &c.RoleTitle }),
		text("person_name", "Name of the person", func(c *ContactInput) *string { return &c.PersonName }),
		phonesField("phones", "Phone numbers", func(c *ContactInput) *[]Phone { return &c.Phones }),
		text("email", "Email address", func(c *ContactInput) *string { return &c.Email }),
		text("hours", "Hours", func(c *ContactInput) *string { return &c.Hours }),
		text("notes", "Notes", func(c *ContactInput) *string { return &c.Notes }),
		text("kind", "Kind of contact", func(c *ContactInput) *string { return &c.Kind }).ShownAs(ContactKindLabel),
		text("visibility", "Who can see it", func(c *ContactInput) *string { return &c.Visibility }).ShownAs(visibilityLabel),
		edit.Bool("main", "The organisation's main number", func(c *ContactInput) *bool { return &c.Main }),
	}
}

// unmarkMain takes the main mark off the agency's other live contacts (all but keep), inside
// tx, with an audit event each, before another contact is marked: an organisation has one
// main number. The unique index contacts_one_main_idx is the guard if two saves race.
func unmarkMain(ctx context.Context, tx pgx.Tx, v access.Viewer, agencyID, keep int64) error {
	rows, err := tx.Query(ctx, `UPDATE contacts SET main = false, version = version + 1, updated_at = now()
		WHERE agency_id = $1 AND main AND archived_at IS NULL AND id <> $2
		RETURNING id, version`, agencyID, keep)
	if err != nil {
		return wrapEdit("unmark main contact", err)
	}
	type was struct{ id, version int64 }
	unmarked, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (was, error) {
		var w was
		return w, r.Scan(&w.id, &w.version)
	})
	if err != nil {
		return wrapEdit("unmark main contact", err)
	}
	for _, w := range unmarked {
		if err := audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "contact.update", EntityType: "contact",
			EntityID: w.id, AgencyID: agencyID, Before: map[string]any{"main": true, "version": w.version - 1},
			After: map[string]any{"main": false, "version": w.version}}); err != nil {
			return err
		}
	}
	return nil
}

// phonesField is a field for a list of labelled numbers reached through p: compared as stored
// (digits), shown and taken as people write them.
func phonesField[T any](name, label string, p func(*T) *[]Phone) edit.Field[T] {
	return edit.Field[T]{
		Name: name, Label: label,
		Key: func(v T) string {
			var b strings.Builder
			for _, ph := range *p(&v) {
				b.WriteString(ph.Label + "\x1f" + ph.Number + "\x1e")
			}
			return b.String()
		},
		Show: func(v T) string {
			var parts []string
			for _, ph := range *p(&v) {
				if ph.Label == "" && ph.Number == "" {
					continue
				}
				s := phone.Display(ph.Number)
				if ph.Label != "" {
					s = ph.Label + ": " + s
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, "; ")
		},
		Take: func(dst *T, src T) {
			from := *p(&src)
			to := make([]Phone, len(from))
			for i, ph := range from {
				to[i] = Phone{Label: ph.Label, Number: phone.Display(ph.Number)}
			}
			*p(dst) = to
		},
	}
}

func visibilityLabel(v string) string {
	switch v {
	case "public":
		return "Everyone, including the public"
	case "staff":
		return "Signed-in staff only"
	}
	return v
}

// cleanContact checks in and returns it as it would be stored; kinds are the kinds allowed
// (nil allows any, for comparing values only). Phone rows are numbered from 1 in messages,
// and each row's error is keyed phone_number_<i> (from 0) so the summary links to its box.
func cleanContact(in ContactInput, kinds []string) (ContactInput, validate.Errors) {
	var e validate.Errors
	out := ContactInput{
		RoleTitle:  e.Name("role_title", "Role or title", in.RoleTitle, true, 200),
		PersonName: e.Name("person_name", "Name of the person", in.PersonName, false, 120),
		Phones:     []Phone{},
	}
	for i, p := range in.Phones {
		n := strconv.Itoa(i + 1)
		label := e.Name("phone_label_"+strconv.Itoa(i), "Label of phone "+n, p.Label, false, 60)
		number := strings.TrimSpace(p.Number)
		switch {
		case label == "" && number == "":
			continue // an unused row
		case number == "":
			e.Add("phone_number_"+strconv.Itoa(i), "Enter the number for phone "+n+", or clear its label")
		default:
			number = e.Phone("phone_number_"+strconv.Itoa(i), "Phone "+n, number)
		}
		out.Phones = append(out.Phones, Phone{Label: label, Number: number})
	}
	if len(out.Phones) > MaxPhones {
		e.Add("phones", fmt.Sprintf("Enter no more than %d phone numbers", MaxPhones))
	}
	out.Email = e.Email("email", "Email address", in.Email)
	out.Hours = e.Text("hours", "Hours", in.Hours, false, 300, false)
	out.Notes = e.Text("notes", "Notes", in.Notes, false, 1000, true)
	if kinds == nil {
		out.Kind = in.Kind
	} else {
		out.Kind = e.OneOf("kind", "what kind of contact this is", in.Kind, kinds...)
	}
	out.Visibility = e.OneOf("visibility", "who can see this contact", in.Visibility, "public", "staff")
	out.Main = in.Main
	if out.Main && len(out.Phones) == 0 && !e.Has("phones") {
		e.Add("main", "The main number needs a phone number: add one above, or untick this box")
	}
	return out, e
}

const contactEditColumns = `c.id, c.agency_id, a.name, c.role_title, c.person_name, c.phones, c.email, c.hours, c.notes,
	c.kind, c.visibility, c.main, c.version, c.updated_at`

func scanContactEdit(row pgx.Row) (ContactEdit, error) {
	var c ContactEdit
	err := row.Scan(&c.ID, &c.AgencyID, &c.AgencyName, &c.RoleTitle, &c.PersonName, &c.Phones, &c.Email, &c.Hours, &c.Notes,
		&c.Kind, &c.Visibility, &c.Main, &c.Version, &c.UpdatedAt)
	return c, err
}

// loadContactEdit reads one current contact of agencyID if v may change that agency. The
// agency and the edit rule are both in the WHERE clause: a contact of another organisation is
// never read, so it cannot be shown or changed by mistake.
func loadContactEdit(ctx context.Context, q postgres.Querier, v access.Viewer, agencyID, id int64, lock bool) (ContactEdit, error) {
	own, admin := v.EditScope()
	sql := `SELECT ` + contactEditColumns + ` FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.id = $1 AND c.agency_id = $4 AND c.archived_at IS NULL AND ` + mayEditAgency
	if lock {
		sql += ` FOR UPDATE OF c`
	}
	c, err := scanContactEdit(q.QueryRow(ctx, sql, id, own, admin, agencyID))
	if isNoRows(err) {
		return c, edit.ErrNotFound
	}
	return c, wrapEdit("contact for edit", err)
}

// loadContactEdits lists the current contacts of an agency its caller may already edit, in
// the order the public page shows them.
func loadContactEdits(ctx context.Context, q postgres.Querier, agencyID int64) ([]ContactEdit, error) {
	rows, err := q.Query(ctx, `SELECT `+contactEditColumns+` FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.agency_id = $1 AND c.archived_at IS NULL
		ORDER BY c.kind = 'helpline' DESC, c.key_order, c.role_title, c.id`, agencyID)
	if err != nil {
		return nil, wrapEdit("contacts for edit", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ContactEdit, error) { return scanContactEdit(r) })
	return out, wrapEdit("contacts for edit", err)
}

// auditRow is the contact's editable row as the audit trail keeps it.
func (c ContactEdit) auditRow() map[string]any {
	return map[string]any{
		"role_title": c.RoleTitle, "person_name": c.PersonName, "phones": c.Phones, "email": c.Email,
		"hours": c.Hours, "notes": c.Notes, "kind": c.Kind, "visibility": c.Visibility, "main": c.Main, "version": c.Version,
	}
}
