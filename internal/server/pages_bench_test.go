package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/config"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// benchHandler is the app's handler over the demo data plus BENCH_AGENCIES synthetic agencies
// (default 10,000; `make bench` uses 100,000), loaded once into a database kept between runs.
func benchHandler(b *testing.B) (http.Handler, *pgxpool.Pool, int) {
	n := 10000
	if s := os.Getenv("BENCH_AGENCIES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("BENCH_AGENCIES=%q: want a positive number", s)
		}
	}
	pool := pgtest.Kept(b, "synthetic_"+strconv.Itoa(n), func(ctx context.Context, db *pgxpool.Pool) error {
		if _, err := seed.Demo(ctx, db); err != nil {
			return err
		}
		c, err := seed.Synthetic(ctx, db, n, seed.SyntheticOptions{})
		fmt.Fprintf(os.Stderr, "bench: loaded %d synthetic agencies, %d contacts in %s\n", c.Agencies, c.Contacts, c.Took)
		return err
	})
	cfg, err := config.Load(noTwoFactor)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)), pool)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	// The search index builds in the background at start: measure the steady state.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for !srv.directory.Ready(ctx) {
		if ctx.Err() != nil {
			b.Fatal("search index not ready in 3 minutes")
		}
	}
	return srv.Handler(), pool, n
}

// benchGet serves path to an anonymous visitor b.N times and reports the page size.
func benchGet(b *testing.B, h http.Handler, path string) {
	b.Helper()
	var size int
	// One request first, untimed: a cold cache is not the steady state.
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: status %d", path, rec.Code)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "B/page")
}

// BenchmarkDirectoryPage renders /directory for each query class through the whole handler
// (middleware, search, template), as an anonymous visitor.
func BenchmarkDirectoryPage(b *testing.B) {
	h, pool, n := benchHandler(b)
	var narrow string
	if err := pool.QueryRow(context.Background(), `SELECT name FROM agencies WHERE slug LIKE 'synthetic-' || $1 || '-%'`,
		strconv.Itoa(n/2)).Scan(&narrow); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, path string }{
		{"broad", "/directory?q=support"},
		{"narrow", "/directory?q=" + url.QueryEscape(narrow)},
		{"filters", "/directory?area=motherwell&category=outreach"},
		{"empty", "/directory"},
	} {
		b.Run(c.name, func(b *testing.B) { benchGet(b, h, c.path) })
	}
}

// BenchmarkAgencyPage renders one public synthetic agency with several contacts.
func BenchmarkAgencyPage(b *testing.B) {
	h, pool, _ := benchHandler(b)
	var slug string
	if err := pool.QueryRow(context.Background(), `SELECT a.slug FROM agencies a
		WHERE starts_with(a.slug, 'synthetic-') AND a.visibility = 'public'
		  AND (SELECT count(*) FROM contacts c WHERE c.agency_id = a.id AND c.visibility = 'public') >= 3
		ORDER BY a.id LIMIT 1`).Scan(&slug); err != nil {
		b.Fatal(err)
	}
	benchGet(b, h, "/agencies/"+slug)
}
