package library

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"dadirectory/internal/abbrev"
	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// PageSize is how many resources a results page shows.
const PageSize = 20

const (
	maxQueryRunes = 200
	maxWords      = 12
	maxPage       = 1000
	maxValues     = 20
)

// Query is one search of the library, as the /resources form sends it: text, and filters by
// kind, topic and owner (slugs; several values of one filter mean any of them).
type Query struct {
	Text   string
	Kinds  []string
	Topics []string
	Owners []string
	Page   int
}

// InputError is a problem with what the person asked for, in words they can act on.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// IsEmpty reports whether the query asks for nothing in particular.
func (q Query) IsEmpty() bool {
	return q.Text == "" && len(q.Kinds)+len(q.Topics)+len(q.Owners) == 0
}

// ParseQuery reads a Query from the /resources form. Bad input gives an *InputError and the
// query as far as it could be read, so the page can show the form as the person filled it.
func ParseQuery(v url.Values) (Query, error) {
	q := Query{Page: 1}
	var firstErr error
	fail := func(field, msg string) {
		if firstErr == nil {
			firstErr = &InputError{Field: field, Message: msg}
		}
	}
	text := v.Get("q")
	switch {
	case !utf8.ValidString(text):
		fail("q", "Search text contains characters we cannot read. Type it again.")
		text = strings.ToValidUTF8(text, "")
	case utf8.RuneCountInString(text) > maxQueryRunes:
		fail("q", fmt.Sprintf("Search text must be %d characters or fewer.", maxQueryRunes))
		text = string([]rune(text)[:maxQueryRunes])
	}
	q.Text = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text))
	slugs := func(field, noun string) []string {
		var out []string
		seen := map[string]bool{}
		for _, s := range v[field] {
			if s == "" || seen[s] {
				continue
			}
			if !edit.ValidSlug(strings.ReplaceAll(s, "_", "-")) {
				fail(field, "Choose "+noun+" from the list.")
				continue
			}
			seen[s] = true
			out = append(out, s)
		}
		if len(out) > maxValues {
			fail(field, "Choose fewer of "+noun+".")
			out = out[:maxValues]
		}
		return out
	}
	for _, k := range slugs("kind", "a type of resource") {
		if !Kind(k).valid() {
			fail("kind", "Choose a type of resource from the list.")
			continue
		}
		q.Kinds = append(q.Kinds, k)
	}
	q.Topics = slugs("topic", "a topic")
	q.Owners = slugs("owner", "an organisation")
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxPage {
			fail("page", "That results page does not exist.")
		} else {
			q.Page = n
		}
	}
	return q, firstErr
}

// Values turns the query back into form values, for links to other pages of results.
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	for k, vals := range map[string][]string{"kind": q.Kinds, "topic": q.Topics, "owner": q.Owners} {
		if len(vals) > 0 {
			v[k] = vals
		}
	}
	return v
}

// PageURL is the /resources address of page n of these results.
func (q Query) PageURL(n int) string {
	v := q.Values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/resources"
	}
	return "/resources?" + v.Encode()
}

// Results is one page of a library search.
type Results struct {
	Query     Query
	Resources []Resource
	Total     int
	Pages     int
}

// UnknownFilterError names a filter value that matches no topic or organisation the viewer
// may see.
type UnknownFilterError struct{ Field, Value string }

func (e *UnknownFilterError) Error() string {
	return fmt.Sprintf("library: unknown %s %q", e.Field, e.Value)
}

// Search finds the resources matching q that viewer may see: title matches first, then by
// relevance, then by title. Archived resources are never listed, not even for admins (they
// have their own list).
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
	if ws := words(q.Text); len(ws) > 0 {
		tsq := "to_tsquery('english', " + arg(tsquery(ws)) + ")"
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
			return &UnknownFilterError{Field: f.field, Value: unknown}
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
	rows, err := s.db.Query(ctx, `SELECT DISTINCT o.slug, o.name`+resourceFrom+`
		WHERE r.archived_at IS NULL AND `+visibleResource+` AND o.id IS NOT NULL ORDER BY o.name, o.slug`,
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

// words folds search text the way fold_text folds the index: compatibility-normalised, lower
// case, apostrophes dropped; anything but letters and digits separates words.
func words(text string) []string {
	text = strings.ToLower(norm.NFKC.String(text))
	text = strings.NewReplacer("'", "", "’", "", "‘", "", "`", "").Replace(text)
	ws := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(ws) > maxWords {
		ws = ws[:maxWords]
	}
	return ws
}

// tsquery makes every word a prefix, all required: "dash check" finds "DASH checklist". An
// abbreviation also finds what it stands for: "dv" finds "domestic violence". Words hold only
// letters and digits (and the expansions are ours), so quoting them keeps the syntax safe.
func tsquery(ws []string) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		alts := []string{"'" + w + "':*"}
		for _, phrase := range abbrev.Expansions(w) {
			alts = append(alts, "('"+strings.Join(strings.Fields(phrase), "' & '")+"')")
		}
		parts[i] = "(" + strings.Join(alts, " | ") + ")"
	}
	return strings.Join(parts, " & ")
}
