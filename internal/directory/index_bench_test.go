package directory

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// BenchmarkIndexBuild measures a whole rebuild (load from PostgreSQL and build) and the heap
// the built snapshot holds: what a bulk load or a reconnect costs. benchPool is set by the
// external benchmarks' database (see search_bench_test.go), so this runs under `make bench`.
func BenchmarkIndexBuild(b *testing.B) {
	pool := benchPool(b)
	ctx := context.Background()
	var s *snapshot
	for b.Loop() {
		tax, err := loadTaxonomy(ctx, pool)
		if err != nil {
			b.Fatal(err)
		}
		base, live, public, err := loadPart(ctx, pool, 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		s = newSnapshot(1, base, live, public, tax)
	}
	b.StopTimer()
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(s.base.docs.len()), "docs")
	b.ReportMetric(float64(len(s.base.lexemes)), "lexemes")
	runtime.KeepAlive(s)
}

// BenchmarkIndexSearch measures the index itself, without the results cache that
// Store.Search puts in front of it (BenchmarkSearch measures that): what a query nobody asked
// since the last change costs.
func BenchmarkIndexSearch(b *testing.B) {
	pool := benchPool(b)
	ctx := context.Background()
	tax, err := loadTaxonomy(ctx, pool)
	if err != nil {
		b.Fatal(err)
	}
	base, live, public, err := loadPart(ctx, pool, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	s := newSnapshot(1, base, live, public, tax)
	var narrow string
	if err := pool.QueryRow(ctx, `SELECT name FROM agencies WHERE slug LIKE 'synthetic-' || $1 || '-%'`,
		strconv.Itoa(base.docs.len()/2)).Scan(&narrow); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		q    Query
	}{
		{"broad", Query{Text: "support", Page: 1}},
		{"narrow", Query{Text: narrow, Page: 1}},
		{"filters", Query{Areas: []string{"motherwell"}, Categories: []string{"outreach"}, Page: 1}},
		{"empty", Query{Page: 1}},
		{"broad-page5", Query{Text: "support", Page: 5}},
		{"typo", Query{Text: "womns aid", Page: 1}},
		{"typo2", Query{Text: "acommodaton", Page: 1}},
		{"synonym", Query{Text: "domestic violence", Page: 1}},
		{"place", Query{Text: "refuge in wishaw", Page: 1}},
		{"postcode", Query{Text: "ML2 7AB", Page: 1}},
		{"plain-words", Query{Text: "somewhere to stay tonight", Page: 1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var res Results
			for b.Loop() {
				if res, _, err = s.search(false, c.q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Total), "matches")
		})
	}
}

// benchPool is filled in by an external test file's init, which knows the benchmark database.
var benchPool func(testing.TB) *pgxpool.Pool
