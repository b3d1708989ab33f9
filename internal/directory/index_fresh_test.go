package directory_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// Two instances of the app share one database. An edit committed through either must show
// in the other's searches within a second, with visibility exact, and an instance that loses
// its connection must refuse to answer (503) rather than serve what may be stale, then
// recover by itself.

func twoInstances(t *testing.T) (db *pgxpool.Pool, other *directory.Store) {
	t.Helper()
	url := pgtest.URL(t)
	ctx := context.Background()
	var pools [2]*pgxpool.Pool
	for i := range pools {
		p, err := pgxpool.New(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		pools[i] = p
	}
	if _, err := seed.Demo(ctx, pools[0]); err != nil {
		t.Fatal(err)
	}
	other = directory.NewStore(pools[1])
	t.Cleanup(other.Close)
	ready(t, other)
	return pools[0], other
}

func ready(t *testing.T, s *directory.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if !s.Ready(ctx) {
		for !s.Ready(ctx) && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
		if ctx.Err() != nil {
			t.Fatal("index not ready in 20 s")
		}
	}
}

// within polls until found says the search shows what is wanted, failing after limit.
func within(t *testing.T, limit time.Duration, what string, found func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !found() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not seen within %s", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func slugsFor(t *testing.T, s *directory.Store, v access.Viewer, text string) []string {
	t.Helper()
	res, err := s.Search(context.Background(), v, directory.Query{Text: text, Page: 1})
	if err != nil {
		return nil // briefly unavailable counts as not seen yet
	}
	var out []string
	for _, a := range res.Agencies {
		out = append(out, a.Slug)
	}
	return out
}

func TestIndexFreshAcrossInstances(t *testing.T) {
	db, other := twoInstances(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	// A new word in a name.
	exec(`UPDATE agencies SET name = 'Samaritans Zephyrine Line' WHERE slug = 'samaritans'`)
	took := within(t, time.Second, "renamed agency", func() bool {
		return slices.Equal(slugsFor(t, other, access.Public, "zephyrine"), []string{"samaritans"})
	})
	t.Logf("rename seen by the other instance after %s", took)

	// Made staff-only: gone from the public set, still found by staff.
	exec(`UPDATE agencies SET visibility = 'staff' WHERE slug = 'samaritans'`)
	within(t, time.Second, "staff-only agency hidden from the public", func() bool {
		return len(slugsFor(t, other, access.Public, "zephyrine")) == 0 &&
			slices.Equal(slugsFor(t, other, staff, "zephyrine"), []string{"samaritans"})
	})
	// Archived: gone for everyone.
	exec(`UPDATE agencies SET archived_at = now() WHERE slug = 'samaritans'`)
	within(t, time.Second, "archived agency gone", func() bool {
		return len(slugsFor(t, other, staff, "zephyrine")) == 0
	})
	// A bulk insert (more than the triggers list one by one) rebuilds the index whole.
	exec(`INSERT INTO agencies (slug, name, kind, summary, demo)
		SELECT 'bulk-' || g, 'Bulkfield Service ' || g, 'other', 'Made in bulk.', true FROM generate_series(1, 600) g`)
	within(t, 10*time.Second, "bulk-loaded agencies", func() bool {
		res, err := other.Search(ctx, access.Public, directory.Query{Text: "bulkfield", Page: 1})
		return err == nil && res.Total == 600
	})
	// Filters follow area changes.
	exec(`INSERT INTO agency_areas (agency_id, area_id) SELECT a.id, t.id FROM agencies a, areas t
		WHERE a.slug = 'bulk-7' AND t.slug = 'motherwell'`)
	within(t, time.Second, "new area of an agency", func() bool {
		res, err := other.Search(ctx, access.Public, directory.Query{Text: "bulkfield", Areas: []string{"motherwell"}, Page: 1})
		return err == nil && res.Total == 1 && res.Agencies[0].Slug == "bulk-7"
	})
}

func TestIndexSyncSeesEverythingCommittedBefore(t *testing.T) {
	db, other := twoInstances(t)
	ctx := context.Background()
	for i := range 20 {
		name := "Quillon Support " + string(rune('A'+i))
		if _, err := db.Exec(ctx, `UPDATE agencies SET name = $1 WHERE slug = 'samaritans'`, name); err != nil {
			t.Fatal(err)
		}
		if err := other.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := other.Search(ctx, access.Public, directory.Query{Text: "quillon", Page: 1})
		if err != nil || len(res.Agencies) != 1 || res.Agencies[0].Name != name {
			t.Fatalf("after Sync: %v %+v, want %q", err, res.Agencies, name)
		}
	}
}

func TestIndexRefusesWhileOutOfTouchAndRecovers(t *testing.T) {
	db, other := twoInstances(t)
	ctx := context.Background()
	// Cut the other instance's listening connection, as a database restart would, and change
	// something while it is away.
	if _, err := db.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN%'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE agencies SET name = 'Samaritans Vellichor' WHERE slug = 'samaritans'`); err != nil {
		t.Fatal(err)
	}
	sawRefusal := false
	took := within(t, 10*time.Second, "recovery after the connection was cut", func() bool {
		res, err := other.Search(ctx, access.Public, directory.Query{Text: "vellichor", Page: 1})
		if err != nil {
			if !postgres.IsUnavailable(err) {
				t.Fatalf("while out of touch: %v, want an unavailable error", err)
			}
			sawRefusal = true
			return false
		}
		return res.Total == 1
	})
	t.Logf("recovered after %s (refused meanwhile: %v)", took, sawRefusal)
	if !other.Ready(ctx) {
		t.Error("not ready after recovering")
	}
}

// Notifications can stop with no error at all (a transaction-mode PgBouncer sends the
// LISTEN to another server connection). The index must notice from its heartbeat and stop
// serving what it no longer knows to be current: an agency made staff-only must not stay
// in public searches beyond the heartbeat's deadline.
func TestIndexNoticesWhenNotificationsStopSilently(t *testing.T) {
	db, other := twoInstances(t)
	ctx := context.Background()
	directory.MisdirectNotifications(other)
	// A Sync through the deaf index cannot complete: it must fail, not hang.
	syncCtx, cancel := context.WithTimeout(ctx, time.Second)
	if err := other.Sync(syncCtx); err == nil {
		t.Error("Sync succeeded with no notification arriving")
	}
	cancel()
	if _, err := db.Exec(ctx, `UPDATE agencies SET visibility = 'staff' WHERE slug = 'samaritans'`); err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	// Stale answers are allowed only until the heartbeat has had time to miss its echo (5 s)
	// and then some, for a busy machine; after that, every answer is a refusal or current.
	const staleAllowed = 15 * time.Second
	var fresh, refused int
	for time.Since(changed) < 25*time.Second && fresh == 0 {
		res, err := other.Search(ctx, access.Public, directory.Query{Text: "samaritans", Page: 1})
		switch {
		case err != nil && postgres.IsUnavailable(err):
			refused++
		case err != nil:
			t.Fatalf("search: %v", err)
		case res.Total == 0:
			fresh++
		case time.Since(changed) > staleAllowed:
			t.Fatalf("%s after the agency was made staff-only, the public still finds it", time.Since(changed).Round(time.Second))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if fresh == 0 {
		t.Fatal("the index never caught up with the change")
	}
	t.Logf("current after %s (refusals meanwhile: %d)", time.Since(changed).Round(100*time.Millisecond), refused)
}

// The index reads each agency's search_vector as text: it must file exactly the lexemes, and
// the weights, that PostgreSQL's own functions list.
func TestIndexFilesWhatPostgresIndexed(t *testing.T) {
	_, pool := demoStore(t)
	ctx := context.Background()
	got, err := directory.LexemeClasses(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT slug, tsvector_to_array(ts_filter(search_vector, '{a}')),
		tsvector_to_array(ts_filter(search_vector, '{b}')), tsvector_to_array(search_vector)
		FROM agencies WHERE archived_at IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var slug string
		var a, b, all []string
		if err := rows.Scan(&slug, &a, &b, &all); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{}
		for _, l := range all {
			want[l] = 2
		}
		for _, l := range b {
			want[l] = 1
		}
		for _, l := range a {
			want[l] = 0
		}
		if len(got[slug]) != len(want) {
			t.Errorf("%s: %d lexemes filed, PostgreSQL lists %d", slug, len(got[slug]), len(want))
		}
		for l, c := range want {
			if g, ok := got[slug][l]; !ok || g != c {
				t.Errorf("%s: lexeme %q filed as %d (%v), want %d", slug, l, g, ok, c)
			}
		}
		n++
	}
	if n < 20 {
		t.Fatalf("only %d agencies checked", n)
	}
}

// Agency pages and the key contacts are kept between changes: a change to a contact, an
// agency or its visibility must never leave the old answer in place.
func TestKeptPagesFollowChanges(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
		if err := s.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ready(t, s)
	var slug string
	var contactID int64
	if err := pool.QueryRow(ctx, `SELECT a.slug, c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.is_key AND c.visibility = 'public' AND a.visibility = 'public' AND c.archived_at IS NULL
		ORDER BY c.key_order LIMIT 1`).Scan(&slug, &contactID); err != nil {
		t.Fatal(err)
	}
	for round, title := range []string{"Kept Page Check One", "Kept Page Check Two"} {
		// Read twice (the second from the cache), change, read again.
		for range 2 {
			if _, err := s.Agency(ctx, access.Public, slug); err != nil {
				t.Fatal(err)
			}
			if _, err := s.KeyContacts(ctx, access.Public); err != nil {
				t.Fatal(err)
			}
		}
		exec(`UPDATE contacts SET role_title = $1 WHERE id = $2`, title, contactID)
		a, err := s.Agency(ctx, access.Public, slug)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(a.Contacts, func(c directory.Contact) bool { return c.RoleTitle == title }) {
			t.Errorf("round %d: agency page kept the old contact", round)
		}
		key, _ := s.KeyContacts(ctx, access.Public)
		if !slices.ContainsFunc(key, func(c directory.Contact) bool { return c.RoleTitle == title }) {
			t.Errorf("round %d: key contacts kept the old contact", round)
		}
	}
	// Made staff-only, the agency's kept page must not be shown to the public.
	exec(`UPDATE agencies SET visibility = 'staff' WHERE slug = $1`, slug)
	if _, err := s.Agency(ctx, access.Public, slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("staff-only agency shown to the public from the cache: %v", err)
	}
	key, _ := s.KeyContacts(ctx, access.Public)
	if slices.ContainsFunc(key, func(c directory.Contact) bool { return c.ID == contactID }) {
		t.Error("key contacts of a staff-only agency shown to the public from the cache")
	}
}

// TestSyncBeforeTheListenerListens: Sync called at once on a new store returns (its echo is
// not sent into the void before the listener listens) and the change is then in.
func TestSyncBeforeTheListenerListens(t *testing.T) {
	for range 5 {
		s, pool := demoStore(t)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if _, err := pool.Exec(ctx, `UPDATE agencies SET archived_at = now() WHERE slug = 'galop'`); err != nil {
			t.Fatal(err)
		}
		if err := s.Sync(ctx); err != nil {
			t.Fatalf("Sync on a new store: %v", err)
		}
		if _, err := s.Agency(ctx, staff, "galop"); !errors.Is(err, edit.ErrNotFound) {
			t.Fatalf("after Sync, the archived agency is still there: %v", err)
		}
		cancel()
	}
}
