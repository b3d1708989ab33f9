package directory

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/sheet"
)

// What a row of an import does.
const (
	RowAdd     = "add"     // a new contact of its organisation
	RowChange  = "change"  // changes the contact it matches
	RowSame    = "same"    // matches a contact that already says all it says
	RowInvalid = "invalid" // has problems: nothing is imported while any row has one
)

var (
	// ErrImportUnmapped: the upload's columns have not been mapped yet.
	ErrImportUnmapped = errors.New("directory: the import's columns are not mapped")
	// ErrImportInvalid: a row of the import has problems, so none is applied.
	ErrImportInvalid = errors.New("directory: the import has rows with problems")
)

// ImportProblem is one problem of a row, in the column it is about ("" for the whole row).
type ImportProblem struct {
	Line    int
	Column  string // "C (Telephone)"
	Message string
}

// PlannedRow is what one row of the sheet would do.
type PlannedRow struct {
	Line       int
	Action     string
	AgencyName string
	AgencySlug string
	ContactID  int64 // the contact changed or left alone
	RoleTitle  string
	PersonName string
	// Changes are the fields a change row changes: Now is the contact as it is, Yours as the
	// sheet makes it.
	Changes []edit.Change

	agencyID int64
	version  int
	input    AdminContactInput
}

// ImportPlan is the dry run of an import: every row's action and every problem. Digest
// names the plan exactly (the rows, the contacts' versions, the mapping): confirming applies
// it only if the plan made again in the applying transaction has the same digest.
type ImportPlan struct {
	FileName             string
	Rows                 []PlannedRow
	Problems             []ImportProblem
	Added, Changed, Same int
	Digest               string
}

// OK reports whether the plan may be applied: no row has a problem.
func (p ImportPlan) OK() bool { return len(p.Problems) == 0 }

// PlanContactImport is the dry run of the upload named by token: nothing is changed.
func (s *Store) PlanContactImport(ctx context.Context, v access.Viewer, token string) (ImportPlan, error) {
	imp, err := loadContactImport(ctx, s.db, v, token, false)
	if err != nil {
		return ImportPlan{}, err
	}
	if imp.Mapping == nil {
		return ImportPlan{}, ErrImportUnmapped
	}
	return planImport(ctx, s.db, imp, false)
}

// ApplyContactImport applies the dry run whose digest the admin confirmed, in one
// transaction: each new contact through the admin form's create, each change through its
// update (so each is validated, version-checked and audited as the form's is), then the
// upload is removed. When the directory has changed since the dry run (a contact edited, an
// organisation archived), the plan made now differs: nothing is applied and the error is an
// *edit.ConflictError[ImportPlan] holding the new dry run. A plan with problems is
// ErrImportInvalid; an unmapped upload ErrImportUnmapped.
func (s *Store) ApplyContactImport(ctx context.Context, v access.Viewer, token, digest string) (ImportPlan, error) {
	if !v.IsAdmin() {
		return ImportPlan{}, edit.ErrNotFound
	}
	var plan ImportPlan
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		imp, err := loadContactImport(ctx, tx, v, token, true)
		if err != nil {
			return err
		}
		if imp.Mapping == nil {
			return ErrImportUnmapped
		}
		if plan, err = planImport(ctx, tx, imp, true); err != nil {
			return err
		}
		if plan.Digest != digest {
			return edit.Conflicted(plan)
		}
		if !plan.OK() {
			return ErrImportInvalid
		}
		for _, r := range plan.Rows {
			switch r.Action {
			case RowAdd:
				_, err = createContactAdmin(ctx, tx, v, r.agencyID, r.input)
			case RowChange:
				_, err = updateContactAdmin(ctx, tx, v, r.agencyID, r.ContactID, r.input, r.version)
			}
			if err != nil {
				return fmt.Errorf("directory: import row %d: %w", r.Line, err)
			}
		}
		_, err = tx.Exec(ctx, `DELETE FROM contact_imports WHERE token_hash = $1`, tokenHash(token))
		return wrapEdit("remove applied import", err)
	})
	return plan, err
}

// agencyRef is an organisation a row may name.
type agencyRef struct {
	id         int64
	name, slug string
	archived   bool
}

// folded is s as rows are matched: lower case, spaces made single.
func folded(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// planImport makes the dry run of imp with q (the pool, or the applying transaction, which
// locks the contacts it reads). How rows match:
//   - the organisation by its name (ignoring case and spacing) or its slug;
//   - the contact among that organisation's live contacts by its role; when several share
//     the role, by the person's name too. No match is a new contact.
//
// A matched contact keeps what the sheet leaves empty or has no column for.
func planImport(ctx context.Context, q postgres.Querier, imp ContactImport, lock bool) (ImportPlan, error) {
	plan := ImportPlan{FileName: imp.FileName}
	m := imp.Mapping
	cell := func(r sheet.Row, field string) string {
		c, ok := m[field]
		if !ok || c >= len(r.Cells) {
			return ""
		}
		return strings.TrimSpace(r.Cells[c])
	}
	column := func(field string) string {
		c, ok := m[field]
		if !ok || c >= len(imp.Header) {
			return ""
		}
		n := sheet.ColumnLetter(c)
		if h := imp.Header[c]; h != "" {
			n += " (" + h + ")"
		}
		return n
	}

	// The organisations the rows name.
	var names []string
	for _, r := range imp.Rows {
		if o := cell(r, "organisation"); o != "" {
			names = append(names, folded(o))
		}
	}
	rows, err := q.Query(ctx, `SELECT id, name, slug, archived_at IS NOT NULL FROM agencies
		WHERE lower(regexp_replace(btrim(name), '\s+', ' ', 'g')) = ANY($1) OR slug = ANY($1)`, names)
	if err != nil {
		return plan, wrapEdit("import organisations", err)
	}
	agencies, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (agencyRef, error) {
		var a agencyRef
		return a, r.Scan(&a.id, &a.name, &a.slug, &a.archived)
	})
	if err != nil {
		return plan, wrapEdit("import organisations", err)
	}
	byName, bySlug := map[string][]agencyRef{}, map[string]agencyRef{}
	var live []int64
	for _, a := range agencies {
		byName[folded(a.name)] = append(byName[folded(a.name)], a)
		bySlug[a.slug] = a
		if !a.archived {
			live = append(live, a.id)
		}
	}

	// Their live contacts, locked when applying so that none changes before the updates.
	if lock {
		rows, err := q.Query(ctx, `SELECT id FROM contacts WHERE agency_id = ANY($1) AND archived_at IS NULL ORDER BY id FOR UPDATE`, live)
		if err != nil {
			return plan, wrapEdit("lock import contacts", err)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return plan, wrapEdit("lock import contacts", err)
		}
	}
	existing, err := loadAdminContacts(ctx, q, `c.agency_id = ANY($1) AND c.archived_at IS NULL`, live)
	if err != nil {
		return plan, err
	}
	contacts := map[int64][]AdminContact{}
	for _, c := range existing {
		contacts[c.AgencyID] = append(contacts[c.AgencyID], c)
	}

	areas, err := currentAreas(ctx, q)
	if err != nil {
		return plan, err
	}
	form := AdminContactForm(areas)
	now := time.Now()
	seen := map[string]int{}
	for _, r := range imp.Rows {
		var problems []ImportProblem
		problem := func(field, msg string) {
			problems = append(problems, ImportProblem{Line: r.Line, Column: column(field), Message: msg})
		}
		row := PlannedRow{Line: r.Line, RoleTitle: cell(r, "role_title"), PersonName: cell(r, "person_name")}

		var agency *agencyRef
		switch org := cell(r, "organisation"); {
		case org == "":
			problem("organisation", "Enter the organisation")
		default:
			found := byName[folded(org)]
			if a, ok := bySlug[folded(org)]; ok && len(found) == 0 {
				found = []agencyRef{a}
			}
			switch {
			case len(found) == 0:
				problem("organisation", "No organisation called \u201c"+org+"\u201d is in the directory: use its name as the directory shows it, or add the organisation first")
			case len(found) > 1:
				problem("organisation", "More than one organisation is called \u201c"+org+"\u201d: use the last part of its page\u2019s address instead, such as "+found[0].slug)
			case found[0].archived:
				problem("organisation", "\u201c"+found[0].name+"\u201d is archived: restore it before importing its contacts")
			default:
				agency = &found[0]
				row.AgencyName, row.AgencySlug, row.agencyID = agency.name, agency.slug, agency.id
			}
		}

		// The contact the row is about, if it exists.
		var before *AdminContact
		if agency != nil && row.RoleTitle != "" {
			var same []AdminContact
			for _, c := range contacts[agency.id] {
				if folded(c.RoleTitle) == folded(row.RoleTitle) {
					same = append(same, c)
				}
			}
			if len(same) > 1 {
				var named []AdminContact
				for _, c := range same {
					if folded(c.PersonName) == folded(row.PersonName) {
						named = append(named, c)
					}
				}
				same = named
			}
			switch len(same) {
			case 0:
			case 1:
				before = &same[0]
			default:
				problem("role_title", fmt.Sprintf("%d contacts of %s have the role \u201c%s\u201d and this name: change one of them in the directory first, so the row says which it is",
					len(same), agency.name, row.RoleTitle))
			}
		}

		in := NewContactInput(now)
		in.Visibility = "staff" // a new contact is staff only unless the sheet says public
		if before != nil {
			in = before.AdminContactInput
			if in.ReviewDue == "" {
				in.ReviewDue = NewContactInput(now).ReviewDue
			}
		}
		if v := cell(r, "role_title"); v != "" {
			in.RoleTitle = v
		}
		if v := cell(r, "person_name"); v != "" {
			in.PersonName = v
		}
		if v := cell(r, "email"); v != "" {
			in.Email = v
		}
		if v := cell(r, "phone"); v != "" {
			in.Phones = importPhones(v, in.Phones)
		}
		if v := cell(r, "area"); v != "" {
			slugs, bad := importAreas(v, areas)
			for _, b := range bad {
				problem("area", "No area called \u201c"+b+"\u201d: use one of "+termNamesOf(termSlugs(areas), areas))
			}
			in.Areas = slugs
		}
		if v := cell(r, "visibility"); v != "" {
			if vis, ok := importVisibility(v); ok {
				in.Visibility = vis
			} else {
				problem("visibility", "Visibility must be public (everyone sees it) or staff (only signed-in staff do), not \u201c"+v+"\u201d")
			}
		}
		clean, errs := cleanAdminContact(in, now)
		for _, fe := range errs {
			problem(importFieldOf(fe.Field), fe.Message)
		}

		// Two rows about one contact would leave it as the later says: refused.
		key := fmt.Sprintf("new %d %s %s", row.agencyID, folded(clean.RoleTitle), folded(clean.PersonName))
		if before != nil {
			key = fmt.Sprintf("contact %d", before.ID)
		}
		if agency != nil {
			if first, dup := seen[key]; dup {
				problem("role_title", "Row "+strconv.Itoa(first)+" is about the same contact (the same organisation, role and name): keep one of the two rows")
			} else {
				seen[key] = r.Line
			}
		}

		row.input = clean
		switch {
		case len(problems) > 0:
			// In the order of the sheet's columns; the whole row's first.
			slices.SortStableFunc(problems, func(a, b ImportProblem) int {
				return cmp.Compare(columnOrder(a.Column), columnOrder(b.Column))
			})
			row.Action = RowInvalid
			plan.Problems = append(plan.Problems, problems...)
		case before == nil:
			row.Action = RowAdd
			plan.Added++
		default:
			row.ContactID, row.version = before.ID, before.Version
			if form.Same(clean, before.AdminContactInput) {
				row.Action = RowSame
				plan.Same++
			} else {
				row.Action = RowChange
				_, row.Changes = form.Merge(nil, before.AdminContactInput, clean)
				plan.Changed++
			}
		}
		plan.Rows = append(plan.Rows, row)
	}
	plan.Digest = planDigest(plan, m)
	return plan, nil
}

// planDigest names the plan: every row's action, target, version and values, and the mapping.
func planDigest(p ImportPlan, m ImportMapping) string {
	type entry struct {
		Line      int
		Action    string
		Agency    int64
		Contact   int64
		Version   int
		Input     AdminContactInput
		ReviewDue string
	}
	entries := make([]entry, len(p.Rows))
	for i, r := range p.Rows {
		entries[i] = entry{r.Line, r.Action, r.agencyID, r.ContactID, r.version, r.input, r.input.ReviewDue}
	}
	b, _ := json.Marshal(struct {
		Rows     []entry
		Mapping  ImportMapping
		Problems []ImportProblem
	}{entries, m, p.Problems})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
