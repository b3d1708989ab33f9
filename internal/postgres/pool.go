// Package postgres opens the connection pool, runs migrations, runs work in transactions and,
// for development and tests, runs a private PostgreSQL cluster.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Open connects a pool to url and checks the database answers. Timeouts are short so a
// request fails fast (and the app answers 503) when PostgreSQL is away, instead of hanging.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse DATABASE_URL: %w", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > 2*time.Second {
		cfg.ConnConfig.ConnectTimeout = 2 * time.Second
	}
	cfg.HealthCheckPeriod = 5 * time.Second
	// Statements and connection waits are limited when the context asks (limit.go): serve
	// asks for every request, so a frozen or unreachable database cannot make one hang,
	// while a busy one still answers.
	cfg.ConnConfig.Tracer = newLimiter(cfg.ConnConfig)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return pool, nil
}

// ErrUnavailable is for work that depends on the database but failed without a driver error
// to show for it, such as an in-memory copy that has lost its connection and may be stale.
var ErrUnavailable = errors.New("postgres: database unavailable")

// Querier is what a read needs: a pool, a connection or a transaction. Loaders take one, so the
// same query serves a page (the pool) and the check inside an update (its transaction).
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Beginner is what WithTx needs: a pool, or a connection.
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// WithTx runs fn in a transaction, committing when fn returns nil and rolling back otherwise.
// Feature stores use it so a change and its audit event land together or not at all.
func WithTx(ctx context.Context, db Beginner, fn func(tx pgx.Tx) error) (err error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer func() {
		if err != nil {
			// The rollback error adds nothing when fn already failed.
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// IsUnavailable reports whether err means the database could not be reached, so callers can
// answer 503 instead of 500.
func IsUnavailable(err error) bool {
	if errors.Is(err, ErrUnavailable) {
		return true
	}
	var pgErr interface{ SQLState() string }
	if errors.As(err, &pgErr) {
		code := pgErr.SQLState()
		// 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
		return len(code) == 5 && (code[:2] == "08" || code == "57P01" || code == "57P02" || code == "57P03")
	}
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) || errors.Is(err, context.DeadlineExceeded)
}
