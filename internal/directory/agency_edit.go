package directory

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// AgencyInput is what an organisation may change of its own entry, as typed into the form.
// The JSON names are the form's field names, so a form can carry the values it started from
// (to show what someone else changed if the save loses a race).
type AgencyInput struct {
	Summary       string   `json:"summary"`
	Description   string   `json:"description"`
	Website       string   `json:"website"`
	Email         string   `json:"email"`
	OpeningHours  string   `json:"opening_hours"`
	ReferralRoute string   `json:"referral_route"`
	Eligibility   string   `json:"eligibility"`
	Keywords      string   `json:"keywords"`
	Areas         []string `json:"areas"`
	Categories    []string `json:"categories"`
	Audiences     []string `json:"audiences"`
}

// AgencyEdit is an agency as the person who keeps it sees it: every field they may change
// (terms as slugs), its review status and all its current contacts, public and staff-only.
// Its phone numbers are its contacts': MainPhone is the main contact's first number.
type AgencyEdit struct {
	ID        int64
	Slug      string
	Name      string
	Kind      Kind
	StaffOnly bool
	AgencyInput
	Version    int
	ReviewedAt *time.Time
	ReviewDue  *time.Time // a date
	Overdue    bool       // review_due is before today in Europe/London
	UpdatedAt  time.Time
	Contacts   []ContactEdit
	MainPhone  string // digits, "" when no contact is marked main
}

// ReferralRoutes are the choices of who can refer, with the words the form shows.
var ReferralRoutes = []struct{ Value, Label string }{
	{"self", "People can contact the organisation themselves"},
	{"professional", "A professional must refer them"},
	{"both", "Either: people themselves or a professional"},
}

func referralLabel(v string) string {
	for _, r := range ReferralRoutes {
		if r.Value == v {
			return r.Label
		}
	}
	return v
}

// AgencyForEdit returns the agency with id for viewer to edit, or edit.ErrNotFound when there is
// none or viewer may not change it (an RSL officer may change only their own organisation).
func (s *Store) AgencyForEdit(ctx context.Context, v access.Viewer, id int64) (AgencyEdit, error) {
	return loadAgencyEdit(ctx, s.db, v, id, false)
}

// UpdateAgency saves in over the agency, provided the form was opened on the current version.
// It returns validate.Errors for bad input, *ConflictError[AgencyEdit] when someone else saved
// first (nothing is written), edit.ErrNotFound when viewer may not change the agency. The change,
// the search tags and the audit event are written in one transaction. A save that changes
// nothing writes nothing.
func (s *Store) UpdateAgency(ctx context.Context, v access.Viewer, id int64, in AgencyInput, version int) (AgencyEdit, error) {
	clean, errs := cleanAgency(in)
	var out AgencyEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadAgencyEdit(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		ids := make([][]int64, len(termTables))
		for i, tt := range termTables {
			if ids[i], err = lookupTerms(ctx, tx, tt, id, *tt.slugs(&clean), &errs); err != nil {
				return err
			}
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if AgencyForm(Taxonomy{}).Same(clean, before.AgencyInput) {
			out = before
			return nil
		}
		for i, tt := range termTables {
			if err := setTerms(ctx, tx, tt, id, ids[i]); err != nil {
				return err
			}
		}
		own, admin := v.EditScope()
		// tags repeats the names of the categories and audiences for the search index; it is
		// rebuilt here, from the join rows just written, so the two cannot drift apart.
		tag, err := tx.Exec(ctx, `UPDATE agencies a SET summary = $5, description = $6, website = $7, email = $8,
				opening_hours = $9, referral_route = $10, eligibility = $11, keywords = $12,
				tags = `+agencyTagsSQL+`, version = a.version + 1, updated_at = now()
			WHERE a.id = $1 AND a.version = $4 AND `+mayEditAgency,
			id, own, admin, version, clean.Summary, clean.Description, clean.Website, clean.Email,
			clean.OpeningHours, clean.ReferralRoute, clean.Eligibility, clean.Keywords)
		if err != nil {
			return wrapEdit("update agency", err)
		}
		if tag.RowsAffected() != 1 { // cannot happen under the row lock; the WHERE is the guard
			return edit.Conflicted(before)
		}
		if out, err = loadAgencyEdit(ctx, tx, v, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "agency.update", EntityType: "agency",
			EntityID: id, AgencyID: id, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// ConfirmAgency records that viewer checked the agency's details and found them correct: the
// review date becomes now and the next review is due in 12 months. The form carries version
// too, so nobody confirms details that changed after they read them.
func (s *Store) ConfirmAgency(ctx context.Context, v access.Viewer, id int64, version int) (AgencyEdit, error) {
	var out AgencyEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadAgencyEdit(ctx, tx, v, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		own, admin := v.EditScope()
		tag, err := tx.Exec(ctx, `UPDATE agencies a SET reviewed_at = now(), review_due = `+reviewDueSQL+`,
				version = a.version + 1, updated_at = now()
			WHERE a.id = $1 AND a.version = $4 AND `+mayEditAgency, id, own, admin, version)
		if err != nil {
			return wrapEdit("confirm agency", err)
		}
		if tag.RowsAffected() != 1 {
			return edit.Conflicted(before)
		}
		if out, err = loadAgencyEdit(ctx, tx, v, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "agency.confirm", EntityType: "agency",
			EntityID: id, AgencyID: id, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// AgencyForm is the organisation's form for comparing and merging after a conflict (see
// internal/edit); tax gives the names of the terms in the change table.
func AgencyForm(tax Taxonomy) edit.Form[AgencyInput] {
	return edit.Form[AgencyInput]{Fields: agencyFields(tax), Clean: func(a AgencyInput) AgencyInput { c, _ := cleanAgency(a); return c }}
}

// agencyFields lists the form's fields in order, for merging and comparing.
func agencyFields(tax Taxonomy) []edit.Field[AgencyInput] {
	text := edit.Text[AgencyInput]
	return []edit.Field[AgencyInput]{
		text("summary", "Summary", func(a *AgencyInput) *string { return &a.Summary }),
		text("description", "Description", func(a *AgencyInput) *string { return &a.Description }),
		text("website", "Website", func(a *AgencyInput) *string { return &a.Website }),
		text("email", "Email", func(a *AgencyInput) *string { return &a.Email }),
		text("opening_hours", "Opening hours", func(a *AgencyInput) *string { return &a.OpeningHours }),
		text("referral_route", "Who can refer", func(a *AgencyInput) *string { return &a.ReferralRoute }).ShownAs(referralLabel),
		text("eligibility", "Eligibility", func(a *AgencyInput) *string { return &a.Eligibility }),
		text("keywords", "Other search words", func(a *AgencyInput) *string { return &a.Keywords }),
		editTerms("areas", "Areas", func(a *AgencyInput) *[]string { return &a.Areas }, tax.Areas),
		editTerms("categories", "Types of support", func(a *AgencyInput) *[]string { return &a.Categories }, tax.Categories),
		editTerms("audiences", "Who it is for", func(a *AgencyInput) *[]string { return &a.Audiences }, tax.Audiences),
	}
}

// cleanAgency checks in and returns it as it would be stored: text trimmed, terms
// de-duplicated. The limits are the schema's CHECKs.
func cleanAgency(in AgencyInput) (AgencyInput, validate.Errors) {
	var e validate.Errors
	// A summary is one paragraph; line breaks typed into its box become spaces.
	summary := strings.NewReplacer("\r\n", " ", "\n", " ").Replace(in.Summary)
	out := AgencyInput{
		Summary:       e.Text("summary", "Summary", summary, false, 300, false),
		Description:   e.Text("description", "Description", in.Description, false, 5000, true),
		Website:       e.WebURL("website", "Website", in.Website),
		Email:         e.Email("email", "Email address", in.Email),
		OpeningHours:  e.Text("opening_hours", "Opening hours", in.OpeningHours, false, 300, false),
		ReferralRoute: e.OneOf("referral_route", "who can refer", in.ReferralRoute, "self", "professional", "both"),
		Eligibility:   e.Text("eligibility", "Eligibility", in.Eligibility, false, 1000, true),
		Keywords:      e.Text("keywords", "Other search words", in.Keywords, false, 500, false),
	}
	for _, tt := range termTables {
		*tt.slugs(&out) = cleanSlugs(&e, tt, *tt.slugs(&in))
	}
	return out, e
}

// cleanSlugs keeps the well-formed, distinct slugs; anything else gets one message for the
// field. Whether each slug names a real term is checked against the database later.
func cleanSlugs(e *validate.Errors, tt termTable, slugs []string) []string {
	out := []string{}
	for _, s := range sortedSet(slugs) {
		if !edit.ValidSlug(s) {
			if !e.Has(tt.field) {
				e.Add(tt.field, "Choose "+tt.label+" from the list")
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// agencyEditColumns are what loadAgencyEdit scans, in order.
const agencyEditColumns = `a.id, a.slug, a.name, a.kind, a.visibility = 'staff', a.summary, a.description,
	a.website, a.email, agency_main_phone(a.id, 'staff'), a.opening_hours, a.referral_route, a.eligibility, a.keywords, a.version,
	a.reviewed_at, a.review_due, coalesce(a.review_due < ` + todaySQL + `, false), a.updated_at,
	ARRAY(SELECT t.slug FROM agency_areas j JOIN areas t ON t.id = j.area_id WHERE j.agency_id = a.id ORDER BY t.sort_order, t.name),
	ARRAY(SELECT t.slug FROM agency_categories j JOIN categories t ON t.id = j.category_id WHERE j.agency_id = a.id ORDER BY t.sort_order, t.name),
	ARRAY(SELECT t.slug FROM agency_audiences j JOIN audiences t ON t.id = j.audience_id WHERE j.agency_id = a.id ORDER BY t.sort_order, t.name)`

// loadAgencyEdit reads the agency if v may change it; lock takes the row lock an update needs.
func loadAgencyEdit(ctx context.Context, q postgres.Querier, v access.Viewer, id int64, lock bool) (AgencyEdit, error) {
	var a AgencyEdit
	own, admin := v.EditScope()
	sql := `SELECT ` + agencyEditColumns + ` FROM agencies a WHERE a.id = $1 AND ` + mayEditAgency
	if lock {
		sql += ` FOR UPDATE OF a`
	}
	err := q.QueryRow(ctx, sql, id, own, admin).Scan(&a.ID, &a.Slug, &a.Name, &a.Kind, &a.StaffOnly, &a.Summary,
		&a.Description, &a.Website, &a.Email, &a.MainPhone, &a.OpeningHours, &a.ReferralRoute, &a.Eligibility, &a.Keywords,
		&a.Version, &a.ReviewedAt, &a.ReviewDue, &a.Overdue, &a.UpdatedAt, &a.Areas, &a.Categories, &a.Audiences)
	if isNoRows(err) {
		return a, edit.ErrNotFound
	}
	if err != nil {
		return a, wrapEdit("agency for edit", err)
	}
	a.Contacts, err = loadContactEdits(ctx, q, a.ID)
	return a, err
}

// auditRow is the agency's editable row as the audit trail keeps it.
func (a AgencyEdit) auditRow() map[string]any {
	return map[string]any{
		"summary": a.Summary, "description": a.Description, "website": a.Website, "email": a.Email,
		"opening_hours": a.OpeningHours, "referral_route": a.ReferralRoute,
		"eligibility": a.Eligibility, "keywords": a.Keywords, "areas": a.Areas, "categories": a.Categories,
		"audiences": a.Audiences, "reviewed_at": a.ReviewedAt, "review_due": dateOnly(a.ReviewDue), "version": a.Version,
	}
}

func dateOnly(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.DateOnly)
}

// termTable names the tables of one kind of taxonomy term and the form field that picks them.
type termTable struct {
	table, join, col, field, label string
	slugs                          func(*AgencyInput) *[]string
}

var termTables = []termTable{
	{"areas", "agency_areas", "area_id", "areas", "areas", func(a *AgencyInput) *[]string { return &a.Areas }},
	{"categories", "agency_categories", "category_id", "categories", "types of support", func(a *AgencyInput) *[]string { return &a.Categories }},
	{"audiences", "agency_audiences", "audience_id", "audiences", "who the service is for", func(a *AgencyInput) *[]string { return &a.Audiences }},
}

// lookupTerms returns the ids of slugs, adding a field error when any is not a current term.
// A retired term the agency already has is still accepted, so saving the form never drops it
// behind the person's back.
func lookupTerms(ctx context.Context, tx pgx.Tx, tt termTable, agencyID int64, slugs []string, e *validate.Errors) ([]int64, error) {
	if len(slugs) == 0 {
		return []int64{}, nil
	}
	rows, err := tx.Query(ctx, `SELECT t.id FROM `+tt.table+` t WHERE t.slug = ANY($1)
		AND (t.retired_at IS NULL OR t.id IN (SELECT j.`+tt.col+` FROM `+tt.join+` j WHERE j.agency_id = $2))`, slugs, agencyID)
	if err != nil {
		return nil, wrapEdit("look up "+tt.table, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, wrapEdit("look up "+tt.table, err)
	}
	if len(ids) != len(slugs) && !e.Has(tt.field) {
		e.Add(tt.field, "Choose "+tt.label+" from the list: one of those sent is not on it")
	}
	return ids, nil
}

// setTerms makes the join table hold exactly ids for the agency, touching only differences.
func setTerms(ctx context.Context, tx pgx.Tx, tt termTable, agencyID int64, ids []int64) error {
	if ids == nil {
		ids = []int64{} // nil would be SQL NULL, and "NOT (x = ANY(NULL))" deletes nothing
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+tt.join+` WHERE agency_id = $1 AND NOT (`+tt.col+` = ANY($2))`, agencyID, ids); err != nil {
		return wrapEdit("set "+tt.table, err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO `+tt.join+` (agency_id, `+tt.col+`) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, agencyID, ids)
	return wrapEdit("set "+tt.table, err)
}
