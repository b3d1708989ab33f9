package postgres

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A visitor must get an answer even when PostgreSQL stops answering without closing its
// connections (frozen, or cut off by the network): a query on an open connection would then
// wait for ever, as would the ping of an idle connection before it is handed out. But a
// database that is only slow (both CPUs busy, a statement waiting for a lock) must not turn
// visitors away: a fixed limit per statement cannot tell the two apart, and on a loaded
// machine a short one refused healthy requests.
//
// So the limit follows the database's signs of life, not the statement's age. A sign of life
// is anything the server answers: a statement completing (or failing with an error of its
// own) on any connection of the pool, a new connection, a probe. While requests wait on the
// database and it shows no sign of life for frozenAfter, it is judged frozen and the waiting
// statements and connection waits are cut short; while the verdict stands, later ones get only
// frozenGrace to show that the database is back. As long as signs of life keep coming, a
// statement may run for up to aliveLimit.
//
// A lone slow statement shows no sign of life until it completes, so when a request has
// waited probeAfter with nothing heard, a probe asks the server for an empty answer on a
// connection of its own (the pool's may all be taken by the slow statements). A busy server
// answers it; a frozen one does not.
//
// A request on a frozen database is answered within frozenAfter + frozenGrace (plus timer
// slack): its first statement is cut at most frozenAfter after the last sign of life, then the
// session's commit (the 503 page itself asks nothing of the database) within frozenGrace,
// inside the 2 s that internal/resilience measures. A verdict lapses after verdictFor without
// a cut, so a stale one cannot shorten the waits of a database that has since come back
// unnoticed; a sign of life clears it at once.
//
// Only work that asks for it is limited: serve puts WithStatementLimit on every request's
// context, while migrations, seeding and the directory index's rebuilds run unlimited (and
// their statements count as signs of life all the same).
const (
	frozenAfter = time.Second            // no sign of life for this long while requests wait: frozen
	frozenGrace = 250 * time.Millisecond // a statement's time to show life while the database is judged frozen
	verdictFor  = 5 * time.Second        // a verdict not confirmed for this long lapses: the next wait starts afresh
	probeAfter  = 250 * time.Millisecond // a request waiting this long with nothing heard sends a probe
	aliveLimit  = 10 * time.Second       // the most a statement or connection wait of a request takes on a live database
	checkEvery  = 100 * time.Millisecond // how often a waiting statement looks at the verdict
)

type limitKey struct{}
type waitKey struct{}

// WithStatementLimit returns a context under which each statement and each wait for a pool
// connection is limited as described above: it fails with context.DeadlineExceeded (so
// IsUnavailable is true) when the database has stopped answering, or after aliveLimit.
func WithStatementLimit(ctx context.Context) context.Context {
	return context.WithValue(ctx, limitKey{}, true)
}

// limiter applies the limit, as the pool's tracer: pgx and pgxpool run each statement (or
// acquire) with the context its Start hook returns and hand that context to the End hook.
// One limiter serves one pool, so the signs of life it sees are of one server.
type limiter struct {
	probeConfig *pgx.ConnConfig // for the probe's own connection: the pool's, without tracer

	mu           sync.Mutex
	waiting      int       // limited statements and connection waits in flight
	waitingSince time.Time // when waiting last rose from zero: silence before it proves nothing
	lastLife     time.Time // the last sign of life
	frozenAt     time.Time // when the database was last judged frozen (zero: never)
	probing      bool      // a probe loop runs
	// probeConn is the probe's connection, kept between loops (only the one running loop uses
	// it): making a connection starts a server process, which on a loaded machine can take
	// longer than the silence that judges the database frozen, while a ping on an open
	// connection is one round trip.
	probeConn *pgx.Conn
}

var (
	_ pgx.QueryTracer       = (*limiter)(nil)
	_ pgx.BatchTracer       = (*limiter)(nil)
	_ pgx.ConnectTracer     = (*limiter)(nil)
	_ pgxpool.AcquireTracer = (*limiter)(nil)
)

func newLimiter(cfg *pgx.ConnConfig) *limiter {
	probe := cfg.Copy()
	probe.Tracer = nil
	return &limiter{probeConfig: probe, lastLife: time.Now()}
}

// wait is one limited statement or connection wait, and the context it runs under. It is
// cancelled when it is cut short, or at aliveLimit; a cut reads as context.DeadlineExceeded
// (pgx reports ctx.Err()), so IsUnavailable holds and the visitor gets the friendly 503.
type wait struct {
	context.Context // the caller's context with the aliveLimit deadline
	cancel          context.CancelFunc
	start           time.Time
	timer           *time.Timer // guarded by limiter.mu
	done            bool        // released (guarded by limiter.mu)
	cut             atomic.Bool // cut short as frozen
}

func (w *wait) Err() error {
	err := w.Context.Err()
	if err == context.Canceled && w.cut.Load() {
		return context.DeadlineExceeded
	}
	return err
}

func (w *wait) Value(key any) any {
	if key == (waitKey{}) {
		return w
	}
	return w.Context.Value(key)
}

// limit starts a wait when ctx asks for the limit (and is not already one: a connection made
// for an acquire sees the acquire's values).
func (l *limiter) limit(ctx context.Context) context.Context {
	if ctx.Value(limitKey{}) == nil || ctx.Value(waitKey{}) != nil {
		return ctx
	}
	now := time.Now()
	inner, cancel := context.WithTimeout(ctx, aliveLimit)
	w := &wait{Context: inner, cancel: cancel, start: now}
	l.mu.Lock()
	l.waiting++
	if l.waiting == 1 {
		l.waitingSince = now
	}
	frozen := l.judgedFrozen(now)
	first := checkEvery
	if frozen {
		first = frozenGrace
	}
	w.timer = time.AfterFunc(first, func() { l.check(w) })
	l.mu.Unlock()
	if frozen {
		l.startProbe() // the database may be back: find out at once
	}
	return w
}

// release ends the wait of ctx, if it is one.
func (l *limiter) release(ctx context.Context) {
	w, ok := ctx.(*wait)
	if !ok {
		return
	}
	l.mu.Lock()
	if !w.done {
		w.done = true
		w.timer.Stop() // a check already running sees done and stops there
		l.waiting--
	}
	l.mu.Unlock()
	w.cancel()
}

// judgedFrozen reports whether a verdict stands: given, not contradicted by a sign of life
// since, and recent. Called with l.mu held.
func (l *limiter) judgedFrozen(now time.Time) bool {
	return !l.frozenAt.IsZero() && l.frozenAt.After(l.lastLife) && now.Sub(l.frozenAt) < verdictFor
}

// check looks at a wait in flight: cuts it short when the database is judged frozen, sends
// a probe when nothing has been heard for probeAfter, and otherwise looks again later.
func (l *limiter) check(w *wait) {
	now := time.Now()
	l.mu.Lock()
	if w.done {
		l.mu.Unlock()
		return
	}
	ran := now.Sub(w.start)
	frozen := l.judgedFrozen(now)
	quiet := now.Sub(later(l.lastLife, l.waitingSince))
	if !frozen && quiet >= frozenAfter {
		l.frozenAt, frozen = now, true
	}
	if frozen && ran >= frozenGrace {
		w.cut.Store(true)
		l.frozenAt = now // confirmed
		l.mu.Unlock()
		w.cancel()
		return
	}
	next := min(checkEvery, frozenAfter-quiet)
	if frozen {
		next = frozenGrace - ran
	}
	w.timer.Reset(next)
	probe := quiet >= probeAfter && !l.probing
	l.mu.Unlock()
	if probe {
		l.startProbe()
	}
}

// life records a sign of life: it clears any verdict.
func (l *limiter) life() {
	now := time.Now()
	l.mu.Lock()
	l.lastLife = now
	l.mu.Unlock()
}

// answered reports whether err (of a statement that ended) came from the server: no error,
// an error the server sent that is not about its own availability, or no rows.
func answered(err error) bool {
	if err == nil || errors.Is(err, pgx.ErrNoRows) {
		return true
	}
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && !IsUnavailable(err)
}

// startProbe runs the probe loop unless one runs.
func (l *limiter) startProbe() {
	l.mu.Lock()
	if l.probing {
		l.mu.Unlock()
		return
	}
	l.probing = true
	l.mu.Unlock()
	go l.probeLoop()
}

// probeLoop asks the server for a sign of life on a connection of its own whenever requests
// have waited probeAfter with nothing heard, and ends once no request waits. Its connection
// stays open for the next loop. A kept connection that fails (the server may have closed it
// while idle) is replaced at once; a probe on a new one that gets no answer within frozenAfter
// gives up, and the next is made after probeAfter.
func (l *limiter) probeLoop() {
	l.mu.Lock()
	conn := l.probeConn // only the one running loop uses it: l.probing guards it
	l.mu.Unlock()
	for {
		now := time.Now()
		l.mu.Lock()
		if l.waiting == 0 {
			l.probing = false
			l.probeConn = conn
			l.mu.Unlock()
			return
		}
		quiet := now.Sub(later(l.lastLife, l.waitingSince))
		frozen := l.judgedFrozen(now)
		l.mu.Unlock()
		if quiet < probeAfter && !frozen {
			time.Sleep(probeAfter - quiet)
			continue
		}
		kept := conn != nil
		ctx, cancel := context.WithTimeout(context.Background(), frozenAfter)
		var err error
		if conn == nil {
			conn, err = pgx.ConnectConfig(ctx, l.probeConfig)
		}
		if err == nil {
			err = conn.Ping(ctx)
		}
		cancel()
		if err == nil {
			l.life()
			continue
		}
		if conn != nil {
			conn.Close(context.Background()) // already closed by the failed ping: frees what is left
			conn = nil
		}
		if !kept {
			time.Sleep(probeAfter) // no hurry: the waits are cut by their own checks
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (l *limiter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return l.limit(ctx)
}

func (l *limiter) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	if answered(data.Err) {
		l.life()
	}
	l.release(ctx)
}

func (l *limiter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return l.limit(ctx)
}

func (l *limiter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	if answered(data.Err) {
		l.life()
	}
}

func (l *limiter) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	if answered(data.Err) {
		l.life()
	}
	l.release(ctx)
}

func (l *limiter) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	return l.limit(ctx)
}

func (l *limiter) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireEndData) {
	// Being handed a connection proves nothing (it may have been idle); a new one counts
	// in TraceConnectEnd, a pinged one by the statement that follows.
	l.release(ctx)
}

func (l *limiter) TraceConnectStart(ctx context.Context, _ pgx.TraceConnectStartData) context.Context {
	return ctx
}

func (l *limiter) TraceConnectEnd(_ context.Context, data pgx.TraceConnectEndData) {
	if data.Err == nil {
		l.life()
	}
}
