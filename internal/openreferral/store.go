package openreferral

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/searchform"
)

// Store reads the public directory as HSDS objects.
type Store struct {
	db   *pgxpool.Pool
	dir  *directory.Store
	base *url.URL // the site's address, for organisations' uri
}

// NewStore reads from db; searches go to dir, the site's own search.
func NewStore(db *pgxpool.Pool, dir *directory.Store, base *url.URL) *Store {
	return &Store{db: db, dir: dir, base: base}
}

// public is the visitor whose view is published: anonymous.
var public = access.Viewer{}

// lastModifiedSQL is when agency a or any of its contacts last changed: a service's
// last_modified. Every contact counts, staff-only and archived ones too, so that a contact
// leaving the public view moves it; only the time is published, never the contact.
const lastModifiedSQL = `greatest(a.updated_at, (SELECT max(c.updated_at) FROM contacts c WHERE c.agency_id = a.id))`

// Filter is what a list of services (or organisations) is narrowed by.
type Filter struct {
	Search         string    // the site's search
	TaxonomyTermID string    // services with this term
	TaxonomyID     string    // services with any term of this taxonomy
	OrganizationID string    // the services of this organisation
	ModifiedAfter  time.Time // services changed at or after this (zero: any)
}

// resolved is a Filter with its ids looked up: the term's taxonomy and slug.
type resolved struct {
	Filter
	term    *term
	tax     *taxonomy
	nothing bool // an id that names nothing published: no service matches
}

func (s *Store) resolve(ctx context.Context, f Filter) (resolved, error) {
	r := resolved{Filter: f}
	if f.TaxonomyID != "" {
		t, ok := taxonomyByID(f.TaxonomyID)
		if !ok {
			r.nothing = true
			return r, nil
		}
		r.tax = &t
	}
	if f.TaxonomyTermID != "" {
		ts, err := s.terms(ctx)
		if err != nil {
			return r, err
		}
		i := slices.IndexFunc(ts, func(t term) bool { return strings.EqualFold(t.ID, f.TaxonomyTermID) })
		if i < 0 || (r.tax != nil && r.tax.kind != ts[i].kind) {
			r.nothing = true
			return r, nil
		}
		r.term = &ts[i]
	}
	return r, nil
}

// where is the SQL condition on agency a for everything but the search, with its arguments
// numbered from $n.
func (r resolved) where(n int) (string, []any) {
	conds := []string{directory.PublicAgency}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", n+len(args)-1)
	}
	if r.term != nil {
		t := taxonomyByKind(r.term.kind)
		conds = append(conds, `EXISTS (SELECT 1 FROM `+t.join+` j JOIN `+t.table+` t ON t.id = j.`+t.column+
			` WHERE j.agency_id = a.id AND t.uuid = `+arg(r.term.ID)+`::uuid)`)
	}
	if r.tax != nil {
		conds = append(conds, `EXISTS (SELECT 1 FROM `+r.tax.join+` j JOIN `+r.tax.table+` t ON t.id = j.`+r.tax.column+
			` WHERE j.agency_id = a.id AND t.retired_at IS NULL)`)
	}
	if r.OrganizationID != "" {
		conds = append(conds, `a.uuid = `+arg(r.OrganizationID)+`::uuid`)
	}
	if !r.ModifiedAfter.IsZero() {
		conds = append(conds, lastModifiedSQL+` >= `+arg(r.ModifiedAfter))
	}
	return strings.Join(conds, " AND "), args
}

// sqlOnly reports whether the filter narrows beyond what the search index knows.
func (r resolved) sqlOnly() bool { return r.OrganizationID != "" || !r.ModifiedAfter.IsZero() }

// query is the search as the site's search form would put it: the text, and the term filters
// as the index's filters.
func (r resolved) query(ctx context.Context, s *Store) (directory.Query, error) {
	q := directory.Query{Text: r.Search}
	add := func(kind, slug string) {
		switch kind {
		case "area":
			q.Areas = append(q.Areas, slug)
		case "category":
			q.Categories = append(q.Categories, slug)
		case "audience":
			q.Audiences = append(q.Audiences, slug)
		}
	}
	if r.term != nil {
		add(r.term.kind, r.term.slug)
	}
	if r.tax != nil {
		ts, err := s.terms(ctx)
		if err != nil {
			return q, err
		}
		for _, t := range ts {
			if t.kind == r.tax.kind {
				add(t.kind, t.slug)
			}
		}
		if q.Areas == nil && q.Categories == nil && q.Audiences == nil {
			return q, errNothing
		}
	}
	return q, nil
}

var errNothing = errors.New("nothing matches")

// List is page n (from 1) of per agencies matching f, as ids in order, and how many match in
// all: in the site's search order, which without a search is name order.
func (s *Store) List(ctx context.Context, f Filter, n, per int) ([]int64, int, error) {
	r, err := s.resolve(ctx, f)
	if err != nil || r.nothing {
		return nil, 0, err
	}
	skip := (n - 1) * per
	// Without a search, a filter on an organisation or a date is SQL's; every other list is
	// the index's (everything in name order is its empty search), which answers a page of
	// 100,000 in microseconds where sorting them in SQL took most of a second.
	if r.Search == "" && r.sqlOnly() {
		cond, args := r.where(1)
		var total int
		if err := s.db.QueryRow(ctx, `SELECT count(*) FROM agencies a WHERE `+cond, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("openreferral: count: %w", err)
		}
		if skip >= total {
			return nil, total, nil
		}
		ids, err := s.ids(ctx, `SELECT a.id FROM agencies a WHERE `+cond+
			fmt.Sprintf(` ORDER BY fold_text(a.name), a.name, a.id LIMIT %d OFFSET %d`, per, skip), args...)
		return ids, total, err
	}
	q, err := r.query(ctx, s)
	if err != nil {
		return nil, 0, ignoreNothing(err)
	}
	if !r.sqlOnly() {
		ids, total, err := s.dir.Matches(ctx, public, q, skip, per)
		return ids, total, ignoreNothing(err)
	}
	all, _, err := s.dir.Matches(ctx, public, q, 0, -1)
	if err != nil {
		return nil, 0, ignoreNothing(err)
	}
	if all, err = s.narrow(ctx, r, all); err != nil {
		return nil, 0, err
	}
	if skip >= len(all) {
		return nil, len(all), nil
	}
	return all[skip:min(skip+per, len(all))], len(all), nil
}

// ignoreNothing turns a search that cannot match (a term the index does not file) into an
// empty answer.
func ignoreNothing(err error) error {
	var unknown *searchform.UnknownFilterError
	if errors.Is(err, errNothing) || errors.As(err, &unknown) {
		return nil
	}
	return err
}

// narrow keeps those of ids (in their order) that pass r's SQL conditions.
func (s *Store) narrow(ctx context.Context, r resolved, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return ids, nil
	}
	cond, args := r.where(2)
	pass, err := s.ids(ctx, `SELECT a.id FROM agencies a WHERE a.id = ANY($1) AND `+cond, append([]any{ids}, args...)...)
	if err != nil {
		return nil, err
	}
	keep := make(map[int64]bool, len(pass))
	for _, id := range pass {
		keep[id] = true
	}
	return slices.DeleteFunc(ids, func(id int64) bool { return !keep[id] }), nil
}

func (s *Store) ids(ctx context.Context, sql string, args ...any) ([]int64, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("openreferral: list: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("openreferral: list: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("openreferral: list: %w", err)
	}
	return out, nil
}

// batchSize is how many agencies Each reads at a time.
const batchSize = 250

// Each calls fn with every agency matching f, batchSize ids at a time: in id order without a
// search (read a batch at a time, so memory stays the same however many there are), in the
// search's order with one.
func (s *Store) Each(ctx context.Context, f Filter, fn func(ids []int64) error) error {
	r, err := s.resolve(ctx, f)
	if err != nil || r.nothing {
		return err
	}
	if r.Search == "" {
		cond, args := r.where(2)
		after := int64(0)
		for {
			ids, err := s.ids(ctx, `SELECT a.id FROM agencies a WHERE a.id > $1 AND `+cond+
				fmt.Sprintf(` ORDER BY a.id LIMIT %d`, batchSize), append([]any{after}, args...)...)
			if err != nil || len(ids) == 0 {
				return err
			}
			if err := fn(ids); err != nil {
				return err
			}
			after = ids[len(ids)-1]
		}
	}
	q, err := r.query(ctx, s)
	if err != nil {
		return ignoreNothing(err)
	}
	all, _, err := s.dir.Matches(ctx, public, q, 0, -1)
	if err != nil {
		return ignoreNothing(err)
	}
	for len(all) > 0 {
		batch := all[:min(batchSize, len(all))]
		all = all[len(batch):]
		if r.sqlOnly() {
			if batch, err = s.narrow(ctx, r, slices.Clone(batch)); err != nil {
				return err
			}
		}
		if len(batch) == 0 {
			continue
		}
		if err := fn(batch); err != nil {
			return err
		}
	}
	return nil
}

// ServiceByID is the id of the published agency whose service has this UUID, or false.
func (s *Store) ServiceByID(ctx context.Context, id string) (int64, bool, error) {
	return s.agencyBy(ctx, "service_uuid", id)
}

// OrganizationByID is the id of the published agency that is this organisation, or false.
func (s *Store) OrganizationByID(ctx context.Context, id string) (int64, bool, error) {
	return s.agencyBy(ctx, "uuid", id)
}

func (s *Store) agencyBy(ctx context.Context, column, id string) (int64, bool, error) {
	if !ValidUUID(id) {
		return 0, false, nil
	}
	ids, err := s.ids(ctx, `SELECT a.id FROM agencies a WHERE a.`+column+` = $1::uuid AND `+directory.PublicAgency, id)
	if err != nil || len(ids) == 0 {
		return 0, false, err
	}
	return ids[0], true, nil
}

// LastModified is when anything the open data shows last changed: the latest change to any
// agency, contact or taxonomy term, published or not (an agency or contact leaving the public
// view changes the lists).
func (s *Store) LastModified(ctx context.Context) (time.Time, error) {
	var t *time.Time
	err := s.db.QueryRow(ctx, `SELECT greatest((SELECT max(updated_at) FROM agencies), (SELECT max(updated_at) FROM contacts),
		(SELECT max(updated_at) FROM areas), (SELECT max(updated_at) FROM categories), (SELECT max(updated_at) FROM audiences))`).Scan(&t)
	if err != nil {
		return time.Time{}, fmt.Errorf("openreferral: last modified: %w", err)
	}
	if t == nil {
		return time.Unix(0, 0).UTC(), nil
	}
	return t.UTC(), nil
}
