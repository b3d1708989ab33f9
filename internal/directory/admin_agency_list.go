package directory

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// The admin's list of agencies, archived ones included.

// AdminPageSize is how many agencies a page of the admin's list shows.
const AdminPageSize = 50

// AdminAgencyFilter is what the admin's list is narrowed by, as its form sends it.
type AdminAgencyFilter struct {
	Text       string
	Kind       string // "" for any
	Status     string // "live" (the default), "archived" or "all"
	Visibility string // "" for any, "public" or "staff"
	Overdue    bool
	Page       int
}

// ParseAdminAgencyFilter reads the list's form. Values it cannot use give field errors and
// the filter as far as it could be read, so the page can show the form as typed.
func ParseAdminAgencyFilter(v url.Values) (AdminAgencyFilter, validate.Errors) {
	var e validate.Errors
	f := AdminAgencyFilter{Status: "live", Page: 1}
	f.Text = e.Text("q", "Search text", v.Get("q"), false, 200, false)
	if k := v.Get("kind"); k != "" {
		f.Kind = e.OneOf("kind", "a kind of organisation from the list", k, KindValues()...)
	}
	if st := v.Get("status"); st != "" {
		f.Status = e.OneOf("status", "live, archived or all", st, "live", "archived", "all")
	}
	if vis := v.Get("visibility"); vis != "" {
		f.Visibility = e.OneOf("visibility", "who can see them from the list", vis, "public", "staff")
	}
	switch v.Get("overdue") {
	case "", "0":
	case "1":
		f.Overdue = true
	default:
		e.Add("overdue", "Choose whether to show only entries overdue for review")
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 10000 {
			e.Add("page", "That page of the list does not exist")
		} else {
			f.Page = n
		}
	}
	return f, e
}

// Values is the filter as the form's values, for links to other pages.
func (f AdminAgencyFilter) Values() url.Values {
	v := url.Values{}
	if f.Text != "" {
		v.Set("q", f.Text)
	}
	if f.Kind != "" {
		v.Set("kind", f.Kind)
	}
	if f.Status != "" && f.Status != "live" {
		v.Set("status", f.Status)
	}
	if f.Visibility != "" {
		v.Set("visibility", f.Visibility)
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	return v
}

// PageURL is the address of page n of the list.
func (f AdminAgencyFilter) PageURL(n int) string {
	v := f.Values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/admin/agencies"
	}
	return "/admin/agencies?" + v.Encode()
}

// AdminAgencyRow is one agency in the admin's list.
type AdminAgencyRow struct {
	Slug       string
	Name       string
	Kind       Kind
	StaffOnly  bool
	ArchivedAt *time.Time
	ReviewDue  *time.Time // a date
	Overdue    bool
	Contacts   int // live contacts
	UpdatedAt  time.Time
}

// AdminAgencyList is one page of the admin's list.
type AdminAgencyList struct {
	Filter AdminAgencyFilter
	Rows   []AdminAgencyRow
	Total  int
	Pages  int
}

// AdminAgencies lists the agencies matching f for an admin, by name. Anyone else gets
// edit.ErrNotFound.
func (s *Store) AdminAgencies(ctx context.Context, v access.Viewer, f AdminAgencyFilter) (AdminAgencyList, error) {
	out := AdminAgencyList{Filter: f}
	if !v.IsAdmin() {
		return out, edit.ErrNotFound
	}
	// Every condition is always present and switched off by its argument, so the SQL is one
	// fixed string.
	const where = `($1::text = '' OR fold_text(a.name) LIKE $1 OR a.slug LIKE $1)
		AND ($2::text = '' OR a.kind = $2)
		AND ($3::text = 'all' OR ($3 = 'archived') = (a.archived_at IS NOT NULL))
		AND ($4::text = '' OR a.visibility = $4)
		AND (NOT $5::bool OR (a.archived_at IS NULL AND a.review_due < ` + todaySQL + `))`
	args := []any{likePattern(f.Text), f.Kind, f.Status, f.Visibility, f.Overdue}
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM agencies a WHERE `+where, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("directory: count admin agencies: %w", err)
	}
	out.Pages = (out.Total + AdminPageSize - 1) / AdminPageSize
	if out.Total == 0 || f.Page > out.Pages {
		return out, nil
	}
	rows, err := s.db.Query(ctx, `SELECT a.slug, a.name, a.kind, a.visibility = 'staff', a.archived_at, a.review_due,
			coalesce(a.archived_at IS NULL AND a.review_due < `+todaySQL+`, false),
			(SELECT count(*) FROM contacts c WHERE c.agency_id = a.id AND c.archived_at IS NULL), a.updated_at
		FROM agencies a WHERE `+where+`
		ORDER BY lower(a.name), a.name, a.id LIMIT `+strconv.Itoa(AdminPageSize)+` OFFSET `+strconv.Itoa((f.Page-1)*AdminPageSize), args...)
	if err != nil {
		return out, fmt.Errorf("directory: admin agencies: %w", err)
	}
	out.Rows, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (AdminAgencyRow, error) {
		var r AdminAgencyRow
		err := row.Scan(&r.Slug, &r.Name, &r.Kind, &r.StaffOnly, &r.ArchivedAt, &r.ReviewDue, &r.Overdue, &r.Contacts, &r.UpdatedAt)
		return r, err
	})
	if err != nil {
		return out, fmt.Errorf("directory: admin agencies: %w", err)
	}
	return out, nil
}

// likePattern is a LIKE pattern finding text anywhere in a folded name (see fold_text), with
// the pattern's own special characters escaped; "" for no text.
func likePattern(text string) string {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return ""
	}
	text = strings.NewReplacer(`'`, "", "’", "", "‘", "", "`", "").Replace(text)
	text = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text)
	return "%" + text + "%"
}
