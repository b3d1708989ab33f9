package training

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

// CourseInput is a course's form as typed. The JSON names are the form's field names, so a
// form can carry the values it started from (to show what someone else changed).
type CourseInput struct {
	Title       string `json:"title"`
	Programme   string `json:"programme"`
	Level       string `json:"level"`
	Delivery    string `json:"delivery"`
	Audience    string `json:"audience"`
	Duration    string `json:"duration"`
	Description string `json:"description"`
	Provider    string `json:"provider"` // the providing organisation's slug
	Visibility  string `json:"visibility"`
	Requires    string `json:"requires"` // the slug of the course to attend first, or ""
}

// CourseEdit is a course as the people who manage it see it.
type CourseEdit struct {
	ID   int64
	Slug string
	CourseInput
	ProviderID   int64
	ProviderName string
	Archived     bool
	Version      int
	UpdatedAt    time.Time
}

// CourseForEdit returns the course with slug if the viewer manages it, or edit.ErrNotFound.
func (s *Store) CourseForEdit(ctx context.Context, v access.Viewer, slug string) (CourseEdit, error) {
	return loadCourseEdit(ctx, s.db, v, slug, false)
}

const courseEditColumns = `c.id, c.slug, c.title, c.programme, c.level, c.delivery, c.audience, c.duration, c.description,
	a.slug, c.visibility, coalesce(rq.slug, ''), c.provider_id, a.name, c.archived_at IS NOT NULL, c.version, c.updated_at`

func loadCourseEdit(ctx context.Context, q postgres.Querier, v access.Viewer, slug string, lock bool) (CourseEdit, error) {
	var c CourseEdit
	own, admin := v.EditScope()
	sql := `SELECT ` + courseEditColumns + ` FROM training_courses c JOIN agencies a ON a.id = c.provider_id
		LEFT JOIN training_courses rq ON rq.id = c.requires_course_id
		WHERE c.slug = $1 AND ` + mayManage("$2", "$3")
	if lock {
		sql += ` FOR UPDATE OF c`
	}
	err := q.QueryRow(ctx, sql, slug, own, admin).Scan(&c.ID, &c.Slug, &c.Title, &c.Programme, &c.Level, &c.Delivery,
		&c.Audience, &c.Duration, &c.Description, &c.Provider, &c.Visibility, &c.Requires, &c.ProviderID, &c.ProviderName, &c.Archived,
		&c.Version, &c.UpdatedAt)
	if isNoRows(err) {
		return c, edit.ErrNotFound
	}
	return c, wrap("course for edit", err)
}

// CreateCourse adds a course. It returns validate.Errors for bad input and edit.ErrNotFound when
// the viewer may not manage courses. The slug comes from the title and never changes.
func (s *Store) CreateCourse(ctx context.Context, v access.Viewer, in CourseInput) (CourseEdit, error) {
	if _, err := s.Manager(ctx, v); err != nil {
		return CourseEdit{}, err
	}
	clean, errs := cleanCourse(in)
	var out CourseEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		providerID, err := lookupProvider(ctx, tx, v, clean.Provider, &errs)
		if err != nil {
			return err
		}
		requires, err := lookupRequires(ctx, tx, clean.Requires, 0, &errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		slug, err := edit.FreeSlug(ctx, tx, "training_courses", edit.Slug(clean.Title, "course"), reservedSlugs...)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO training_courses (slug, title, programme, level, delivery, audience, duration,
				description, provider_id, visibility, requires_course_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, slug, clean.Title, clean.Programme, clean.Level, clean.Delivery,
			clean.Audience, clean.Duration, clean.Description, providerID, clean.Visibility, requires)
		if err != nil {
			return wrap("create course", err)
		}
		if out, err = loadCourseEdit(ctx, tx, v, slug, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "course.create", EntityType: "training_course",
			EntityID: out.ID, AgencyID: out.ProviderID, After: out.auditRow()})
	})
	return out, err
}

// UpdateCourse saves in over the course with slug, provided the form was opened on version.
// It returns validate.Errors for bad input, *ConflictError[CourseEdit] when someone else saved
// first (nothing is written) and edit.ErrNotFound when the viewer does not manage the course. A
// save that changes nothing writes nothing.
func (s *Store) UpdateCourse(ctx context.Context, v access.Viewer, slug string, in CourseInput, version int) (CourseEdit, error) {
	clean, errs := cleanCourse(in)
	var out CourseEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadCourseEdit(ctx, tx, v, slug, true)
		if err != nil {
			return err
		}
		providerID, err := lookupProvider(ctx, tx, v, clean.Provider, &errs)
		if err != nil {
			return err
		}
		requires, err := lookupRequires(ctx, tx, clean.Requires, before.ID, &errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if clean == before.CourseInput {
			out = before
			return nil
		}
		_, err = tx.Exec(ctx, `UPDATE training_courses SET title = $3, programme = $4, level = $5, delivery = $6,
				audience = $7, duration = $8, description = $9, provider_id = $10, visibility = $11,
				requires_course_id = $12, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`, before.ID, version, clean.Title, clean.Programme, clean.Level, clean.Delivery,
			clean.Audience, clean.Duration, clean.Description, providerID, clean.Visibility, requires)
		if err != nil {
			return wrap("update course", err)
		}
		// The viewer still manages the course: lookupProvider keeps an officer to their own
		// organisation.
		if out, err = loadCourseEdit(ctx, tx, v, slug, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "course.update", EntityType: "training_course",
			EntityID: out.ID, AgencyID: out.ProviderID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// SetWithdrawn withdraws the course with slug (it leaves the training pages but stays on record
// and in the report) or puts it back, provided the page was opened on version. A course with
// sessions still to come cannot be withdrawn: the people booked would lose sight of them.
func (s *Store) SetWithdrawn(ctx context.Context, v access.Viewer, slug string, withdrawn bool, version int) (CourseEdit, error) {
	var out CourseEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadCourseEdit(ctx, tx, v, slug, true)
		if err != nil {
			return err
		}
		if before.Archived == withdrawn {
			out = before
			return nil
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if withdrawn {
			var toCome bool
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM training_sessions WHERE course_id = $1
				AND cancelled_at IS NULL AND ends_at > $2)`, before.ID, s.now()).Scan(&toCome)
			if err != nil {
				return wrap("withdraw course", err)
			}
			if toCome {
				return ErrSessionsToCome
			}
		}
		_, err = tx.Exec(ctx, `UPDATE training_courses SET archived_at = CASE WHEN $3::bool THEN now() END,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`, before.ID, version, withdrawn)
		if err != nil {
			return wrap("withdraw course", err)
		}
		if out, err = loadCourseEdit(ctx, tx, v, slug, false); err != nil {
			return err
		}
		action := "course.restore"
		if withdrawn {
			action = "course.withdraw"
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: "training_course",
			EntityID: out.ID, AgencyID: out.ProviderID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// CourseForm is the course form for comparing and merging after a conflict (see
// internal/edit); providers gives the organisations' names.
func CourseForm(providers []Provider) edit.Form[CourseInput] {
	providerName := func(slug string) string {
		for _, p := range providers {
			if p.Slug == slug {
				return p.Name
			}
		}
		return slug
	}
	in := func(list []Choice) func(string) string { return func(v string) string { return Label(list, v) } }
	text := edit.Text[CourseInput]
	return edit.Form[CourseInput]{Fields: []edit.Field[CourseInput]{
		text("title", "Title", func(c *CourseInput) *string { return &c.Title }),
		text("programme", "Programme", func(c *CourseInput) *string { return &c.Programme }),
		text("level", "Level", func(c *CourseInput) *string { return &c.Level }).ShownAs(in(Levels)),
		text("delivery", "How it is delivered", func(c *CourseInput) *string { return &c.Delivery }).ShownAs(in(Deliveries)),
		text("audience", "Who it is for", func(c *CourseInput) *string { return &c.Audience }).ShownAs(in(Audiences)),
		text("duration", "Duration", func(c *CourseInput) *string { return &c.Duration }),
		text("description", "Description", func(c *CourseInput) *string { return &c.Description }),
		text("provider", "Provided by", func(c *CourseInput) *string { return &c.Provider }).ShownAs(providerName),
		text("visibility", "Who can see it", func(c *CourseInput) *string { return &c.Visibility }).ShownAs(in(Visibilities)),
		text("requires", "Must have attended first", func(c *CourseInput) *string { return &c.Requires }),
	}}
}

// Visibilities are who can see a course.
var Visibilities = []Choice{
	{"staff", "Signed-in staff only"},
	{"public", "Everyone, including the public"},
}

// cleanCourse checks in and returns it as it would be stored. The limits are the schema's.
func cleanCourse(in CourseInput) (CourseInput, validate.Errors) {
	var e validate.Errors
	out := CourseInput{
		Title:       e.Name("title", "Title", in.Title, true, 200),
		Programme:   e.Name("programme", "Programme", in.Programme, true, 120),
		Level:       e.OneOf("level", "a level", in.Level, values(Levels)...),
		Delivery:    e.OneOf("delivery", "how the course is delivered", in.Delivery, values(Deliveries)...),
		Audience:    e.OneOf("audience", "who the course is for", in.Audience, values(Audiences)...),
		Duration:    e.Text("duration", "Duration", in.Duration, false, 100, false),
		Description: e.Text("description", "Description", in.Description, false, 5000, true),
		Provider:    strings.TrimSpace(in.Provider),
		Visibility:  e.OneOf("visibility", "who can see the course", in.Visibility, values(Visibilities)...),
		Requires:    strings.TrimSpace(in.Requires),
	}
	if out.Requires != "" && !edit.ValidSlug(out.Requires) {
		e.Add("requires", "Choose the course people must have attended first from the list, or none")
	}
	if out.Provider != "" && !edit.ValidSlug(out.Provider) {
		e.Add("provider", "Choose the organisation that provides the course from the list")
	}
	return out, e
}

// lookupProvider returns the id of the organisation slug names, adding a field error when it
// is not a listed organisation the viewer may name: an officer only their own, and only while
// it is allowed to provide training.
func lookupProvider(ctx context.Context, tx pgx.Tx, v access.Viewer, slug string, e *validate.Errors) (int64, error) {
	if slug == "" {
		e.Add("provider", "Choose the organisation that provides the course")
		return 0, nil
	}
	if !edit.ValidSlug(slug) { // cleanCourse has said so
		return 0, nil
	}
	own, admin := v.EditScope()
	var id int64
	err := tx.QueryRow(ctx, `SELECT a.id FROM agencies a WHERE a.slug = $1 AND a.archived_at IS NULL`, slug).Scan(&id)
	switch {
	case isNoRows(err):
		e.Add("provider", "Choose the organisation that provides the course from the list")
		return 0, nil
	case err != nil:
		return 0, wrap("look up provider", err)
	}
	if admin {
		return id, nil
	}
	var allowed bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM training_providers WHERE agency_id = $1)`, id).Scan(&allowed)
	if err != nil {
		return 0, wrap("look up provider", err)
	}
	if id != own || !allowed {
		e.Add("provider", "You can manage courses provided by your own organisation only")
	}
	return id, nil
}

// reservedSlugs are words the training URLs use for themselves.
var reservedSlugs = []string{"new", "report", "providers", "sessions"}

// auditRow is the course as the audit trail keeps it.
func (c CourseEdit) auditRow() map[string]any {
	return map[string]any{
		"slug": c.Slug, "title": c.Title, "programme": c.Programme, "level": c.Level, "delivery": c.Delivery,
		"audience": c.Audience, "duration": c.Duration, "description": c.Description, "provider": c.Provider,
		"visibility": c.Visibility, "requires": c.Requires, "withdrawn": c.Archived, "version": c.Version,
	}
}
