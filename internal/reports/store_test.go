package reports_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/reports"
	"dadirectory/internal/validate"
)

func exec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func newUser(t *testing.T, pool *pgxpool.Pool, name string, role access.Role) access.Viewer {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role) VALUES ($1, $2, $3) RETURNING id`,
		strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.org", name, string(role)).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return access.Viewer{UserID: id, Role: role}
}

// setup makes a public agency "refuge", a staff-only one "duty-desk" and an archived one "gone".
func setup(t *testing.T) (*pgxpool.Pool, *reports.Store) {
	pool := pgtest.New(t)
	exec(t, pool, `INSERT INTO agencies (slug, name, kind, visibility) VALUES ('refuge', 'Town Refuge', 'da_agency', 'public'),
		('duty-desk', 'Duty Desk', 'council', 'staff')`)
	exec(t, pool, `INSERT INTO agencies (slug, name, kind, archived_at) VALUES ('gone', 'Gone Agency', 'other', now())`)
	return pool, reports.NewStore(pool, reports.Throttle{Window: time.Hour, Limit: 3}, nil)
}

func TestSubmitValidation(t *testing.T) {
	pool, s := setup(t)
	ctx := context.Background()
	long := strings.Repeat("a", reports.MaxNote+1)
	for name, tc := range map[string]struct {
		in    reports.Input
		field string
	}{
		"no kind":            {reports.Input{}, "kind"},
		"unknown kind":       {reports.Input{Kind: "bogus"}, "kind"},
		"sql kind":           {reports.Input{Kind: "phone'; DROP TABLE problem_reports; --"}, "kind"},
		"oversized note":     {reports.Input{Kind: "phone", Note: long}, "note"},
		"invalid UTF-8 note": {reports.Input{Kind: "phone", Note: "bad \xff\xfe"}, "note"},
		"script note":        {reports.Input{Kind: "phone", Note: "<script>alert(1)</script>"}, "note"},
		"control note":       {reports.Input{Kind: "phone", Note: "a\x00b"}, "note"},
		"bidi note":          {reports.Input{Kind: "phone", Note: "abc\u202edef"}, "note"},
		"mailto bcc":         {reports.Input{Kind: "phone", ReplyEmail: "help@org.uk?bcc=x@evil.example"}, "reply_email"},
		"mailto cc param":    {reports.Input{Kind: "phone", ReplyEmail: "help@org.uk?cc=x"}, "reply_email"},
		"mailto newline":     {reports.Input{Kind: "phone", ReplyEmail: "help@org.uk\r\nBcc: x@evil.example"}, "reply_email"},
		"not an email":       {reports.Input{Kind: "phone", ReplyEmail: "nobody"}, "reply_email"},
		"oversized email":    {reports.Input{Kind: "phone", ReplyEmail: strings.Repeat("a", 250) + "@ex.org"}, "reply_email"},
		"invalid UTF-8 mail": {reports.Input{Kind: "phone", ReplyEmail: "a\xff@ex.org"}, "reply_email"},
	} {
		_, err := s.Submit(ctx, access.Public, "refuge", tc.in, "192.0.2.1")
		var invalid validate.Errors
		if !errors.As(err, &invalid) || !invalid.Has(tc.field) {
			t.Errorf("%s: want an error on %s, got %v", name, tc.field, err)
		}
	}
	if n := count(t, pool, `SELECT count(*) FROM problem_reports`) + count(t, pool, `SELECT count(*) FROM problem_report_submissions`); n != 0 {
		t.Errorf("bad input stored %d rows", n)
	}

	// SQL metacharacters in the note are only text.
	note := "Robert'); DROP TABLE problem_reports; -- the number 0141 496 0000 is \"dead\" & <3"
	r, err := s.Submit(ctx, access.Public, "refuge", reports.Input{Kind: " phone ", Note: note, ReplyEmail: " name+da@example.co.uk "}, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Note != note || r.ReplyEmail != "name+da@example.co.uk" || r.Kind != reports.KindPhone || r.Status != reports.StatusOpen ||
		r.AgencyName != "Town Refuge" || r.Version != 1 {
		t.Errorf("stored %+v", r)
	}
}

func TestSubmitVisibility(t *testing.T) {
	_, s := setup(t)
	ctx := context.Background()
	staff := access.Viewer{UserID: 1, Role: access.HousingStaff}
	in := reports.Input{Kind: "closed"}
	for _, tc := range []struct {
		v    access.Viewer
		slug string
		ok   bool
	}{
		{access.Public, "refuge", true}, {access.Public, "duty-desk", false}, {access.Public, "gone", false},
		{access.Public, "nope", false}, {access.Public, "../x", false},
		{staff, "duty-desk", true}, {staff, "gone", false},
	} {
		_, err := s.AgencyFor(ctx, tc.v, tc.slug)
		if tc.ok != (err == nil) || (!tc.ok && !errors.Is(err, edit.ErrNotFound)) {
			t.Errorf("AgencyFor(%v, %s): %v", tc.v.Role, tc.slug, err)
		}
		_, err = s.Submit(ctx, tc.v, tc.slug, in, "192.0.2.9")
		if tc.ok != (err == nil) || (!tc.ok && !errors.Is(err, edit.ErrNotFound)) {
			t.Errorf("Submit(%v, %s): %v", tc.v.Role, tc.slug, err)
		}
	}
}

func TestSubmitThrottle(t *testing.T) {
	pool, s := setup(t)
	ctx := context.Background()
	in := reports.Input{Kind: "hours"}
	for i := range 3 {
		if _, err := s.Submit(ctx, access.Public, "refuge", in, "198.51.100.7"); err != nil {
			t.Fatalf("report %d: %v", i+1, err)
		}
	}
	_, err := s.Submit(ctx, access.Public, "refuge", in, "198.51.100.7")
	var throttled *reports.ThrottledError
	if !errors.As(err, &throttled) || throttled.Minutes() < 59 || throttled.Minutes() > 60 {
		t.Fatalf("fourth report: %v", err)
	}
	// Another address is not held up.
	if _, err := s.Submit(ctx, access.Public, "refuge", in, "198.51.100.8"); err != nil {
		t.Fatal(err)
	}
	// The address itself is stored nowhere.
	if n := count(t, pool, `SELECT count(*) FROM problem_report_submissions WHERE position('198.51.100' in encode(client, 'escape')) > 0`); n != 0 {
		t.Error("the address is stored")
	}
	if n := count(t, pool, `SELECT count(*) FROM problem_reports`); n != 4 {
		t.Errorf("%d reports", n)
	}
	// Once the window has passed, the address may report again; old rows are pruned.
	exec(t, pool, `UPDATE problem_report_submissions SET submitted_at = submitted_at - interval '2 days'`)
	if _, err := s.Submit(ctx, access.Public, "refuge", in, "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM problem_report_submissions`); n != 1 {
		t.Errorf("%d throttle rows after pruning", n)
	}
}

func TestUpdateStatus(t *testing.T) {
	pool, s := setup(t)
	ctx := context.Background()
	ana, ben := newUser(t, pool, "Ana Admin", access.Admin), newUser(t, pool, "Ben Admin", access.Admin)
	staff := newUser(t, pool, "Sam Staff", access.HousingStaff)
	r, err := s.Submit(ctx, access.Public, "refuge", reports.Input{Kind: "phone", Note: "rings out", ReplyEmail: "me@example.org"}, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []access.Viewer{access.Public, staff} {
		if _, err := s.List(ctx, v, ""); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%v lists reports: %v", v.Role, err)
		}
		if _, err := s.Report(ctx, v, r.ID); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%v reads a report: %v", v.Role, err)
		}
		if _, err := s.UpdateStatus(ctx, v, r.ID, reports.StatusInput{Status: "resolved", ResolutionNote: "x"}, 1); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%v changes a report: %v", v.Role, err)
		}
	}

	// Resolving needs a note.
	_, err = s.UpdateStatus(ctx, ana, r.ID, reports.StatusInput{Status: "resolved"}, 1)
	var invalid validate.Errors
	if !errors.As(err, &invalid) || !invalid.Has("resolution_note") {
		t.Errorf("resolved without a note: %v", err)
	}
	_, err = s.UpdateStatus(ctx, ana, r.ID, reports.StatusInput{Status: "done"}, 1)
	if !errors.As(err, &invalid) || !invalid.Has("status") {
		t.Errorf("unknown status: %v", err)
	}

	// A save that changes nothing writes nothing.
	same, err := s.UpdateStatus(ctx, ana, r.ID, reports.StatusInput{Status: "open"}, 1)
	if err != nil || same.Version != 1 || count(t, pool, `SELECT count(*) FROM audit_events WHERE entity_type = 'problem_report'`) != 0 {
		t.Errorf("no-change save: %v %+v", err, same)
	}

	got, err := s.UpdateStatus(ctx, ana, r.ID, reports.StatusInput{Status: "in_progress"}, 1)
	if err != nil || got.Status != reports.StatusInProgress || got.Version != 2 || got.ResolvedAt != nil {
		t.Fatalf("in progress: %v %+v", err, got)
	}
	// Ben's form was opened on version 1: refused, with the report as it is now and who saved it.
	_, err = s.UpdateStatus(ctx, ben, r.ID, reports.StatusInput{Status: "resolved", ResolutionNote: "fixed"}, 1)
	var conflict *edit.ConflictError[reports.Report]
	if !errors.As(err, &conflict) || conflict.Current.Version != 2 || conflict.SavedBy != "Ana Admin" {
		t.Fatalf("stale save: %v", err)
	}
	got, err = s.UpdateStatus(ctx, ben, r.ID, reports.StatusInput{Status: "resolved", ResolutionNote: "Number corrected"}, 2)
	if err != nil || got.Status != reports.StatusResolved || got.ResolvedAt == nil || got.ResolvedBy != "Ben Admin" || got.Version != 3 {
		t.Fatalf("resolve: %v %+v", err, got)
	}

	// Audited, without the reporter's note or email.
	var before, after string
	if err := pool.QueryRow(ctx, `SELECT before::text, after::text FROM audit_events
		WHERE entity_type = 'problem_report' AND entity_id = $1 AND actor_id = $2 AND action = 'problem_report.update'`,
		r.ID, ben.UserID).Scan(&before, &after); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(before, "in_progress") || !strings.Contains(after, "Number corrected") ||
		strings.Contains(after+before, "me@example.org") || strings.Contains(after+before, "rings out") {
		t.Errorf("audit: %s -> %s", before, after)
	}

	// Reopening clears when and by whom it was resolved.
	got, err = s.UpdateStatus(ctx, ana, r.ID, reports.StatusInput{Status: "open", ResolutionNote: "Number corrected"}, 3)
	if err != nil || got.ResolvedAt != nil || got.ResolvedBy != "" {
		t.Errorf("reopen: %v %+v", err, got)
	}
	if _, err := s.UpdateStatus(ctx, ana, r.ID+100, reports.StatusInput{Status: "open"}, 1); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("missing report: %v", err)
	}
}

func TestListOrderAndCounts(t *testing.T) {
	pool, s := setup(t)
	ctx := context.Background()
	ana := newUser(t, pool, "Ana Admin", access.Admin)
	var ids []int64
	for i, k := range []string{"phone", "email", "hours"} {
		r, err := s.Submit(ctx, access.Public, "refuge", reports.Input{Kind: k}, "192.0.2."+string(rune('1'+i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	exec(t, pool, `UPDATE problem_reports SET created_at = created_at - (id::text || ' minutes')::interval * -1`)
	if _, err := s.UpdateStatus(ctx, ana, ids[2], reports.StatusInput{Status: "resolved", ResolutionNote: "ok"}, 1); err != nil {
		t.Fatal(err)
	}
	all, err := s.List(ctx, ana, "")
	if err != nil || len(all) != 3 || all[0].ID != ids[1] || all[1].ID != ids[0] || all[2].ID != ids[2] {
		t.Errorf("list: %v %+v", err, all)
	}
	resolved, err := s.List(ctx, ana, reports.StatusResolved)
	if err != nil || len(resolved) != 1 || resolved[0].ID != ids[2] {
		t.Errorf("resolved: %v %+v", err, resolved)
	}
	if _, err := s.List(ctx, ana, "bogus"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("bogus filter: %v", err)
	}
	c, err := s.Counts(ctx, ana)
	if err != nil || c[reports.StatusOpen] != 2 || c[reports.StatusResolved] != 1 {
		t.Errorf("counts: %v %v", err, c)
	}
	if n, err := s.OpenCount(ctx, ana); err != nil || n != 2 {
		t.Errorf("open count: %d %v", n, err)
	}
	if _, err := s.OpenCount(ctx, access.Public); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("public open count: %v", err)
	}
}
