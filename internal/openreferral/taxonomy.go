package openreferral

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// taxonomy is one of the directory's three ways of filing agencies.
type taxonomy struct {
	kind        string // the attribute's link_type: "area", "category", "audience"
	table, join string // the terms' table and the agencies' join table
	column      string // the join table's column naming the term
	Taxonomy
}

// taxonomies are the directory's taxonomies, in the order they are listed.
var taxonomies = []taxonomy{
	{"area", "areas", "agency_areas", "area_id", Taxonomy{ID: AreasID, Name: "Areas",
		Description: "The areas of the council a service covers."}},
	{"category", "categories", "agency_categories", "category_id", Taxonomy{ID: CategoriesID, Name: "Types of support",
		Description: "The kinds of support a service gives, such as refuge and accommodation, outreach or legal help."}},
	{"audience", "audiences", "agency_audiences", "audience_id", Taxonomy{ID: AudiencesID, Name: "Who the service is for",
		Description: "The groups of people a service is for, such as women, men, LGBT+ people or children and young people."}},
}

// taxonomyByID is the taxonomy with this id, if any.
func taxonomyByID(id string) (taxonomy, bool) {
	for _, t := range taxonomies {
		if strings.EqualFold(t.ID, id) {
			return t, true
		}
	}
	return taxonomy{}, false
}

func taxonomyByKind(kind string) taxonomy {
	for _, t := range taxonomies {
		if t.kind == kind {
			return t
		}
	}
	panic("openreferral: no taxonomy " + kind)
}

// Taxonomies lists the taxonomies.
func Taxonomies() []Taxonomy {
	out := make([]Taxonomy, len(taxonomies))
	for i, t := range taxonomies {
		out[i] = t.Taxonomy
	}
	return out
}

// term is a published taxonomy term and the taxonomy it belongs to.
type term struct {
	kind string
	slug string
	TaxonomyTerm
}

// termSQL lists the current (not retired) terms of every taxonomy, in the admin's order.
func termSQL() string {
	var parts []string
	for i, t := range taxonomies {
		parts = append(parts, fmt.Sprintf(`SELECT %d AS n, '%s' AS kind, uuid::text, slug, name, sort_order FROM %s WHERE retired_at IS NULL`,
			i, t.kind, t.table))
	}
	return `SELECT kind, uuid, slug, name FROM (` + strings.Join(parts, " UNION ALL ") + `) t ORDER BY n, sort_order, name, slug`
}

// Terms lists the published terms of every taxonomy (taxonomyID "" for all) as HSDS terms.
func (s *Store) terms(ctx context.Context) ([]term, error) {
	rows, err := s.db.Query(ctx, termSQL())
	if err != nil {
		return nil, fmt.Errorf("openreferral: terms: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (term, error) {
		var t term
		err := r.Scan(&t.kind, &t.ID, &t.slug, &t.Name)
		tx := taxonomyByKind(t.kind)
		t.Code, t.Taxonomy, t.TaxonomyID = t.slug, tx.Name, tx.ID
		t.Description = tx.Name + ": " + t.Name
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("openreferral: terms: %w", err)
	}
	return out, nil
}

// TaxonomyTerms lists the published terms, of one taxonomy when taxonomyID is not "".
func (s *Store) TaxonomyTerms(ctx context.Context, taxonomyID string) ([]TaxonomyTerm, error) {
	ts, err := s.terms(ctx)
	if err != nil {
		return nil, err
	}
	out := []TaxonomyTerm{}
	for _, t := range ts {
		if taxonomyID == "" || strings.EqualFold(t.TaxonomyID, taxonomyID) {
			out = append(out, t.TaxonomyTerm)
		}
	}
	return out, nil
}
