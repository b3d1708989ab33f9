package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A visitor must get an answer even when PostgreSQL stops answering without closing its
// connections (frozen, or cut off by the network): a query on an open connection would then
// wait for ever, as would the ping of an idle connection before it is handed out. So each
// statement, and each wait for a connection, can carry a time limit, passed in the context.
// Only work that asks for it is limited: serve puts it on every request's context, while
// migrations, seeding and the directory index's rebuilds run unlimited.

type limitKey struct{}
type limitCancelKey struct{}

// WithStatementLimit returns a context under which each statement and each wait for a pool
// connection fails after d with context.DeadlineExceeded (so IsUnavailable is true).
func WithStatementLimit(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, limitKey{}, d)
}

// statementLimiter applies the limit. pgx and pgxpool run the statement (or the acquire) with
// the context its Start hook returns, and hand that context to the End hook, where the timer
// is released.
type statementLimiter struct{}

var (
	_ pgx.QueryTracer       = statementLimiter{}
	_ pgx.BatchTracer       = statementLimiter{}
	_ pgxpool.AcquireTracer = statementLimiter{}
)

func (statementLimiter) limit(ctx context.Context) context.Context {
	d, ok := ctx.Value(limitKey{}).(time.Duration)
	if !ok {
		return ctx
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return context.WithValue(ctx, limitCancelKey{}, cancel)
}

func (statementLimiter) release(ctx context.Context) {
	if cancel, ok := ctx.Value(limitCancelKey{}).(context.CancelFunc); ok {
		cancel()
	}
}

func (l statementLimiter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return l.limit(ctx)
}

func (l statementLimiter) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	l.release(ctx)
}

func (l statementLimiter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return l.limit(ctx)
}

func (statementLimiter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (l statementLimiter) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchEndData) {
	l.release(ctx)
}

func (l statementLimiter) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	return l.limit(ctx)
}

func (l statementLimiter) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireEndData) {
	l.release(ctx)
}
