package resilience

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// lockFor is how long TestDatabaseBusy holds its lock: longer than the database may stay
// silent before it is judged frozen (1 s, internal/postgres/limit.go), and than the 2 s a
// frozen database's visitors wait, so only a limiter that tells busy from frozen passes.
const lockFor = 3 * time.Second

// TestDatabaseBusy makes PostgreSQL slow but working: a transaction holds the agencies table
// locked for lockFor, so every statement of a signed-in visitor's pages, and every write,
// waits for it, while the server answers everything else. Nobody may be turned away: every
// answer is the page (or the 303 of a write), and some of the officer's requests must have
// waited out the lock, or the test proved nothing.
func TestDatabaseBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL and the built app")
	}
	rg := newRig(t)
	var (
		mu      sync.Mutex
		results []result
	)
	record := func(r result) {
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	}
	loadCtx, stopLoad := context.WithCancel(context.Background())
	anon := newClient()
	paths := append(slices.Clone(rg.paths), "/healthz")
	readers := loop(loadCtx, 2, func(w, i int) {
		record(do(anon, http.MethodGet, rg.app.URL, paths[(w*3+i)%len(paths)], nil))
	})
	officer := loop(loadCtx, 2, func(w, i int) {
		if w == 0 {
			r := do(rg.officer, http.MethodGet, rg.app.URL, []string{"/my/organisation", "/"}[i%2], nil)
			r.Op = "officer " + r.Op
			record(r)
			return
		}
		r := do(rg.officer, http.MethodPost, rg.app.URL, "/my/organisation/contacts", url.Values{
			"role_title": {fmt.Sprintf("Busy check %d", i)}, "kind": {"general"}, "visibility": {"public"},
		})
		r.Op = "write"
		record(r)
	})
	defer func() { stopLoad(); readers.Wait(); officer.Wait() }()
	time.Sleep(time.Second)

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, rg.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE agencies IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	lockedAt := time.Now()
	time.Sleep(lockFor)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	releasedAt := time.Now()
	time.Sleep(time.Second)
	stopLoad()
	readers.Wait()
	officer.Wait()

	var bad []string
	held := map[string]int{} // answers that waited out most of the lock
	for _, r := range results {
		good := r.Err == nil && (r.Status == http.StatusOK || r.Op == "write" && r.Status == http.StatusSeeOther)
		if !good && len(bad) < 20 {
			bad = append(bad, fmt.Sprintf("%s (started %s after the lock was taken)", r, r.Start.Sub(lockedAt).Round(time.Millisecond)))
		}
		// Held: waiting through at least half the lock, longer than the 1 s after which a
		// silent database is judged frozen. Measured against the lock's planned end, not
		// releasedAt: the server lets the waiting statement go when it reads the rollback,
		// which can be before the test's Rollback call has returned. Not "asked in the first
		// quarter": on a loaded machine a write can still be finishing the one before then.
		if overlap(r.Start, r.End, lockedAt, lockedAt.Add(lockFor)) >= lockFor/2 {
			held[r.Op]++
		}
	}
	t.Logf("%d answers; held by the lock (waiting through half of it or more): %v", len(results), held)
	if len(bad) > 0 {
		t.Errorf("a busy database turned visitors away (first %d):\n%s", len(bad), strings.Join(bad, "\n"))
	}
	if held["officer GET /my/organisation"]+held["officer GET /"] == 0 || held["write"] == 0 {
		t.Errorf("no page and write of the officer waited out the lock: the test proved nothing")
		for _, r := range results {
			if r.Op != "write" && !strings.HasPrefix(r.Op, "officer ") {
				continue
			}
			if r.End.After(lockedAt.Add(-time.Second)) && r.Start.Before(releasedAt.Add(time.Second)) {
				t.Logf("%s: started %s, ended %s after the lock was taken (released at %s)", r, r.Start.Sub(lockedAt).Round(time.Millisecond),
					r.End.Sub(lockedAt).Round(time.Millisecond), releasedAt.Sub(lockedAt).Round(time.Millisecond))
			}
		}
	}
}

// overlap is how long the spans [a0, a1] and [b0, b1] share.
func overlap(a0, a1, b0, b1 time.Time) time.Duration {
	from, to := a0, a1
	if b0.After(from) {
		from = b0
	}
	if b1.Before(to) {
		to = b1
	}
	return max(to.Sub(from), 0)
}
