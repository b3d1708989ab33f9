package exchange_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/directory"
	"dadirectory/internal/openreferral/exchange"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// demo is a fresh database with the demo data, and a directory store over it.
func demo(t *testing.T) (*pgxpool.Pool, *directory.Store) {
	t.Helper()
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return pool, directory.NewStore(pool)
}

func export(t *testing.T, pool *pgxpool.Pool, f exchange.Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := exchange.Export(context.Background(), pool, f, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func auditCount(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Export, import and export again gives the same bytes, in both formats, and importing an
// export changes nothing: no change in the plan, no audit event.
func TestRoundTripIsByteIdentical(t *testing.T) {
	pool, dir := demo(t)
	ctx := context.Background()
	for _, f := range []exchange.Format{exchange.ZipFormat, exchange.JSONFormat} {
		first := export(t, pool, f)
		events := auditCount(t, pool)
		p, err := exchange.Preview(ctx, pool, dir, exchange.SystemViewer, "export", first)
		if err != nil {
			t.Fatalf("%s: preview: %v", f, err)
		}
		if len(p.Problems) > 0 || len(p.Changes) > 0 {
			t.Fatalf("%s: import of an export: %d problems (%v), %d changes (%+v)", f, len(p.Problems), p.Problems, len(p.Changes), p.Changes)
		}
		if p.Unchanged < 40 {
			t.Errorf("%s: %d rows unchanged; the demo data has more", f, p.Unchanged)
		}
		if _, err := exchange.Apply(ctx, pool, dir, exchange.SystemViewer, "export", first, ""); err != exchange.ErrNotApplicable {
			t.Errorf("%s: apply of an export: %v, want ErrNotApplicable", f, err)
		}
		if n := auditCount(t, pool); n != events {
			t.Errorf("%s: audit events %d -> %d", f, events, n)
		}
		if again := export(t, pool, f); !bytes.Equal(first, again) {
			t.Errorf("%s: export, import, export differ", f)
		}
		if f == exchange.JSONFormat && !strings.Contains(string(first), `"x_visibility": "staff"`) {
			t.Errorf("json export has no staff-only rows")
		}
	}
}

func TestDumpForEye(t *testing.T) {
	if testing.Short() || !*dump {
		t.Skip()
	}
	pool, _ := demo(t)
	_ = os.WriteFile("/tmp/hsds.zip", export(t, pool, exchange.ZipFormat), 0o644)
	_ = os.WriteFile("/tmp/hsds.json", export(t, pool, exchange.JSONFormat), 0o644)
}

var dump = flag.Bool("dump", false, "write exports to /tmp")
