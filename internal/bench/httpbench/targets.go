package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/seed"
)

// client fetches exactly the bytes wrk gets: no Accept-Encoding (so no gzip) and no redirects
// followed (a redirect is not the page the row claims to measure).
var client = &http.Client{
	Transport:     &http.Transport{DisableCompression: true},
	Timeout:       2 * time.Minute, // a search without the index can take seconds at 100k
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// target is one row of the report: a class of page, asked at many distinct paths.
type target struct {
	Name string // the class, as issue 6 names it
	Path string // the first of Paths, for the table

	// Paths are the distinct pages wrk asks in turn (BENCH_PATHS of them, 200 by default):
	// a cache that held one page would say nothing about a directory people search in many
	// ways. Files are the same bytes as static files for nginx, in the same order.
	Paths  []string
	Files  []string
	Bodies [][]byte
	Body   []byte // the first page, for the table

	MinRatio float64       // of nginx's requests/s; 0: no goal (shown for information)
	MaxP99   time.Duration // 0: no goal

	candidates []string // paths to try, in order; those not answering 200 are passed over
	want       int
}

// fillBenchDB is what the Go benchmarks load too (internal/directory and internal/server
// benchDB), so both share one kept database per N.
func fillBenchDB(n int) func(ctx context.Context, db *pgxpool.Pool) error {
	return func(ctx context.Context, db *pgxpool.Pool) error {
		if _, err := seed.Demo(ctx, db); err != nil {
			return err
		}
		c, err := seed.Synthetic(ctx, db, n, seed.SyntheticOptions{})
		fmt.Fprintf(os.Stderr, "httpbench: loaded %d synthetic agencies, %d contacts in %s\n", c.Agencies, c.Contacts, c.Took)
		return err
	}
}

// broadWords are words in thousands of synthetic agencies (seed/synthetic.go's lists).
var broadWords = []string{"support", "housing", "advice", "service", "team", "community", "family", "health", "help", "women"}

// pickTargets chooses real values from the database for each class, perPath distinct paths
// of each (more candidates where some may find nothing): the narrow class searches for
// synthetic agencies' names (the first is the Go benchmarks' agency n/2), filters combine an
// area with a category, the empty search pages through everything, and agency pages are
// public synthetic agencies with 3 public contacts or more (as in BenchmarkAgencyPage).
func pickTargets(ctx context.Context, dbURL string, n, perClass int) ([]target, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	column := func(sql string, args ...any) ([]string, error) {
		rows, err := conn.Query(ctx, sql, args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[string])
	}
	search := func(name string, queries ...url.Values) target {
		t := target{Name: name, MinRatio: 0.30, MaxP99: 25 * time.Millisecond, want: perClass}
		for _, q := range queries {
			p := "/directory"
			if len(q) > 0 {
				p += "?" + q.Encode()
			}
			t.candidates = append(t.candidates, p)
		}
		return t
	}
	var targets []target

	var broad []url.Values
	for page := 1; len(broad) < 2*perClass; page++ {
		for _, w := range broadWords {
			broad = append(broad, pageOf(url.Values{"q": {w}}, page))
		}
	}
	targets = append(targets, search("broad", broad...))

	names, err := column(`SELECT a.name FROM agencies a
		WHERE a.slug LIKE 'synthetic-' || $1 || '-%'
		UNION ALL (SELECT a.name FROM agencies a WHERE starts_with(a.slug, 'synthetic-')
		  AND a.visibility = 'public' AND a.archived_at IS NULL ORDER BY md5(a.slug) LIMIT $2)`,
		strconv.Itoa(max(n/2, 1)), 2*perClass)
	if err != nil {
		return nil, fmt.Errorf("pick the narrow queries: %w", err)
	}
	targets = append(targets, search("narrow", each(names, func(s string) url.Values { return url.Values{"q": {s}} })...))

	// An area with a category, then with an audience: there are fewer area and category
	// pairs than paths.
	pairs, err := column(`(SELECT 'category ' || ar.slug || ' ' || c.slug FROM areas ar CROSS JOIN categories c
		WHERE ar.retired_at IS NULL AND c.retired_at IS NULL ORDER BY md5(ar.slug || c.slug))
		UNION ALL (SELECT 'audience ' || ar.slug || ' ' || au.slug FROM areas ar CROSS JOIN audiences au
		WHERE ar.retired_at IS NULL AND au.retired_at IS NULL ORDER BY md5(ar.slug || au.slug))`)
	if err != nil {
		return nil, fmt.Errorf("pick the filters: %w", err)
	}
	targets = append(targets, search("filters", each(pairs, func(s string) url.Values {
		f := strings.Fields(s)
		return url.Values{"area": {f[1]}, f[0]: {f[2]}}
	})...))

	var empty []url.Values
	for page := 1; page <= 2*perClass; page++ {
		empty = append(empty, pageOf(url.Values{}, page))
	}
	targets = append(targets, search("empty", empty...))

	// Issue 12's ways of reading a query: synonym sets, places, two typos.
	phrases, err := column(`SELECT p FROM synonym_sets, unnest(phrases) p ORDER BY md5(p)`)
	if err != nil {
		return nil, fmt.Errorf("pick the synonyms: %w", err)
	}
	var synonyms []url.Values
	for page := 1; page <= 3; page++ {
		for _, p := range phrases {
			synonyms = append(synonyms, pageOf(url.Values{"q": {p}}, page))
		}
	}
	targets = append(targets, search("synonym", synonyms...))

	places, err := column(`SELECT p FROM area_places, unnest(places) p ORDER BY md5(p)`)
	if err != nil {
		return nil, fmt.Errorf("pick the places: %w", err)
	}
	var placed []url.Values
	for _, need := range []string{"refuge", "support", "housing", "advice"} {
		for _, p := range places {
			placed = append(placed, url.Values{"q": {need + " in " + p}})
		}
	}
	targets = append(targets, search("place", placed...))

	long, err := column(`SELECT DISTINCT w FROM (SELECT a.name, a.summary FROM agencies a WHERE starts_with(a.slug, 'synthetic-')
		ORDER BY a.id LIMIT 20000) a, regexp_split_to_table(lower(a.name || ' ' || a.summary), '[^a-z]+') w WHERE length(w) >= 9 ORDER BY w`)
	if err != nil {
		return nil, fmt.Errorf("pick the typos: %w", err)
	}
	targets = append(targets, search("typo2", each(twoTypos(long, 2*perClass), func(s string) url.Values { return url.Values{"q": {s}} })...))

	agencies, err := column(`SELECT a.slug FROM agencies a
		WHERE starts_with(a.slug, 'synthetic-') AND a.visibility = 'public' AND a.archived_at IS NULL
		  AND (SELECT count(*) FROM contacts c WHERE c.agency_id = a.id AND c.visibility = 'public') >= 3
		ORDER BY a.id LIMIT $1`, 2*perClass)
	if err != nil {
		return nil, fmt.Errorf("pick the agency pages: %w", err)
	}
	t := target{Name: "agency", MinRatio: 0.60, MaxP99: 25 * time.Millisecond, want: perClass}
	for _, slug := range agencies {
		t.candidates = append(t.candidates, "/agencies/"+slug)
	}
	targets = append(targets, t, target{Name: "home", candidates: []string{"/"}, want: 1})

	// Issue 15: the open data's services list, searched as the broad page is, must keep up
	// with nginx at least as well as the HTML search does.
	od := target{Name: "openreferral", MinRatio: 0.30, MaxP99: 25 * time.Millisecond, want: perClass}
	for page := 1; len(od.candidates) < 2*perClass; page++ {
		for _, w := range broadWords {
			od.candidates = append(od.candidates, "/openreferral/v3/services?"+
				url.Values{"search": {w}, "per_page": {"50"}, "page": {strconv.Itoa(page)}}.Encode())
		}
	}
	targets = append(targets, od)
	return targets, nil
}

func pageOf(q url.Values, page int) url.Values {
	if page > 1 {
		q = maps.Clone(q)
		q.Set("page", strconv.Itoa(page))
	}
	return q
}

func each(in []string, f func(string) url.Values) []url.Values {
	out := make([]url.Values, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// twoTypos spells words of 9 letters or more with two letters left out (one from each half),
// as a hurried person might: up to n spellings, taking each word's next spelling in turn.
func twoTypos(words []string, n int) []string {
	var out []string
	seen := map[string]bool{} // "cc" less one c is the same spelling either way
	for round := 0; ; round++ {
		added := false
		for _, w := range words {
			half := len(w) / 2
			if len(w) < 9 || round >= (half-1)*(len(w)-1-half) {
				continue
			}
			i, j := 1+round%(half-1), half+round/(half-1)
			added = true
			if typo := w[:i] + w[i+1:j] + w[j+1:]; !seen[typo] {
				seen[typo] = true
				out = append(out, typo)
			}
			if len(out) == n {
				return out
			}
		}
		if !added {
			return out
		}
	}
}

// fetchAll fetches t's candidate paths as wrk will, keeping the first t.want that answer 200
// (a page past the last, or a phrase that finds too few for a second page, is passed over),
// and files each body for nginx.
func (t *target) fetchAll(ctx context.Context, base string, files map[string][]byte) error {
	for _, p := range t.candidates {
		if len(t.Paths) == t.want {
			break
		}
		body, err := fetch(ctx, base, p)
		var status *statusError
		if errors.As(err, &status) && status.code == http.StatusNotFound {
			continue
		}
		if err != nil {
			return err
		}
		name := fmt.Sprintf("%s-%d.html", t.Name, len(t.Paths))
		files[name] = body
		t.Paths, t.Files, t.Bodies = append(t.Paths, p), append(t.Files, "/"+name), append(t.Bodies, body)
	}
	if len(t.Paths) < t.want {
		return fmt.Errorf("%s: only %d of %d paths answered 200 (of %d tried)", t.Name, len(t.Paths), t.want, len(t.candidates))
	}
	t.Path, t.Body = t.Paths[0], t.Bodies[0]
	return nil
}

type statusError struct {
	path string
	code int
}

func (e *statusError) Error() string { return fmt.Sprintf("GET %s: %d, want 200", e.path, e.code) }

// fetch GETs base+path as wrk will and returns the body; anything but 200 is an error.
func fetch(ctx context.Context, base, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &statusError{path, resp.StatusCode}
	}
	return body, nil
}

// assetRE finds the page's stylesheets and scripts (layout.templ links hashed /static URLs).
var assetRE = regexp.MustCompile(`<(?:link[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"`)

// asset is one stylesheet or script a page loads.
type asset struct {
	URL   string
	Bytes int
}

// pageAssets fetches the CSS and JavaScript page loads from the app, as a browser would.
func pageAssets(ctx context.Context, base string, page []byte) ([]asset, error) {
	var out []asset
	seen := map[string]bool{}
	for _, m := range assetRE.FindAllSubmatch(page, -1) {
		u := string(m[1])
		if seen[u] || !isCSSOrJS(u) {
			continue
		}
		seen[u] = true
		if pu, err := url.Parse(u); err == nil && pu.IsAbs() {
			continue // another site's: not ours to weigh
		}
		body, err := fetch(ctx, base, u)
		if err != nil {
			return nil, err
		}
		out = append(out, asset{URL: u, Bytes: len(body)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no stylesheet or script found in the page")
	}
	return out, nil
}

func isCSSOrJS(u string) bool {
	pu, err := url.Parse(u)
	if err != nil {
		return false
	}
	ext := path.Ext(pu.Path)
	return ext == ".css" || ext == ".js"
}
