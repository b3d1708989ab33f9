package directory

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// SetBenchPool lets the external benchmarks share their database with the internal ones.
func SetBenchPool(f func(testing.TB) *pgxpool.Pool) { benchPool = f }
