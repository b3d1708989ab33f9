package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"dadirectory/migrations"
)

// Migrate applies the embedded migrations that db lacks. goose takes no lock by default, so it
// runs under a session advisory lock: two instances starting together migrate once, the second
// waiting for the first and then finding nothing to do.
func Migrate(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Retry every second (the default is every 5 s) for up to 5 minutes.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS,
		goose.WithSessionLocker(locker), goose.WithSlog(log))
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "duration", r.Duration)
	}
	return migrateRiver(ctx, db, log)
}

// riverLockKey serialises River's migrations between instances starting together.
const riverLockKey = 0x7269766572 // "river"

// migrateRiver applies the job queue's own migrations (River's tables: internal/jobs) under a
// session advisory lock held on a connection of its own, so two instances apply them once.
// (They cannot share one transaction: a later one uses an enum value an earlier one adds.)
func migrateRiver(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	lockConn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate the job queue: %w", err)
	}
	defer lockConn.Close()
	if _, err := lockConn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(riverLockKey)); err != nil {
		return fmt.Errorf("postgres: migrate the job queue: lock: %w", err)
	}
	defer lockConn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(riverLockKey)) //nolint:errcheck // closing the connection unlocks too
	migrator, err := rivermigrate.New(riverdatabasesql.New(db), &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("postgres: migrate the job queue: %w", err)
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("postgres: migrate the job queue: %w", err)
	}
	for _, v := range res.Versions {
		log.Info("job queue migration applied", "version", v.Version, "duration", v.Duration)
	}
	return nil
}

// RiverVersions lists the job queue's migration versions this build applies (for naming test
// templates by what they hold).
func RiverVersions() []int {
	m, err := rivermigrate.New(riverdatabasesql.New(nil), nil)
	if err != nil {
		return nil
	}
	var out []int
	for _, v := range m.AllVersions() {
		out = append(out, v.Version)
	}
	return out
}

// OpenDB wraps pool as a *sql.DB (for goose). Closing it leaves the pool open.
func OpenDB(pool *pgxpool.Pool) *sql.DB {
	return stdlib.OpenDBFromPool(pool)
}
