package directory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"

	"dadirectory/internal/postgres"
)

// changesChannel is where the triggers of migration 00007 announce changes.
const changesChannel = "directory_changed"

// maxRecent is how many changed agencies the index keeps in its recent part before it
// rebuilds whole: the recent part is rebuilt on every change, so it must stay small.
const maxRecent = 1000

// index keeps the search snapshot current. One goroutine listens on a connection of its own
// for change notifications; another applies them, so notifications keep flowing while a
// change is loaded and those that arrive meanwhile are applied together.
//
// Freshness: a notification arrives after its transaction commits, and loading the changed
// rows starts after it arrives, so the load sees the change. When the connection is lost
// changes may be missed, so the index refuses to answer (503, like any page that needs the
// database) until it has reconnected and rebuilt.
//
// Notifications can also stop without any error: behind a transaction-mode PgBouncer the
// LISTEN lands on another server connection, and a half-open connection after a failover
// waits for ever. So the index sends itself a heartbeat notification every second, and
// every Sync sends one too; one the database accepted but that has not come back within
// echoDeadline means notifications are not arriving. The index then refuses to answer and
// reconnects, as for a lost connection. A busy database delays the sending, which is not
// counted; only the echo is timed, and generously.
type index struct {
	db   *pgxpool.Pool
	snap atomic.Pointer[snapshot]

	startOnce sync.Once
	stop      context.CancelFunc
	built     chan struct{} // closed when the first snapshot is in place

	healthy   atomic.Bool
	connected atomic.Uint64 // generation of the live listening connection, 0 when none

	// channel is what the listener LISTENs on: changesChannel, except in a test that
	// simulates notifications going astray.
	channel string

	// echoes are the heartbeat and sync notifications the database accepted and that have
	// not come back yet, by token, with when they were accepted; drop ends the current
	// listening connection. Both under mu.
	echoes map[string]time.Time
	drop   context.CancelFunc

	// For metrics: when the last notification arrived (Unix nanoseconds), and how many
	// times the index was rebuilt whole.
	lastHeard atomic.Int64
	rebuilds  atomic.Uint64

	mu      sync.Mutex
	pending changes
	kick    chan struct{}
	waiters map[string]chan struct{}

	// Owned by the applier goroutine.
	recent      map[int64]bool // agencies changed since the base was built
	lastVersion uint64
}

// changes accumulates notifications until the applier takes them.
type changes struct {
	all      uint64 // a full rebuild is wanted, for this connection generation (0: none)
	ids      map[int64]bool
	taxonomy bool
	other    bool     // something else a page shows (contacts) changed: new version only
	syncs    []string // Sync calls waiting for everything before them to be applied
}

func newIndex(db *pgxpool.Pool) *index {
	return &index{db: db, built: make(chan struct{}), kick: make(chan struct{}, 1), waiters: map[string]chan struct{}{},
		channel: changesChannel, echoes: map[string]time.Time{}}
}

// heartbeatEvery is how often the index checks that notifications arrive; echoDeadline is
// how long a notification the database accepted may take to come back before the index
// judges that notifications have stopped. Echoes take milliseconds; the deadline is
// generous so that a busy machine is not mistaken for a broken one.
const (
	heartbeatEvery = time.Second
	echoDeadline   = 5 * time.Second
)

// start runs the listener and applier once, until close or until the pool is closed.
func (ix *index) start() {
	ix.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		ix.stop = cancel
		go ix.listen(ctx)
		go ix.apply(ctx)
		go ix.heartbeat(ctx)
	})
}

// close stops the index. One never started is marked so that it never starts: nothing is
// spawned only to be stopped.
func (ix *index) close() {
	ix.startOnce.Do(func() { ix.stop = func() {} })
	ix.stop()
}

// current waits for the first snapshot and returns the snapshot to answer from, or an
// error that reads as "database unavailable" while the index may be stale.
func (ix *index) current(ctx context.Context) (*snapshot, error) {
	ix.start()
	if !ix.waitBuilt(ctx) {
		return nil, fmt.Errorf("directory: index not built yet: %w", postgres.ErrUnavailable)
	}
	if !ix.healthy.Load() {
		return nil, fmt.Errorf("directory: index out of touch with the database: %w", postgres.ErrUnavailable)
	}
	return ix.snap.Load(), nil
}

// ready reports whether the index is built and in touch with the database, waiting for the
// first build until ctx ends.
func (ix *index) ready(ctx context.Context) bool {
	ix.start()
	return ix.waitBuilt(ctx) && ix.healthy.Load()
}

// firstBuildWait bounds how long a request waits for the index to be built at start, so that
// without a database it gets a quick 503 rather than hanging.
const firstBuildWait = 1500 * time.Millisecond

func (ix *index) waitBuilt(ctx context.Context) bool {
	select {
	case <-ix.built:
		return true
	default:
	}
	t := time.NewTimer(firstBuildWait)
	defer t.Stop()
	select {
	case <-ix.built:
		return true
	case <-ctx.Done():
	case <-t.C:
	}
	return false
}

// sync returns once every change committed before it was called is in the snapshot.
// It sends a notification of its own: notifications arrive in commit order, so when the
// applier has applied the batch holding it, it has applied everything before it too.
func (ix *index) sync(ctx context.Context) error {
	ix.start()
	b := make([]byte, 12)
	rand.Read(b)
	token := hex.EncodeToString(b)
	done := make(chan struct{})
	ix.mu.Lock()
	ix.waiters[token] = done
	ix.mu.Unlock()
	defer func() {
		ix.mu.Lock()
		delete(ix.waiters, token)
		ix.mu.Unlock()
	}()
	// An echo sent before the listener listens is never heard: wait for it. When it connects
	// it has the index rebuilt whole, which takes in everything committed before, and the
	// echo comes after that.
	for ix.connected.Load() == 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("directory: sync index: %w", errors.Join(postgres.ErrUnavailable, ctx.Err()))
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := ix.sendEcho(ctx, "s", token); err != nil {
		return fmt.Errorf("directory: sync index: %w", err)
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		// The caller stops waiting, but the echo is still expected: if it never comes, the
		// heartbeat's check treats it as a missed heartbeat.
		return fmt.Errorf("directory: sync index: %w", errors.Join(postgres.ErrUnavailable, ctx.Err()))
	}
}

// sendEcho notifies the channel with kind:token and, once the database has accepted it,
// expects it back on the listening connection within echoDeadline.
func (ix *index) sendEcho(ctx context.Context, kind, token string) error {
	// Expected before it is sent, since the echo can arrive before Exec returns; timed only
	// from when the database accepted it (a zero time is not yet accepted).
	ix.mu.Lock()
	if ix.connected.Load() != 0 {
		ix.echoes[token] = time.Time{}
	}
	ix.mu.Unlock()
	_, err := ix.db.Exec(ctx, `SELECT pg_notify($1, $2)`, changesChannel, kind+":"+token)
	ix.mu.Lock()
	if _, waiting := ix.echoes[token]; waiting {
		if err != nil {
			delete(ix.echoes, token)
		} else {
			ix.echoes[token] = time.Now()
		}
	}
	ix.mu.Unlock()
	return err
}

// heartbeat sends a notification to itself every heartbeatEvery and checks that every echo
// expected has come back in time; when one has not, notifications have stopped arriving:
// the index stops answering and the listener reconnects (and the index rebuilds).
func (ix *index) heartbeat(ctx context.Context) {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if ix.connected.Load() == 0 {
			continue // reconnecting: the listener marks health itself
		}
		b := make([]byte, 12)
		rand.Read(b)
		sendCtx, cancel := context.WithTimeout(ctx, heartbeatEvery)
		// A failure to send is the database's unavailability, which the listener's own
		// connection reports; only echoes that do not return are judged here.
		_ = ix.sendEcho(sendCtx, "h", hex.EncodeToString(b))
		cancel()
		ix.mu.Lock()
		var late bool
		for _, at := range ix.echoes {
			if !at.IsZero() && time.Since(at) > echoDeadline {
				late = true
				break
			}
		}
		drop := ix.drop
		if late {
			clear(ix.echoes)
		}
		ix.mu.Unlock()
		if late && drop != nil {
			ix.healthy.Store(false)
			slog.Warn("directory index: notifications stopped arriving; reconnecting", "after", echoDeadline)
			drop()
		}
	}
}

// listen holds a connection that LISTENs, forever: on any failure it marks the index
// unhealthy, waits a little and reconnects, and asks for a rebuild (changes may have been
// missed). It stops when ctx ends or the pool is closed.
func (ix *index) listen(ctx context.Context) {
	const firstWait, maxWait = 100 * time.Millisecond, 2 * time.Second
	var gen uint64
	wait := firstWait
	for ctx.Err() == nil {
		gen++
		err := ix.listenOnce(ctx, gen)
		if ix.connected.Load() == gen {
			wait = firstWait // it was connected: a fresh outage starts with a short wait
		}
		ix.connected.Store(0)
		ix.healthy.Store(false)
		if ctx.Err() != nil || errors.Is(err, puddle.ErrClosedPool) {
			return
		}
		slog.Warn("directory index lost the database; reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, maxWait)
	}
}

func (ix *index) listenOnce(ctx context.Context, gen uint64) error {
	ctx, drop := context.WithCancel(ctx)
	defer drop()
	pc, err := ix.db.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection leaves the pool: it only waits, and must not serve queries.
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ix.channel}.Sanitize()); err != nil {
		return err
	}
	ix.mu.Lock()
	clear(ix.echoes) // what was sent before this connection listened cannot come back on it
	ix.drop = drop
	ix.mu.Unlock()
	ix.connected.Store(gen)
	ix.note(func(c *changes) { c.all = gen })
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		ix.lastHeard.Store(time.Now().UnixNano())
		if kind, token, _ := strings.Cut(n.Payload, ":"); kind == "h" || kind == "s" {
			ix.mu.Lock()
			delete(ix.echoes, token)
			ix.mu.Unlock()
			if kind == "h" {
				continue
			}
		}
		ix.note(func(c *changes) { c.add(n.Payload) })
	}
}

// add files one notification's payload.
func (c *changes) add(payload string) {
	kind, rest, _ := strings.Cut(payload, ":")
	switch kind {
	case "a":
		if rest == "*" {
			c.all = max(c.all, 1) // keep a reconnect's generation if one is waiting
			return
		}
		for _, s := range strings.Split(rest, ",") {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				if c.ids == nil {
					c.ids = map[int64]bool{}
				}
				c.ids[id] = true
			}
		}
	case "t":
		c.taxonomy = true
	case "s":
		c.syncs = append(c.syncs, rest)
	default:
		c.other = true
	}
}

func (ix *index) note(fn func(*changes)) {
	ix.mu.Lock()
	fn(&ix.pending)
	ix.mu.Unlock()
	select {
	case ix.kick <- struct{}{}:
	default:
	}
}

// apply takes pending changes and applies them, one batch at a time.
func (ix *index) apply(ctx context.Context) {
	retry := 250 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case <-ix.kick:
		}
		ix.mu.Lock()
		c := ix.pending
		ix.pending = changes{}
		ix.mu.Unlock()
		if err := ix.applyBatch(ctx, c); err != nil {
			if ctx.Err() != nil || errors.Is(err, puddle.ErrClosedPool) {
				return // shutting down
			}
			// Put the batch back, rebuild whole next time, and try again shortly: the
			// listener will notice too if the database has gone.
			ix.healthy.Store(false)
			slog.Warn("directory index could not load changes; retrying", "err", err)
			ix.mu.Lock()
			ix.pending.all = max(ix.pending.all, c.all, 1)
			ix.pending.syncs = append(ix.pending.syncs, c.syncs...)
			ix.mu.Unlock()
			time.AfterFunc(retry, func() { ix.note(func(*changes) {}) })
			retry = min(retry*2, 2*time.Second)
			continue
		}
		retry = 250 * time.Millisecond
		ix.mu.Lock()
		for _, t := range c.syncs {
			if done, ok := ix.waiters[t]; ok {
				close(done)
				delete(ix.waiters, t)
			}
		}
		ix.mu.Unlock()
	}
}

func (ix *index) applyBatch(ctx context.Context, c changes) error {
	old := ix.snap.Load()
	if old == nil && c.all == 0 {
		return nil // nothing to change yet: the first rebuild is on its way
	}
	if c.all == 0 && len(ix.recent)+len(c.ids) > maxRecent {
		c.all = 1
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	switch {
	case c.all != 0:
		tax, err := loadTaxonomy(ctx, ix.db)
		if err != nil {
			return err
		}
		base, live, public, err := loadPart(ctx, ix.db, 0, nil)
		if err != nil {
			return err
		}
		ix.lastVersion++
		ix.recent = map[int64]bool{}
		ix.snap.Store(newSnapshot(ix.lastVersion, base, live, public, tax))
		ix.rebuilds.Add(1)
		// Healthy again only if the connection that asked for this rebuild is still the
		// live one; a rebuild for a bulk load leaves health as it is.
		if gen := ix.connected.Load(); gen != 0 && (c.all == gen || ix.healthy.Load()) {
			ix.healthy.Store(true)
		}
		select {
		case <-ix.built:
		default:
			close(ix.built)
		}
		return nil
	case len(c.ids) > 0:
		// The recent part is read again whole, with the new changes: it is small, and this
		// keeps it in rank order among itself.
		recent := maps.Clone(ix.recent)
		maps.Copy(recent, c.ids)
		ids := slices.Collect(maps.Keys(recent))
		pt, live, public, err := loadPart(ctx, ix.db, uint32(old.base.docs.len()), ids)
		if err != nil {
			return err
		}
		next := old.withChanges(ix.lastVersion+1, recent, pt, live, public)
		if c.taxonomy {
			if next.tax, err = loadTaxonomy(ctx, ix.db); err != nil {
				return err
			}
		}
		ix.lastVersion++
		ix.recent = recent
		ix.snap.Store(next)
	case c.taxonomy || c.other:
		next := *old
		if c.taxonomy {
			var err error
			if next.tax, err = loadTaxonomy(ctx, ix.db); err != nil {
				return err
			}
		}
		ix.lastVersion++
		next.version = ix.lastVersion
		ix.snap.Store(&next)
	}
	return nil
}

// version is the snapshot's version, and whether the index is in touch with the database so
// that something read now may be kept until the version changes.
func (ix *index) version() (uint64, bool) {
	ix.start()
	s := ix.snap.Load()
	if s == nil || !ix.healthy.Load() {
		return 0, false
	}
	return s.version, true
}

// IndexStats says how the search index stands, for metrics.
type IndexStats struct {
	Built     bool
	Healthy   bool      // in touch with the database: answering
	Documents uint64    // current agencies (what staff may see)
	Public    uint64    // of which the public may see
	Version   uint64    // changes with every applied change
	LastHeard time.Time // the last notification (heartbeats arrive every second)
	Rebuilds  uint64    // whole rebuilds since start
}

func (ix *index) stats() IndexStats {
	st := IndexStats{Healthy: ix.healthy.Load(), Rebuilds: ix.rebuilds.Load()}
	if n := ix.lastHeard.Load(); n != 0 {
		st.LastHeard = time.Unix(0, n)
	}
	if s := ix.snap.Load(); s != nil {
		st.Built, st.Version = true, s.version
		st.Documents, st.Public = s.live.GetCardinality(), s.public.GetCardinality()
	}
	return st
}
