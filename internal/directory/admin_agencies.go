package directory

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Admins curate every agency: what an organisation may change of its own entry (AgencyInput,
// agency_edit.go) and what only an admin sets (its name, kind, sector, visibility, 24-hour flag,
// languages and review date), archived agencies included. Every write is version-checked and
// audited in its transaction, like the officers' edits.

// ErrArchived means the agency (or the contact) is archived: restore it before changing it.
var ErrArchived = errors.New("directory: archived")

// AdminAgencyInput is the admin's agency form. The JSON names are the form's field names (the
// embedded AgencyInput's included), so the form can carry the values it started from.
type AdminAgencyInput struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Sector     string `json:"sector"`
	Visibility string `json:"visibility"`
	Open24h    bool   `json:"open_24h"`
	Languages  string `json:"languages"`  // as typed: "English, Polish"
	ReviewDue  string `json:"review_due"` // YYYY-MM-DD, or 31/5/2026 as typed
	AgencyInput
	// Reviewed is the tick "I have checked these details": the last review becomes now and,
	// unless the admin also changed the date, the next review is due in 12 months. It is an
	// action, not a value, so it is neither compared nor merged.
	Reviewed bool `json:"-"`
}

// AdminAgency is an agency as an admin sees it, archived or not, with all its contacts.
type AdminAgency struct {
	ID   int64
	Slug string
	AdminAgencyInput
	Version    int
	ReviewedAt *time.Time
	Overdue    bool // review_due is before today in Europe/London
	ArchivedAt *time.Time
	UpdatedAt  time.Time
	Contacts   []AdminContact // live ones first, then archived
	MainPhone  string         // the main contact's first number (digits), "" when none is marked main
}

// StaffOnly reports whether only signed-in staff see the agency.
func (a AdminAgency) StaffOnly() bool { return a.Visibility == "staff" }

// Archived reports whether the agency is hidden from everyone but admins.
func (a AdminAgency) Archived() bool { return a.ArchivedAt != nil }

// KindValues lists the values an agency's kind may take.
func KindValues() []string {
	out := make([]string, len(Kinds))
	for i, k := range Kinds {
		out[i] = string(k.Value)
	}
	return out
}

// NewAgencyInput is the form for a new agency: public, self or professional referral, and a
// first review 12 months from today.
func NewAgencyInput(now time.Time) AdminAgencyInput {
	due := londonDate(now).AddDate(1, 0, 0)
	return AdminAgencyInput{Kind: "da_agency", Sector: SectorForKind("da_agency"), Visibility: "public", ReviewDue: due.Format(time.DateOnly),
		AgencyInput: AgencyInput{ReferralRoute: "both"}}
}

// AdminAgencyBySlug returns the agency with slug for an admin, archived or not. Anyone else,
// and a slug that names nothing, gets edit.ErrNotFound.
func (s *Store) AdminAgencyBySlug(ctx context.Context, v access.Viewer, slug string) (AdminAgency, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return AdminAgency{}, edit.ErrNotFound
	}
	return loadAdminAgency(ctx, s.db, `a.slug = $1`, slug, false)
}

// CreateAgency adds an agency with the slug made from its name (made unique with -2, -3...;
// it never changes afterwards, even on rename). It returns validate.Errors for bad input and
// edit.ErrNotFound for anyone but an admin. The row, its terms and the audit event are one
// transaction.
func (s *Store) CreateAgency(ctx context.Context, v access.Viewer, in AdminAgencyInput) (AdminAgency, error) {
	if !v.IsAdmin() {
		return AdminAgency{}, edit.ErrNotFound
	}
	clean, errs := cleanAdminAgency(in, time.Now())
	var out AdminAgency
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		ids, err := lookupAllTerms(ctx, tx, 0, &clean.AgencyInput, &errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		slug, err := edit.FreeSlug(ctx, tx, "agencies", edit.Slug(clean.Name, "organisation"))
		if err != nil {
			return err
		}
		a := clean.AgencyInput
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO agencies (slug, name, kind, visibility, open_24h, languages, summary,
				description, website, email, opening_hours, referral_route, eligibility, keywords, reviewed_at, review_due, sector)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now(), $15::date, $16) RETURNING id`,
			slug, clean.Name, clean.Kind, clean.Visibility, clean.Open24h, splitLanguages(clean.Languages), a.Summary,
			a.Description, a.Website, a.Email, a.OpeningHours, a.ReferralRoute, a.Eligibility, a.Keywords,
			clean.ReviewDue, clean.Sector).Scan(&id)
		if err != nil {
			return wrapEdit("create agency", err)
		}
		if err := setAllTerms(ctx, tx, id, ids); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE agencies a SET tags = `+agencyTagsSQL+` WHERE a.id = $1`, id); err != nil {
			return wrapEdit("create agency", err)
		}
		if out, err = loadAdminAgency(ctx, tx, `a.id = $1`, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "agency.create", EntityType: "agency",
			EntityID: id, AgencyID: id, After: out.auditRow()})
	})
	return out, err
}

// UpdateAgencyAdmin saves in over agency id, provided the form was opened on its current
// version. It returns validate.Errors for bad input, *ConflictError[AdminAgency] when someone
// saved first (nothing written), ErrArchived for an archived agency and edit.ErrNotFound for anyone
// but an admin. The slug never changes. A save that changes nothing writes nothing.
func (s *Store) UpdateAgencyAdmin(ctx context.Context, v access.Viewer, id int64, in AdminAgencyInput, version int) (AdminAgency, error) {
	if !v.IsAdmin() {
		return AdminAgency{}, edit.ErrNotFound
	}
	clean, errs := cleanAdminAgency(in, time.Now())
	var out AdminAgency
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadAdminAgency(ctx, tx, `a.id = $1`, id, true)
		if err != nil {
			return err
		}
		if before.Archived() {
			return ErrArchived
		}
		ids, err := lookupAllTerms(ctx, tx, id, &clean.AgencyInput, &errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if !clean.Reviewed && AdminAgencyForm(Taxonomy{}).Same(clean, before.AdminAgencyInput) {
			out = before
			return nil
		}
		if err := setAllTerms(ctx, tx, id, ids); err != nil {
			return err
		}
		// Confirming the details without choosing another date moves the next review on by
		// the usual 12 months; a date the admin typed stands.
		rollDue := clean.Reviewed && clean.ReviewDue == before.ReviewDue
		a := clean.AgencyInput
		tag, err := tx.Exec(ctx, `UPDATE agencies a SET name = $3, kind = $4, visibility = $5, open_24h = $6, languages = $7,
				summary = $8, description = $9, website = $10, email = $11, opening_hours = $12,
				referral_route = $13, eligibility = $14, keywords = $15,
				reviewed_at = CASE WHEN $16::bool THEN now() ELSE a.reviewed_at END,
				review_due = CASE WHEN $17::bool THEN `+reviewDueSQL+` ELSE $18::date END,
				tags = `+agencyTagsSQL+`, sector = $19, version = a.version + 1, updated_at = now()
			WHERE a.id = $1 AND a.version = $2 AND a.archived_at IS NULL`,
			id, version, clean.Name, clean.Kind, clean.Visibility, clean.Open24h, splitLanguages(clean.Languages),
			a.Summary, a.Description, a.Website, a.Email, a.OpeningHours, a.ReferralRoute, a.Eligibility,
			a.Keywords, clean.Reviewed, rollDue, clean.ReviewDue, clean.Sector)
		if err != nil {
			return wrapEdit("update agency", err)
		}
		if tag.RowsAffected() != 1 { // cannot happen under the row lock; the WHERE is the guard
			return edit.Conflicted(before)
		}
		if out, err = loadAdminAgency(ctx, tx, `a.id = $1`, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "agency.update", EntityType: "agency",
			EntityID: id, AgencyID: id, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// ArchiveAgency hides agency id from everyone but admins; its rows stay, for the audit trail
// and for RestoreAgency. The version guards against archiving a change nobody has seen.
// Archiving an archived agency changes nothing.
func (s *Store) ArchiveAgency(ctx context.Context, v access.Viewer, id int64, version int) (AdminAgency, error) {
	return s.setAgencyArchived(ctx, v, id, version, true)
}

// RestoreAgency brings an archived agency back, as it was when archived.
func (s *Store) RestoreAgency(ctx context.Context, v access.Viewer, id int64, version int) (AdminAgency, error) {
	return s.setAgencyArchived(ctx, v, id, version, false)
}

func (s *Store) setAgencyArchived(ctx context.Context, v access.Viewer, id int64, version int, archive bool) (AdminAgency, error) {
	if !v.IsAdmin() {
		return AdminAgency{}, edit.ErrNotFound
	}
	action := "agency.restore"
	if archive {
		action = "agency.archive"
	}
	var out AdminAgency
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadAdminAgency(ctx, tx, `a.id = $1`, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if before.Archived() == archive {
			out = before
			return nil
		}
		tag, err := tx.Exec(ctx, `UPDATE agencies SET archived_at = CASE WHEN $3::bool THEN now() END,
			version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`, id, version, archive)
		if err != nil {
			return wrapEdit(action, err)
		}
		if tag.RowsAffected() != 1 {
			return edit.Conflicted(before)
		}
		if out, err = loadAdminAgency(ctx, tx, `a.id = $1`, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: "agency",
			EntityID: id, AgencyID: id, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// agencyTagsSQL rebuilds agencies.tags of agency a from its join rows: the names of its
// categories and audiences, for the search index. Every write that changes those join rows
// (edits, creation, taxonomy renames and merges, a revert from the audit trail) uses it.
const agencyTagsSQL = `concat_ws(' ',
	(SELECT string_agg(t.name, ' ' ORDER BY t.sort_order, t.name) FROM agency_categories j
		JOIN categories t ON t.id = j.category_id WHERE j.agency_id = a.id),
	(SELECT string_agg(t.name, ' ' ORDER BY t.sort_order, t.name) FROM agency_audiences j
		JOIN audiences t ON t.id = j.audience_id WHERE j.agency_id = a.id))`

// lookupAllTerms looks up the areas, categories and audiences of in, for agency id (0 for a
// new one), adding field errors for any that are not on offer.
func lookupAllTerms(ctx context.Context, tx pgx.Tx, id int64, in *AgencyInput, errs *validate.Errors) ([][]int64, error) {
	ids := make([][]int64, len(termTables))
	for i, tt := range termTables {
		var err error
		if ids[i], err = lookupTerms(ctx, tx, tt, id, *tt.slugs(in), errs); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func setAllTerms(ctx context.Context, tx pgx.Tx, id int64, ids [][]int64) error {
	for i, tt := range termTables {
		if err := setTerms(ctx, tx, tt, id, ids[i]); err != nil {
			return err
		}
	}
	return nil
}

// adminAgencyColumns are what loadAdminAgency scans, in order.
const adminAgencyColumns = `a.id, a.slug, a.name, a.kind, a.sector, a.visibility, a.open_24h, a.languages, a.review_due,
	a.summary, a.description, a.website, a.email, agency_main_phone(a.id, 'staff'), a.opening_hours, a.referral_route, a.eligibility,
	a.keywords, a.version, a.reviewed_at, coalesce(a.review_due < ` + todaySQL + `, false), a.archived_at, a.updated_at,
	ARRAY(SELECT t.slug FROM agency_areas j JOIN areas t ON t.id = j.area_id WHERE j.agency_id = a.id ORDER BY t.sort_order, t.name),
	ARRAY(SELECT t.slug FROM agency_categories j JOIN categories t ON t.id = j.category_id WHERE j.agency_id = a.id ORDER BY t.sort_order, t.name),
	ARRAY(SELECT t.slug FROM agency_audiences j JOIN audiences t ON t.id = j.audience_id WHERE j.agency_id = a.id ORDER BY t.sort_order, t.name)`

// loadAdminAgency reads the agency matching where ($1 is its one argument), archived or not,
// with all its contacts; lock takes the row lock an update needs. Callers check the viewer.
func loadAdminAgency(ctx context.Context, q postgres.Querier, where string, arg any, lock bool) (AdminAgency, error) {
	var a AdminAgency
	sql := `SELECT ` + adminAgencyColumns + ` FROM agencies a WHERE ` + where
	if lock {
		sql += ` FOR UPDATE OF a`
	}
	var langs []string
	var due *time.Time
	err := q.QueryRow(ctx, sql, arg).Scan(&a.ID, &a.Slug, &a.Name, &a.Kind, &a.Sector, &a.Visibility, &a.Open24h, &langs, &due,
		&a.Summary, &a.Description, &a.Website, &a.Email, &a.MainPhone, &a.OpeningHours, &a.ReferralRoute, &a.Eligibility,
		&a.Keywords, &a.Version, &a.ReviewedAt, &a.Overdue, &a.ArchivedAt, &a.UpdatedAt, &a.Areas, &a.Categories, &a.Audiences)
	if isNoRows(err) {
		return a, edit.ErrNotFound
	}
	if err != nil {
		return a, wrapEdit("agency for admin", err)
	}
	a.Languages, a.ReviewDue = strings.Join(langs, ", "), dateString(due)
	a.Contacts, err = loadAdminContacts(ctx, q, `c.agency_id = $1`, a.ID)
	return a, err
}

// auditRow is the agency as the audit trail keeps it: the keys of AgencyEdit.auditRow (so a
// reader or a revert treats officers' and admins' edits alike) and the admin's own fields.
func (a AdminAgency) auditRow() map[string]any {
	return map[string]any{
		"slug": a.Slug, "name": a.Name, "kind": a.Kind, "sector": a.Sector, "visibility": a.Visibility, "open_24h": a.Open24h,
		"languages": splitLanguages(a.Languages), "summary": a.Summary, "description": a.Description,
		"website": a.Website, "email": a.Email, "opening_hours": a.OpeningHours,
		"referral_route": a.ReferralRoute, "eligibility": a.Eligibility, "keywords": a.Keywords, "areas": a.Areas,
		"categories": a.Categories, "audiences": a.Audiences, "reviewed_at": a.ReviewedAt,
		"review_due": nilIfEmpty(a.ReviewDue), "archived_at": a.ArchivedAt, "version": a.Version,
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
