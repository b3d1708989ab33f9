package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"strconv"
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

// target is one row of the report.
type target struct {
	Name string // the class, as issue 6 names it
	Path string // on the app
	File string // the same bytes, as a static file for nginx
	Body []byte

	MinRatio float64       // of nginx's requests/s; 0: no goal (shown for information)
	MaxP99   time.Duration // 0: no goal
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

// pickTargets chooses real values from the database: the narrow name is the same agency the Go
// benchmarks search for (synthetic agency n/2), the filters are that agency's first area and
// category, and the agency page is the first public synthetic agency with 3 public contacts or
// more (as in BenchmarkAgencyPage).
func pickTargets(ctx context.Context, dbURL string, n int) ([]target, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var narrow, area, category, agency string
	err = conn.QueryRow(ctx, `SELECT a.name,
			(SELECT ar.slug FROM agency_areas aa JOIN areas ar ON ar.id = aa.area_id
			 WHERE aa.agency_id = a.id ORDER BY ar.slug LIMIT 1),
			(SELECT c.slug FROM agency_categories ac JOIN categories c ON c.id = ac.category_id
			 WHERE ac.agency_id = a.id ORDER BY c.slug LIMIT 1)
		FROM agencies a WHERE a.slug LIKE 'synthetic-' || $1 || '-%'`, strconv.Itoa(max(n/2, 1))).
		Scan(&narrow, &area, &category)
	if err != nil {
		return nil, fmt.Errorf("pick the narrow query and filters: %w", err)
	}
	err = conn.QueryRow(ctx, `SELECT a.slug FROM agencies a
		WHERE starts_with(a.slug, 'synthetic-') AND a.visibility = 'public' AND a.archived_at IS NULL
		  AND (SELECT count(*) FROM contacts c WHERE c.agency_id = a.id AND c.visibility = 'public') >= 3
		ORDER BY a.id LIMIT 1`).Scan(&agency)
	if err != nil {
		return nil, fmt.Errorf("pick the agency page: %w", err)
	}
	search := func(name, raw string) target {
		p := "/directory"
		if raw != "" {
			p += "?" + raw
		}
		return target{Name: name, Path: p, File: name + ".html", MinRatio: 0.20, MaxP99: 30 * time.Millisecond}
	}
	filters := url.Values{"area": {area}, "category": {category}}
	return []target{
		search("broad", "q=support"),
		search("narrow", "q="+url.QueryEscape(narrow)),
		search("filters", filters.Encode()),
		search("empty", ""),
		// Issue 12's ways of reading a query: a synonym set, a place, two typos.
		search("synonym", "q=domestic+violence"),
		search("place", "q=refuge+in+wishaw"),
		search("typo2", "q=acommodaton"),
		{Name: "agency", Path: "/agencies/" + agency, File: "agency.html", MinRatio: 0.25},
		{Name: "home", Path: "/", File: "home.html"},
		// Issue 15: the open data's services list, searched as the broad page is, must keep up
		// with nginx at least as well as the HTML search does.
		{Name: "openreferral", Path: "/openreferral/v3/services?search=support&per_page=50", File: "openreferral.json",
			MinRatio: 0.20, MaxP99: 30 * time.Millisecond},
	}, nil
}

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
		return nil, fmt.Errorf("GET %s: %s, want 200", path, resp.Status)
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
