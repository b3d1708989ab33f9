package resilience

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/postgres"
)

// The bounds the issue sets.
const (
	answerWithin  = 2 * time.Second  // every request during an outage is answered this fast
	recoverWithin = 10 * time.Second // pages work again this soon after PostgreSQL is back
)

// TestDatabaseOutage stops PostgreSQL under the running app and starts it again. See doc.go.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts its own PostgreSQL and the built app")
	}
	ctx := context.Background()
	rig := newRig(t)
	app, officer, paths, dbURL := rig.app, rig.officer, rig.paths, rig.dbURL

	// Load: four readers over the public pages and the health checks, and the officer adding
	// contacts one after another. Every answer is kept with its timing.
	var (
		mu      sync.Mutex
		results []result
		acked   []string // role titles of contacts whose creation the app acknowledged
	)
	record := func(r result) {
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
		if r.Err != nil || r.Status >= 300 {
			time.Sleep(20 * time.Millisecond) // an outage answers at once: don't spin
		}
	}
	loadCtx, stopLoad := context.WithCancel(ctx)
	readerPaths := append(slices.Clone(paths), "/healthz", "/readyz")
	anon := newClient()
	readers := loop(loadCtx, 4, func(w, i int) {
		record(do(anon, http.MethodGet, app.URL, readerPaths[(w*3+i)%len(readerPaths)], nil))
	})
	writer := loop(loadCtx, 1, func(_, i int) {
		title := fmt.Sprintf("Resilience check %d", i)
		r := do(officer, http.MethodPost, app.URL, "/my/organisation/contacts", url.Values{
			"role_title": {title}, "kind": {"general"}, "visibility": {"public"},
		})
		r.Op = "write"
		if r.Err == nil && r.Status == http.StatusSeeOther && r.Location == "/my/organisation" {
			mu.Lock()
			acked = append(acked, title)
			mu.Unlock()
		}
		record(r)
	})
	defer func() { stopLoad(); readers.Wait(); writer.Wait() }()

	time.Sleep(3 * time.Second) // warm-up: everything works

	stopAt := time.Now()
	if err := rig.cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	rig.stopped = true
	downAt := time.Now()
	time.Sleep(4 * time.Second) // the outage, under load

	restartAt := time.Now()
	cluster2, err := postgres.StartCluster(ctx, rig.dir, slog.New(slog.DiscardHandler), postgres.ClusterOptions{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	rig.stopped = false
	if cluster2.URL() != rig.cluster.URL() {
		t.Fatalf("restarted cluster moved: %s, was %s", cluster2.URL(), rig.cluster.URL())
	}
	upAt := time.Now()

	// Recovery: the first moment /readyz and every page (the officer's too) answer 200.
	recoveredAt, lastFailure := waitRecovered(app.URL, paths, officer, upAt.Add(recoverWithin+10*time.Second))
	time.Sleep(3 * time.Second) // load after recovery
	stopLoad()
	readers.Wait()
	writer.Wait()

	t.Logf("PostgreSQL stop took %s, restart %s; app recovered %s after PostgreSQL was back; %d requests, %d writes acknowledged",
		downAt.Sub(stopAt).Round(time.Millisecond), upAt.Sub(restartAt).Round(time.Millisecond),
		recoveredAt.Sub(upAt).Round(time.Millisecond), len(results), len(acked))

	if recoveredAt.IsZero() || recoveredAt.Sub(upAt) > recoverWithin {
		t.Errorf("app did not recover within %s of PostgreSQL being back; last failure: %v", recoverWithin, lastFailure)
	}
	if !app.running() {
		t.Fatalf("the app exited: %v", app.err)
	}

	checkOutageAnswers(t, results, stopAt, downAt, restartAt, recoveredAt)
	checkAcknowledged(t, dbURL, acked, results, stopAt, recoveredAt)
}

// rig is the built app serving a PostgreSQL cluster of the test's own (stopping it must not
// touch anyone else's databases), with the demo data and a signed-in RSL officer.
type rig struct {
	dir     string
	cluster *postgres.Cluster
	stopped bool
	dbURL   string
	app     *appProcess
	officer *http.Client
	paths   []string // public pages, all needing the database
}

func newRig(t *testing.T) *rig {
	t.Helper()
	bin := appBinary(t)
	rg := &rig{dir: filepath.Join(t.TempDir(), "pg")}
	var err error
	rg.cluster, err = postgres.StartCluster(context.Background(), rg.dir, nil, postgres.ClusterOptions{Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !rg.stopped {
			rg.cluster.Stop()
		}
		// Under root the data may live outside t.TempDir (see StartCluster).
		if rg.cluster.Dir() != rg.dir {
			os.RemoveAll(rg.cluster.Dir())
		}
	})
	rg.dbURL = createDatabase(t, rg.cluster.URL(), "resilience")
	chore(t, bin, rg.dbURL, "", "seed", "--demo")
	const email, password = "rsl.resilience@example.org", "a long resilience passphrase"
	chore(t, bin, rg.dbURL, password+"\n", "user", "add", "--email", email, "--name", "Rae Resilience",
		"--role", "rsl_officer", "--org", "link-group")
	rg.paths = publicPaths(publicSlugs(t, rg.dbURL, 2))
	rg.app = startServe(t, bin, rg.dbURL)
	rg.officer = signIn(t, rg.app.URL, email, password)
	return rg
}

// checkOutageAnswers holds every answer to the rules of the phase it falls in, by when it
// started and ended against the stop and start of PostgreSQL. Only the outage is measured: an
// answer that is merely slow (a loaded machine) fails nothing unless it could have been a
// request hanging on the missing database, that is unless it ended with its page before
// PostgreSQL came back.
//
//   - before: ended before the stop began. The database was there: it must have succeeded.
//   - outage: started before PostgreSQL was being started again and ended after the stop
//     began. Answered within answerWithin of the later of its start and the stop; once
//     PostgreSQL was down (not just stopping), a page is the friendly 503, /readyz a 503 and
//     /healthz a 200.
//   - coming back: started while PostgreSQL was starting or before the app had recovered:
//     its page, or a fast 503.
//   - after: started after the app had recovered: it must have succeeded.
func checkOutageAnswers(t *testing.T, results []result, stopAt, downAt, restartAt, recoveredAt time.Time) {
	t.Helper()
	ok := func(r result) bool {
		return r.Err == nil && (r.Status == http.StatusOK || r.Op == "write" && r.Status == http.StatusSeeOther)
	}
	seenDown := map[string]int{}
	var bad []string
	fail := func(r result, why string) {
		if len(bad) < 20 {
			bad = append(bad, fmt.Sprintf("%s (started %s after the stop began): %s", r, r.Start.Sub(stopAt).Round(time.Millisecond), why))
		}
	}
	// unavailable reports whether r is the answer of a missing database.
	unavailable := func(r result) bool {
		return r.Err == nil && r.Status == http.StatusServiceUnavailable && (r.Op == "GET /readyz" || r.friendly())
	}
	for _, r := range results {
		switch {
		case r.End.Before(stopAt):
			if !ok(r) {
				fail(r, "failed before the outage")
			}
		case !recoveredAt.IsZero() && r.Start.After(recoveredAt):
			if !ok(r) {
				fail(r, "failed after recovery")
			}
		case !r.Start.Before(restartAt):
			switch {
			case ok(r):
			case !unavailable(r):
				fail(r, "while PostgreSQL was coming back: want the page or the friendly 503")
			case r.took() > answerWithin:
				fail(r, fmt.Sprintf("while PostgreSQL was coming back: a 503 after %s (bound %s)", r.took().Round(time.Millisecond), answerWithin))
			}
		default: // the outage
			if waited := r.End.Sub(maxTime(r.Start, stopAt)); waited > answerWithin && !(ok(r) && r.End.Before(restartAt)) {
				fail(r, fmt.Sprintf("answered %s after the outage began (bound %s)", waited.Round(time.Millisecond), answerWithin))
				continue
			}
			switch {
			case r.Err != nil:
				fail(r, "no answer")
			case r.Op == "GET /healthz":
				if r.Status != http.StatusOK {
					fail(r, "healthz must stay 200")
				}
			case r.Start.Before(downAt) && ok(r):
				// PostgreSQL was still shutting down.
			case !unavailable(r):
				fail(r, "want the friendly 503 (a plain one for /readyz)")
			case !r.Start.Before(downAt):
				seenDown[r.Op]++
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("answers breaking the rules (first %d):\n%s", len(bad), strings.Join(bad, "\n"))
	}
	// Each kind of request must have been tried while PostgreSQL was down, or the checks
	// above prove nothing for it.
	for _, r := range results {
		if _, ok := seenDown[r.Op]; !ok && r.Op != "GET /healthz" {
			t.Errorf("%s was never tried while PostgreSQL was down", r.Op)
			seenDown[r.Op] = -1
		}
	}
	t.Logf("503s while PostgreSQL was down: %v", seenDown)
}

// checkAcknowledged proves no acknowledged write was lost, and that writes were acknowledged
// both before and after the outage.
func checkAcknowledged(t *testing.T, dbURL string, acked []string, results []result, stopAt, recoveredAt time.Time) {
	t.Helper()
	var before, after int
	for _, r := range results {
		if r.Op == "write" && r.Status == http.StatusSeeOther {
			switch {
			case r.End.Before(stopAt):
				before++
			case !recoveredAt.IsZero() && r.Start.After(recoveredAt):
				after++
			}
		}
	}
	if before == 0 || after == 0 {
		t.Errorf("writes acknowledged before the outage: %d, after recovery: %d; want some of each", before, after)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT role_title FROM contacts WHERE role_title LIKE 'Resilience check %'`)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var lost []string
	for _, title := range acked {
		if !slices.Contains(stored, title) {
			lost = append(lost, title)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d acknowledged writes lost: %v", len(lost), lost)
	}
	t.Logf("writes: %d acknowledged, %d stored (a write whose answer was lost may be stored unacknowledged)", len(acked), len(stored))
}

// waitRecovered polls until /readyz and every page answer 200 in one round, or deadline.
func waitRecovered(base string, paths []string, officer *http.Client, deadline time.Time) (time.Time, result) {
	c := newClient()
	var last result
	for time.Now().Before(deadline) {
		good := true
		for _, p := range append([]string{"/readyz"}, paths...) {
			if last = do(c, http.MethodGet, base, p, nil); last.Err != nil || last.Status != http.StatusOK {
				good = false
				break
			}
		}
		if good {
			if last = do(officer, http.MethodGet, base, "/my/organisation", nil); last.Err == nil && last.Status == http.StatusOK {
				return time.Now(), last
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Time{}, last
}

// createDatabase makes a database in the cluster and returns its URL.
func createDatabase(t *testing.T, adminURL, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// publicSlugs are n agencies every visitor may see.
func publicSlugs(t *testing.T, dbURL string, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT slug FROM agencies WHERE visibility = 'public' AND archived_at IS NULL ORDER BY slug LIMIT $1`, n)
	if err != nil {
		t.Fatal(err)
	}
	slugs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(slugs) < n {
		t.Fatalf("public agencies: %v %v", slugs, err)
	}
	return slugs
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
