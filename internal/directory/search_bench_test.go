package directory_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// benchAgencies is how many synthetic agencies the benchmarks search: BENCH_AGENCIES, default
// 10,000 to keep a casual run quick (`make bench` uses 100,000).
func benchAgencies(b *testing.B) int {
	n := 10000
	if s := os.Getenv("BENCH_AGENCIES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("BENCH_AGENCIES=%q: want a positive number", s)
		}
	}
	return n
}

// export_bench_test.go hands benchDB to the package's own benchmarks.
func init() {
	directory.SetBenchPool(func(tb testing.TB) *pgxpool.Pool { p, _ := benchDB(tb.(*testing.B)); return p })
}

// benchDB is the demo data plus N synthetic agencies, loaded once into a database kept between
// runs (named by N and the migrations).
func benchDB(b *testing.B) (*pgxpool.Pool, int) {
	n := benchAgencies(b)
	pool := pgtest.Kept(b, "synthetic_"+strconv.Itoa(n), func(ctx context.Context, db *pgxpool.Pool) error {
		if _, err := seed.Demo(ctx, db); err != nil {
			return err
		}
		c, err := seed.Synthetic(ctx, db, n, seed.SyntheticOptions{})
		fmt.Fprintf(os.Stderr, "bench: loaded %d synthetic agencies, %d contacts in %s\n", c.Agencies, c.Contacts, c.Took)
		return err
	})
	return pool, n
}

// BenchmarkSearch runs each class of query the scale targets name through directory.Search,
// as an anonymous visitor (the public document set).
func BenchmarkSearch(b *testing.B) {
	pool, n := benchDB(b)
	ctx := context.Background()
	var narrow string // a specific agency's name, as someone who knows it would type it
	if err := pool.QueryRow(ctx, `SELECT name FROM agencies WHERE slug LIKE 'synthetic-' || $1 || '-%'`,
		strconv.Itoa(n/2)).Scan(&narrow); err != nil {
		b.Fatal(err)
	}
	store := directory.NewStore(pool)
	defer store.Close()
	waitReady(b, store)
	for _, c := range []struct{ name, raw string }{
		{"broad", "q=support"},
		{"narrow", "q=" + url.QueryEscape(narrow)},
		{"filters", "area=motherwell&category=outreach"},
		{"empty", ""},
		{"broad-page5", "q=support&page=5"},
	} {
		vals, _ := url.ParseQuery(c.raw)
		q, err := directory.ParseQuery(vals)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			// One search first, untimed: the vocabulary load and a cold cache are not the steady state.
			res, err := store.Search(ctx, access.Public, q)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if res, err = store.Search(ctx, access.Public, q); err != nil {
					b.Fatal(err)
				}
			}
			if len(res.Agencies) == 0 {
				b.Fatalf("%s: no results", c.raw)
			}
			b.ReportMetric(float64(res.Total), "matches")
		})
	}
}

// waitReady waits for the store's index to be built: a benchmark measures the steady state.
func waitReady(b *testing.B, store *directory.Store) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for !store.Ready(ctx) {
		if ctx.Err() != nil {
			b.Fatal("index not built in 2 minutes")
		}
	}
}
