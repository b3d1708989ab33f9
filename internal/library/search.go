package library

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/searchform"
	"dadirectory/internal/vocab"
)

// PageSize is how many resources a results page shows.
const PageSize = 20

// Query is one search of the library, as the /resources form sends it: text, and filters by
// kind, topic and owner (slugs; several values of one filter mean any of them).
type Query struct {
	Text   string
	Kinds  []string
	Topics []string
	Owners []string
	Page   int
}

// IsEmpty reports whether the query asks for nothing in particular.
func (q Query) IsEmpty() bool {
	return q.Text == "" && len(q.Kinds)+len(q.Topics)+len(q.Owners) == 0
}

// The messages of the filters: a value not on the list, and more values than a form offers.
var (
	topicMessages = searchform.Messages{NotListed: "Choose a topic from the list.", TooMany: "Choose fewer topics."}
	ownerMessages = searchform.Messages{NotListed: "Choose an organisation from the list.", TooMany: "Choose fewer organisations."}
)

// ParseQuery reads a Query from the /resources form. Bad input gives a
// *searchform.InputError and the query as far as it could be read, so the page can show the
// form as the person filled it.
func ParseQuery(v url.Values) (Query, error) {
	f := searchform.Read(v)
	q := Query{Text: f.Text()}
	q.Kinds = f.Choices("kind", func(k string) bool { return Kind(k).valid() }, "Choose a type of resource from the list.")
	q.Topics = f.Slugs("topic", topicMessages)
	q.Owners = f.Slugs("owner", ownerMessages)
	q.Page = f.Page()
	return q, f.Err()
}

// PageURL is the /resources address of page n of these results.
func (q Query) PageURL(n int) string {
	return searchform.PageURL("/resources", n, q.Text, searchform.Field{Name: "kind", Values: q.Kinds},
		searchform.Field{Name: "topic", Values: q.Topics}, searchform.Field{Name: "owner", Values: q.Owners})
}

// Results is one page of a library search.
type Results struct {
	Query     Query
	Resources []Resource
	Total     int
	Pages     int
}

// PastLastPage reports whether the page asked for comes after the last page of results.
func (r Results) PastLastPage() bool { return r.Total > 0 && r.Query.Page > r.Pages }

// Search finds the resources matching q that viewer may see: title matches first, then by
// relevance, then by title. Archived resources are never listed, not even for admins (they
// have their own list). A topic that does not exist, or an owner that is no organisation the
// viewer may see, gives a *searchform.UnknownFilterError.
func (s *Store) Search(ctx context.Context, v access.Viewer, q Query) (Results, error) {
	res := Results{Query: q}
	if err := s.checkFilters(ctx, v, q); err != nil {
		return res, err
	}
	args := viewerArgs(v)
	arg := func(x any) string {
		args = append(args, x)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"r.archived_at IS NULL", visibleResource}
	order := "r.title, r.id"
	if ws := searchform.Words(q.Text); len(ws) > 0 {
		words, err := vocab.Load(ctx, s.db)
		if err != nil {
			return res, err
		}
		tsq := "to_tsquery('english', " + arg(tsquery(ws, words)) + ")"
		fuzzy := arg(strings.Join(ws, " ")) + " <% fold_text(r.title)" // pg_trgm word similarity, for typos
		// A query of only stop words ("the") becomes an empty tsquery: it matches everything.
		where = append(where, "(numnode("+tsq+") = 0 OR r.search_vector @@ "+tsq+" OR "+fuzzy+")")
		titleHit := "(to_tsvector('english', fold_text(r.title)) @@ " + tsq + " OR " + fuzzy + ")"
		order = titleHit + " DESC, ts_rank(r.search_vector, " + tsq + ") DESC, " + order
	}
	if len(q.Kinds) > 0 {
		where = append(where, "r.kind = ANY("+arg(q.Kinds)+")")
	}
	if len(q.Topics) > 0 {
		where = append(where, `EXISTS (SELECT 1 FROM resource_topics j JOIN topics t ON t.id = j.topic_id
			WHERE j.resource_id = r.id AND t.slug = ANY(`+arg(q.Topics)+`))`)
	}
	if len(q.Owners) > 0 {
		// o is joined only when visible to the viewer, so this never matches a hidden owner.
		where = append(where, "o.slug = ANY("+arg(q.Owners)+")")
	}
	cond := strings.Join(where, "\n  AND ")
	if err := s.db.QueryRow(ctx, "SELECT count(*)"+resourceFrom+" WHERE "+cond, args...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("library: count search: %w", err)
	}
	res.Pages = (res.Total + PageSize - 1) / PageSize
	if res.Total == 0 || q.Page > res.Pages {
		return res, nil
	}
	rows, err := s.db.Query(ctx, "SELECT "+resourceColumns+resourceFrom+" WHERE "+cond+" ORDER BY "+order+
		" LIMIT "+strconv.Itoa(PageSize)+" OFFSET "+strconv.Itoa((q.Page-1)*PageSize), args...)
	if err != nil {
		return res, fmt.Errorf("library: search: %w", err)
	}
	res.Resources, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Resource, error) { return scanResource(row) })
	if err != nil {
		return res, fmt.Errorf("library: search: %w", err)
	}
	return res, nil
}

// checkFilters refuses a topic that does not exist, or an owner that is no organisation the
// viewer may see, so a mistyped link gets a clear message instead of empty results.
func (s *Store) checkFilters(ctx context.Context, v access.Viewer, q Query) error {
	for _, f := range []struct {
		field, sql string
		slugs      []string
	}{
		{"topic", `SELECT s FROM unnest($1::text[]) s WHERE NOT EXISTS (SELECT 1 FROM topics t WHERE t.slug = s) LIMIT 1`, q.Topics},
		{"owner", `SELECT s FROM unnest($1::text[]) s WHERE NOT EXISTS (SELECT 1 FROM agencies a WHERE a.slug = s
			AND a.archived_at IS NULL AND (a.visibility = 'public' OR $2::bool)) LIMIT 1`, q.Owners},
	} {
		if len(f.slugs) == 0 {
			continue
		}
		var unknown string
		args := []any{f.slugs}
		if f.field == "owner" {
			args = append(args, v.IsStaff())
		}
		err := s.db.QueryRow(ctx, f.sql, args...).Scan(&unknown)
		if err == nil {
			return &searchform.UnknownFilterError{Field: f.field, Value: unknown}
		}
		if err != pgx.ErrNoRows {
			return fmt.Errorf("library: check %s filter: %w", f.field, err)
		}
	}
	return nil
}

// Facets are the choices the filter form offers this viewer.
type Facets struct {
	Topics []Topic
	Owners []Owner // organisations the viewer may see that keep a resource the viewer may see
}

// Facets returns the filter choices for viewer.
func (s *Store) Facets(ctx context.Context, v access.Viewer) (Facets, error) {
	var f Facets
	var err error
	if f.Topics, err = s.Topics(ctx); err != nil {
		return f, err
	}
	rows, err := s.db.Query(ctx, `SELECT slug, name FROM (SELECT DISTINCT o.slug, o.name`+resourceFrom+`
		WHERE r.archived_at IS NULL AND `+visibleResource+` AND o.id IS NOT NULL) owners ORDER BY lower(name), slug`,
		v.IsStaff(), false)
	if err != nil {
		return f, fmt.Errorf("library: owners facet: %w", err)
	}
	f.Owners, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Owner, error) {
		var o Owner
		err := row.Scan(&o.Slug, &o.Name)
		return o, err
	})
	if err != nil {
		return f, fmt.Errorf("library: owners facet: %w", err)
	}
	return f, nil
}

// tsquery makes every word a prefix, all required: "dash check" finds "DASH checklist". A word
// that is a synonym also finds the rest of its set (internal/vocab): "dv" finds "domestic
// violence". Words and expansions hold only letters and digits, so quoting them keeps the
// syntax safe.
func tsquery(ws []string, words vocab.Vocabulary) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		alts := []string{"'" + w + "':*"}
		for _, phrase := range words.Expansions(w) {
			alts = append(alts, "('"+strings.Join(phrase, "' & '")+"')")
		}
		parts[i] = "(" + strings.Join(alts, " | ") + ")"
	}
	return strings.Join(parts, " & ")
}
