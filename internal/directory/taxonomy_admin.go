package directory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Admins keep the three taxonomies (areas, categories, audiences): add a term, rename it (its
// slug stays, so links and saved searches keep working), retire it (hidden from filters and
// forms, kept wherever it was used, so history still reads right), restore it, or merge it
// into another (every row that used it moves to the other, then it is retired).

// TermKind is one of the taxonomies.
type TermKind struct {
	Slug     string // the table and the URL's word: "areas"
	Singular string // the audit trail's entity type: "area"
	Label    string // as a heading: "Areas"
	One      string // in a sentence: "area"
}

// TermKinds are the taxonomies, in the order pages show them.
var TermKinds = []TermKind{
	{"areas", "area", "Areas", "area"},
	{"categories", "category", "Types of support", "type of support"},
	{"audiences", "audience", "Who services are for", "group of people"},
}

// TermKindOf returns the taxonomy whose Slug is slug.
func TermKindOf(slug string) (TermKind, bool) {
	for _, k := range TermKinds {
		if k.Slug == slug {
			return k, true
		}
	}
	return TermKind{}, false
}

// table is the kind's table, quoted for SQL.
func (k TermKind) table() string { return pgx.Identifier{k.Slug}.Sanitize() }

// AdminTerm is a term as an admin sees it, retired or not, with where it is used.
type AdminTerm struct {
	ID        int64
	Kind      TermKind
	Slug      string
	Name      string
	SortOrder int
	RetiredAt *time.Time
	Version   int
	Uses      []TermUse // one per table that refers to the term, where it is used
}

// TermInput is a term's form: its name. The JSON name is the form field's.
type TermInput struct {
	Name string `json:"name"`
}

// Input is the term as its form starts.
func (t AdminTerm) Input() TermInput { return TermInput{Name: t.Name} }

// TermForm is a term's form for comparing and merging after a conflict (see internal/edit).
func TermForm() edit.Form[TermInput] {
	return edit.Form[TermInput]{Fields: []edit.Field[TermInput]{
		edit.Text("name", "Name", func(in *TermInput) *string { return &in.Name }),
	}}
}

// Retired reports whether the term is no longer offered.
func (t AdminTerm) Retired() bool { return t.RetiredAt != nil }

// TermUse counts the rows of one table that refer to a term.
type TermUse struct {
	Table string // "agency_areas"
	Count int
}

// One is what one row is, in words: "organisation".
func (u TermUse) One() string {
	switch {
	case strings.HasPrefix(u.Table, "agency_"):
		return "organisation"
	case strings.HasPrefix(u.Table, "contact_"):
		return "contact"
	}
	return strings.ReplaceAll(u.Table, "_", " ")
}

// Label says what the rows are, in words.
func (u TermUse) Label() string {
	switch {
	case strings.HasPrefix(u.Table, "agency_"):
		return "organisations"
	case strings.HasPrefix(u.Table, "contact_"):
		return "contacts"
	}
	return strings.ReplaceAll(u.Table, "_", " ")
}

// AdminTaxonomy is one taxonomy with all its terms.
type AdminTaxonomy struct {
	Kind  TermKind
	Terms []AdminTerm
}

// AdminTaxonomies lists every term of every taxonomy, retired ones included, for an admin.
func (s *Store) AdminTaxonomies(ctx context.Context, v access.Viewer) ([]AdminTaxonomy, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	var out []AdminTaxonomy
	for _, k := range TermKinds {
		terms, err := loadTerms(ctx, s.db, k, `true`, nil, false)
		if err != nil {
			return nil, err
		}
		out = append(out, AdminTaxonomy{Kind: k, Terms: terms})
	}
	return out, nil
}

// AdminTerm returns the term of kind k with slug, retired or not, for an admin.
func (s *Store) AdminTerm(ctx context.Context, v access.Viewer, k TermKind, slug string) (AdminTerm, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return AdminTerm{}, edit.ErrNotFound
	}
	return loadTerm(ctx, s.db, k, slug, false)
}

func loadTerms(ctx context.Context, q postgres.Querier, k TermKind, where string, arg any, lock bool) ([]AdminTerm, error) {
	sql := `SELECT id, slug, name, sort_order, retired_at, version FROM ` + k.table() + ` WHERE ` + where +
		` ORDER BY retired_at IS NOT NULL, sort_order, lower(name), name`
	args := []any{}
	if arg != nil {
		args = append(args, arg)
	}
	if lock {
		sql += ` FOR UPDATE`
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrapEdit("list "+k.Slug, err)
	}
	terms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AdminTerm, error) {
		t := AdminTerm{Kind: k}
		err := r.Scan(&t.ID, &t.Slug, &t.Name, &t.SortOrder, &t.RetiredAt, &t.Version)
		return t, err
	})
	if err != nil {
		return nil, wrapEdit("list "+k.Slug, err)
	}
	refs, err := termRefs(ctx, q, k)
	if err != nil {
		return nil, err
	}
	uses, err := termUses(ctx, q, k, refs)
	if err != nil {
		return nil, err
	}
	for i := range terms {
		terms[i].Uses = uses[terms[i].ID]
	}
	return terms, nil
}

func loadTerm(ctx context.Context, q postgres.Querier, k TermKind, slug string, lock bool) (AdminTerm, error) {
	terms, err := loadTerms(ctx, q, k, `slug = $1`, slug, lock)
	if err != nil {
		return AdminTerm{}, err
	}
	if len(terms) == 0 {
		return AdminTerm{}, edit.ErrNotFound
	}
	return terms[0], nil
}

// AddTerm adds a current term named name to kind k, last in its order. Its slug comes from
// the name; a name whose slug or name (in any case) is taken, by a retired term too, is
// refused with a field error, since two terms read alike confuse everyone who filters.
func (s *Store) AddTerm(ctx context.Context, v access.Viewer, k TermKind, name string) (AdminTerm, error) {
	if !v.IsAdmin() {
		return AdminTerm{}, edit.ErrNotFound
	}
	var errs validate.Errors
	name = errs.Name("name", "Name", name, true, 120)
	if len(errs) > 0 {
		return AdminTerm{}, errs
	}
	slug := edit.Slug(name, k.Singular)
	var out AdminTerm
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		// One adder at a time per taxonomy, so the duplicate check below holds.
		if _, err := tx.Exec(ctx, `LOCK TABLE `+k.table()+` IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return wrapEdit("add "+k.Singular, err)
		}
		var taken string
		var retired bool
		err := tx.QueryRow(ctx, `SELECT name, retired_at IS NOT NULL FROM `+k.table()+`
			WHERE slug = $1 OR lower(name) = lower($2) ORDER BY slug = $1 DESC LIMIT 1`, slug, name).Scan(&taken, &retired)
		switch {
		case err == nil && retired:
			errs.Add("name", fmt.Sprintf("There is a retired %s called %s: restore it instead of adding it again", k.One, taken))
			return errs
		case err == nil:
			errs.Add("name", fmt.Sprintf("There is already a %s called %s", k.One, taken))
			return errs
		case !isNoRows(err):
			return wrapEdit("add "+k.Singular, err)
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO `+k.table()+` (slug, name, sort_order)
			VALUES ($1, $2, (SELECT coalesce(max(sort_order), 0) + 10 FROM `+k.table()+`)) RETURNING id`, slug, name).Scan(&id)
		if err != nil {
			return wrapEdit("add "+k.Singular, err)
		}
		if out, err = loadTerm(ctx, tx, k, slug, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: k.Singular + ".create", EntityType: k.Singular,
			EntityID: id, After: out.auditRow()})
	})
	return out, err
}

// RenameTerm gives the term a new name; its slug stays. It returns validate.Errors for a bad
// or taken name, *ConflictError[AdminTerm] for a stale version.
func (s *Store) RenameTerm(ctx context.Context, v access.Viewer, k TermKind, slug, name string, version int) (AdminTerm, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return AdminTerm{}, edit.ErrNotFound
	}
	var errs validate.Errors
	name = errs.Name("name", "Name", name, true, 120)
	var out AdminTerm
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadTerm(ctx, tx, k, slug, true)
		if err != nil {
			return err
		}
		if len(errs) == 0 {
			var taken string
			err := tx.QueryRow(ctx, `SELECT name FROM `+k.table()+` WHERE lower(name) = lower($1) AND id <> $2 LIMIT 1`,
				name, before.ID).Scan(&taken)
			if err == nil {
				errs.Add("name", fmt.Sprintf("There is already a %s called %s", k.One, taken))
			} else if !isNoRows(err) {
				return wrapEdit("rename "+k.Singular, err)
			}
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if before.Name == name {
			out = before
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE `+k.table()+` SET name = $3, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`, before.ID, version, name); err != nil {
			return wrapEdit("rename "+k.Singular, err)
		}
		if err := refreshTags(ctx, tx, k, []int64{before.ID}); err != nil {
			return err
		}
		if out, err = loadTerm(ctx, tx, k, slug, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: k.Singular + ".rename", EntityType: k.Singular,
			EntityID: before.ID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// RetireTerm stops offering the term in filters and forms. Every row that uses it keeps it.
func (s *Store) RetireTerm(ctx context.Context, v access.Viewer, k TermKind, slug string, version int) (AdminTerm, error) {
	return s.setTermRetired(ctx, v, k, slug, version, true)
}

// RestoreTerm offers a retired term again.
func (s *Store) RestoreTerm(ctx context.Context, v access.Viewer, k TermKind, slug string, version int) (AdminTerm, error) {
	return s.setTermRetired(ctx, v, k, slug, version, false)
}

func (s *Store) setTermRetired(ctx context.Context, v access.Viewer, k TermKind, slug string, version int, retire bool) (AdminTerm, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return AdminTerm{}, edit.ErrNotFound
	}
	action := k.Singular + ".restore"
	if retire {
		action = k.Singular + ".retire"
	}
	var out AdminTerm
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadTerm(ctx, tx, k, slug, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if before.Retired() == retire {
			out = before
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE `+k.table()+` SET retired_at = CASE WHEN $3::bool THEN now() END,
			version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`, before.ID, version, retire); err != nil {
			return wrapEdit(action, err)
		}
		if out, err = loadTerm(ctx, tx, k, slug, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: k.Singular,
			EntityID: before.ID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// refreshTags rebuilds the search tags of the agencies using the terms: a category's or an
// audience's name is in them; an area's is not.
func refreshTags(ctx context.Context, tx pgx.Tx, k TermKind, termIDs []int64) error {
	var join, col string
	switch k.Slug {
	case "categories":
		join, col = "agency_categories", "category_id"
	case "audiences":
		join, col = "agency_audiences", "audience_id"
	default:
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE agencies a SET tags = `+agencyTagsSQL+`
		WHERE a.id IN (SELECT agency_id FROM `+join+` WHERE `+col+` = ANY($1))`, termIDs)
	return wrapEdit("refresh tags", err)
}

func (t AdminTerm) auditRow() map[string]any {
	uses := map[string]int{}
	for _, u := range t.Uses {
		uses[u.Table] = u.Count
	}
	return map[string]any{"slug": t.Slug, "name": t.Name, "sort_order": t.SortOrder, "retired_at": t.RetiredAt,
		"version": t.Version, "uses": uses}
}
