package directory

import (
	"context"
	"runtime"
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
	b.ReportMetric(float64(len(s.base.docs)), "docs")
	b.ReportMetric(float64(len(s.base.lexemes)), "lexemes")
	runtime.KeepAlive(s)
}

// benchPool is filled in by an external test file's init, which knows the benchmark database.
var benchPool func(testing.TB) *pgxpool.Pool
