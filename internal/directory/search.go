package directory

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"dadirectory/internal/access"
)

// Results is one page of a directory search.
type Results struct {
	Query    Query
	Agencies []AgencySummary
	Total    int // matches over all pages
	Pages    int
}

// UnknownFilterError names a filter value that is not in the taxonomy.
type UnknownFilterError struct{ Field, Value string }

func (e *UnknownFilterError) Error() string {
	return fmt.Sprintf("directory: unknown %s %q", e.Field, e.Value)
}

// Search finds the agencies matching q that viewer may see, name matches first, then by
// relevance, then by name. It is the one seam handlers use, so its implementation can change
// (for example to an in-process index) without touching them.
func (s *Store) Search(ctx context.Context, viewer access.Viewer, q Query) (Results, error) {
	if err := s.checkFilters(ctx, q); err != nil {
		return Results{Query: q}, err
	}
	args := []any{viewer.IsStaff()}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{visibleAgency}
	order := "a.name, a.id"
	if ws := words(q.Text); len(ws) > 0 {
		byFirst, all, err := s.vocab.get(ctx, s.db)
		if err != nil {
			return Results{Query: q}, err
		}
		tsq := "to_tsquery('english', " + arg(tsquery(ws, byFirst, all)) + ")"
		fuzzy := arg(folded(q.Text)) + " <% fold_text(a.name)" // pg_trgm word similarity, indexed
		// A query of only stop words ("the") becomes an empty tsquery: it then matches
		// everything rather than nothing.
		where = append(where, "(numnode("+tsq+") = 0 OR a.search_vector @@ "+tsq+" OR "+fuzzy+")")
		nameHit := "(to_tsvector('english', fold_text(a.name)) @@ " + tsq + " OR " + fuzzy + ")"
		order = nameHit + " DESC, ts_rank(a.search_vector, " + tsq + ") DESC, " + order
	}
	for _, f := range []struct {
		slugs       []string
		join, table string
		col         string
	}{
		{q.Areas, "agency_areas", "areas", "area_id"},
		{q.Categories, "agency_categories", "categories", "category_id"},
		{q.Audiences, "agency_audiences", "audiences", "audience_id"},
	} {
		if len(f.slugs) > 0 {
			where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM %s j JOIN %s t ON t.id = j.%s
				WHERE j.agency_id = a.id AND t.slug = ANY(%s))`, f.join, f.table, f.col, arg(f.slugs)))
		}
	}
	if len(q.Kinds) > 0 {
		where = append(where, "a.kind = ANY("+arg(q.Kinds)+")")
	}
	if q.Open24 {
		where = append(where, "a.open_24h")
	}
	cond := strings.Join(where, "\n  AND ")

	res := Results{Query: q}
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM agencies a WHERE "+cond, args...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("directory: count search: %w", err)
	}
	res.Pages = (res.Total + PageSize - 1) / PageSize
	if res.Total == 0 || q.Page > res.Pages {
		return res, nil
	}
	sql := `SELECT a.slug, a.name, a.kind, a.summary, a.phone, a.open_24h, a.visibility = 'staff',
	       ARRAY(SELECT t.name FROM agency_areas j JOIN areas t ON t.id = j.area_id
	             WHERE j.agency_id = a.id ORDER BY t.sort_order, t.name)
	FROM agencies a
	WHERE ` + cond + `
	ORDER BY ` + order + `
	LIMIT ` + strconv.Itoa(PageSize) + ` OFFSET ` + strconv.Itoa((q.Page-1)*PageSize)
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return res, fmt.Errorf("directory: search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a AgencySummary
		if err := rows.Scan(&a.Slug, &a.Name, &a.Kind, &a.Summary, &a.Phone, &a.Open24h, &a.StaffOnly, &a.Areas); err != nil {
			return res, fmt.Errorf("directory: search: %w", err)
		}
		res.Agencies = append(res.Agencies, a)
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("directory: search: %w", err)
	}
	return res, nil
}

// checkFilters refuses filter values that name no current taxonomy term, so a mistyped link
// gets a clear message instead of silently empty results.
func (s *Store) checkFilters(ctx context.Context, q Query) error {
	for _, f := range []struct {
		field, table string
		slugs        []string
	}{{"area", "areas", q.Areas}, {"category", "categories", q.Categories}, {"audience", "audiences", q.Audiences}} {
		if len(f.slugs) == 0 {
			continue
		}
		var unknown *string
		err := s.db.QueryRow(ctx, `SELECT s FROM unnest($1::text[]) s
			WHERE NOT EXISTS (SELECT 1 FROM `+f.table+` t WHERE t.slug = s AND t.retired_at IS NULL) LIMIT 1`, f.slugs).Scan(&unknown)
		if err == nil && unknown != nil {
			return &UnknownFilterError{Field: f.field, Value: *unknown}
		}
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("directory: check %s filter: %w", f.field, err)
		}
	}
	return nil
}
