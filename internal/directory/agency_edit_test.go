package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
)

// editViewer adds a user with role (of the agency with slug, when given) and returns them as a
// Viewer, so audit events have a real actor.
func editViewer(t *testing.T, pool *pgxpool.Pool, role access.Role, slug string) access.Viewer {
	t.Helper()
	v := access.Viewer{Role: role}
	if slug != "" {
		v.AgencyID = editAgencyID(t, pool, slug)
	}
	var agency *int64
	if v.AgencyID != 0 {
		agency = &v.AgencyID
	}
	err := pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role, agency_id)
		VALUES ('edit-' || gen_random_uuid() || '@example.org', 'Editor', $1, $2) RETURNING id`, string(role), agency).Scan(&v.UserID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func editAgencyID(t *testing.T, pool *pgxpool.Pool, slug string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE slug = $1`, slug).Scan(&id); err != nil {
		t.Fatalf("agency %s: %v", slug, err)
	}
	return id
}

// auditCount counts the audit events of action for entity id.
func auditCount(t *testing.T, pool *pgxpool.Pool, action string, id int64) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1 AND entity_id = $2`, action, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// inputOf is the form an officer would send for a, unchanged.
func inputOf(a directory.AgencyEdit) directory.AgencyInput { return a.AgencyInput }

func TestUpdateAgencyByItsOfficer(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	v := editViewer(t, pool, access.RSLOfficer, "link-group")
	a, err := s.AgencyForEdit(ctx, v, v.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Contacts) < 3 || a.ReviewDue == nil || a.Overdue {
		t.Fatalf("loaded %+v", a)
	}
	in := inputOf(a)
	in.Summary = "  Tenancy support and safe moves for tenants.\r\nAsk for the domestic abuse lead.  "
	in.Areas = []string{"wishaw", "airdrie", "wishaw"}
	in.Categories = []string{"housing-advice", "outreach"}
	in.Audiences = []string{"lgbt-plus"}
	got, err := s.UpdateAgency(ctx, v, v.AgencyID, in, a.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != a.Version+1 || got.Summary != "Tenancy support and safe moves for tenants. Ask for the domestic abuse lead." ||
		strings.Join(got.Areas, ",") != "airdrie,wishaw" && strings.Join(got.Areas, ",") != "wishaw,airdrie" {
		t.Errorf("saved %+v", got)
	}
	// The search index reads tags: the names of the new categories and audiences.
	var tags string
	pool.QueryRow(ctx, `SELECT tags FROM agencies WHERE id = $1`, v.AgencyID).Scan(&tags)
	if !strings.Contains(tags, "Outreach") || !strings.Contains(tags, "LGBT") || strings.Contains(tags, "Women") {
		t.Errorf("tags %q", tags)
	}
	pub, err := s.Agency(ctx, access.Public, "link-group")
	if err != nil || pub.Summary != got.Summary {
		t.Errorf("public page: %q, %v", pub.Summary, err)
	}
	var before, after map[string]any
	var actor int64
	err = pool.QueryRow(ctx, `SELECT actor_id, before, after FROM audit_events WHERE action = 'agency.update' AND entity_id = $1 AND agency_id = $1`,
		v.AgencyID).Scan(&actor, &before, &after)
	if err != nil {
		t.Fatal(err)
	}
	if actor != v.UserID || before["summary"] != a.Summary || after["summary"] != got.Summary {
		t.Errorf("audit: actor %d, before %v, after %v", actor, before["summary"], after["summary"])
	}
	// Saving the same values again changes nothing and records nothing.
	again, err := s.UpdateAgency(ctx, v, v.AgencyID, got.AgencyInput, got.Version)
	if err != nil || again.Version != got.Version || auditCount(t, pool, "agency.update", v.AgencyID) != 1 {
		t.Errorf("no-op save: version %d, %v", again.Version, err)
	}
}

func TestAgencyEditIsOnlyForItsOwnOfficer(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	other := editAgencyID(t, pool, "clyde-valley-housing-association")
	officer := editViewer(t, pool, access.RSLOfficer, "link-group")
	own, err := s.AgencyForEdit(ctx, officer, officer.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	var version int
	pool.QueryRow(ctx, `SELECT version FROM agencies WHERE id = $1`, other).Scan(&version)
	in := inputOf(own)
	in.Summary = "Taken over"
	for name, v := range map[string]access.Viewer{
		"officer of another":     officer,
		"housing staff":          editViewer(t, pool, access.HousingStaff, "clyde-valley-housing-association"),
		"champion":               editViewer(t, pool, access.Champion, ""),
		"public":                 {AgencyID: other},
		"officer without a user": {Role: access.RSLOfficer, AgencyID: other},
	} {
		if _, err := s.AgencyForEdit(ctx, v, other); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s: AgencyForEdit: %v", name, err)
		}
		if _, err := s.UpdateAgency(ctx, v, other, in, version); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s: UpdateAgency: %v", name, err)
		}
		if _, err := s.ConfirmAgency(ctx, v, other, version); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s: ConfirmAgency: %v", name, err)
		}
	}
	var summary string
	var after int
	pool.QueryRow(ctx, `SELECT summary, version FROM agencies WHERE id = $1`, other).Scan(&summary, &after)
	if summary == "Taken over" || after != version {
		t.Errorf("another organisation changed: %q, version %d -> %d", summary, version, after)
	}
	// An admin curates every agency.
	admin := editViewer(t, pool, access.Admin, "")
	if _, err := s.AgencyForEdit(ctx, admin, other); err != nil {
		t.Errorf("admin: %v", err)
	}
}

func TestUpdateAgencyRefusesAStaleVersion(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	v := editViewer(t, pool, access.RSLOfficer, "link-group")
	a, _ := s.AgencyForEdit(ctx, v, v.AgencyID)
	mine, theirs := inputOf(a), inputOf(a)
	theirs.Summary = "Their summary"
	saved, err := s.UpdateAgency(ctx, v, v.AgencyID, theirs, a.Version)
	if err != nil {
		t.Fatal(err)
	}
	mine.Description = "My description"
	_, err = s.UpdateAgency(ctx, v, v.AgencyID, mine, a.Version)
	var conflict *edit.ConflictError[directory.AgencyEdit]
	if !errors.As(err, &conflict) || !errors.Is(err, edit.ErrConflict) {
		t.Fatalf("stale save: %v", err)
	}
	if conflict.Current.Version != saved.Version || conflict.Current.Summary != "Their summary" {
		t.Errorf("conflict current %+v", conflict.Current)
	}
	now, _ := s.AgencyForEdit(ctx, v, v.AgencyID)
	if now.Description != a.Description || now.Summary != "Their summary" || auditCount(t, pool, "agency.update", v.AgencyID) != 1 {
		t.Errorf("stale save wrote something: %+v", now)
	}
	// The merge keeps their summary and my description: saving it again loses neither.
	merged, changes := directory.AgencyForm(directory.Taxonomy{}).Merge(&a.AgencyInput, conflict.Current.AgencyInput, mine)
	if merged.Summary != "Their summary" || merged.Description != "My description" || len(changes) != 1 ||
		changes[0].Field != "summary" || changes[0].Clash || changes[0].Was != a.Summary || changes[0].Now != "Their summary" {
		t.Errorf("merge: %+v %+v", merged, changes)
	}
	// Both changed the summary: mine stays in the form, marked as a clash.
	mine.Summary = "My summary"
	merged, changes = directory.AgencyForm(directory.Taxonomy{}).Merge(&a.AgencyInput, conflict.Current.AgencyInput, mine)
	if merged.Summary != "My summary" || len(changes) != 1 || !changes[0].Clash || changes[0].Yours != "My summary" {
		t.Errorf("clash: %+v %+v", merged.Summary, changes)
	}
	if _, err := s.UpdateAgency(ctx, v, v.AgencyID, merged, conflict.Current.Version); err != nil {
		t.Errorf("deliberate save after the conflict: %v", err)
	}
}

func TestUpdateAgencyValidates(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	v := editViewer(t, pool, access.RSLOfficer, "clyde-valley-housing-association")
	a, _ := s.AgencyForEdit(ctx, v, v.AgencyID)
	for name, tc := range map[string]struct {
		edit  func(*directory.AgencyInput)
		field string
	}{
		"summary too long":   {func(in *directory.AgencyInput) { in.Summary = strings.Repeat("a", 301) }, "summary"},
		"description long":   {func(in *directory.AgencyInput) { in.Description = strings.Repeat("é", 5001) }, "description"},
		"eligibility long":   {func(in *directory.AgencyInput) { in.Eligibility = strings.Repeat("a", 1001) }, "eligibility"},
		"hours long":         {func(in *directory.AgencyInput) { in.OpeningHours = strings.Repeat("a", 301) }, "opening_hours"},
		"keywords long":      {func(in *directory.AgencyInput) { in.Keywords = strings.Repeat("a", 501) }, "keywords"},
		"invalid utf-8":      {func(in *directory.AgencyInput) { in.Description = "bad \xff byte" }, "description"},
		"nul byte":           {func(in *directory.AgencyInput) { in.Summary = "a\x00b" }, "summary"},
		"nul in email":       {func(in *directory.AgencyInput) { in.Email = "a\x00b@example.org" }, "email"},
		"javascript website": {func(in *directory.AgencyInput) { in.Website = "javascript:alert(1)" }, "website"},
		"data website":       {func(in *directory.AgencyInput) { in.Website = "data:text/html,hi" }, "website"},
		"schemeless website": {func(in *directory.AgencyInput) { in.Website = "//evil.example" }, "website"},
		"bad email":          {func(in *directory.AgencyInput) { in.Email = "not an email" }, "email"},
		"referral route":     {func(in *directory.AgencyInput) { in.ReferralRoute = "anyone" }, "referral_route"},
		"unknown area":       {func(in *directory.AgencyInput) { in.Areas = []string{"motherwell", "atlantis"} }, "areas"},
		"malformed area":     {func(in *directory.AgencyInput) { in.Areas = []string{"'; DROP TABLE areas; --"} }, "areas"},
		"unknown category":   {func(in *directory.AgencyInput) { in.Categories = []string{"space-travel"} }, "categories"},
		"unknown audience":   {func(in *directory.AgencyInput) { in.Audiences = []string{"Women"} }, "audiences"},
	} {
		in := inputOf(a)
		tc.edit(&in)
		_, err := s.UpdateAgency(ctx, v, v.AgencyID, in, a.Version)
		var errs validate.Errors
		if !errors.As(err, &errs) || !errs.Has(tc.field) {
			t.Errorf("%s: %v", name, err)
		}
	}
	now, _ := s.AgencyForEdit(ctx, v, v.AgencyID)
	if now.Version != a.Version || auditCount(t, pool, "agency.update", v.AgencyID) != 0 {
		t.Errorf("bad input was stored: version %d -> %d", a.Version, now.Version)
	}
	// Markup and SQL metacharacters are text like any other: stored exactly as typed.
	in := inputOf(a)
	in.Summary = `<script>alert("x")</script> O'Brien's; DROP TABLE agencies; --`
	got, err := s.UpdateAgency(ctx, v, v.AgencyID, in, a.Version)
	if err != nil || got.Summary != in.Summary {
		t.Errorf("text with markup: %q, %v", got.Summary, err)
	}
}

func TestConfirmAgencySetsTheReviewDates(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	v := editViewer(t, pool, access.RSLOfficer, "link-group")
	// Make the review overdue, as it would be a year on.
	if _, err := pool.Exec(ctx, `UPDATE agencies SET reviewed_at = now() - interval '400 days', review_due = current_date - 30 WHERE id = $1`, v.AgencyID); err != nil {
		t.Fatal(err)
	}
	a, _ := s.AgencyForEdit(ctx, v, v.AgencyID)
	if !a.Overdue {
		t.Fatal("review a month past due is not overdue")
	}
	if _, err := s.ConfirmAgency(ctx, v, v.AgencyID, a.Version-1); !errors.Is(err, edit.ErrConflict) {
		t.Errorf("stale confirm: %v", err)
	}
	got, err := s.ConfirmAgency(ctx, v, v.AgencyID, a.Version)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Now().In(uktime.London).AddDate(1, 0, 0).Format(time.DateOnly)
	if got.Overdue || got.Version != a.Version+1 || got.ReviewDue == nil || got.ReviewDue.Format(time.DateOnly) != want ||
		got.ReviewedAt == nil || time.Since(*got.ReviewedAt) > time.Minute {
		t.Errorf("confirmed: due %v, reviewed %v, overdue %v, version %d", got.ReviewDue, got.ReviewedAt, got.Overdue, got.Version)
	}
	var before, after map[string]any
	pool.QueryRow(ctx, `SELECT before, after FROM audit_events WHERE action = 'agency.confirm' AND entity_id = $1`, v.AgencyID).Scan(&before, &after)
	if after["review_due"] != want || before["review_due"] == want || after["version"] != float64(a.Version+1) {
		t.Errorf("audit before %v after %v", before["review_due"], after["review_due"])
	}
}

func TestMergeAgencyWithoutAStartingPoint(t *testing.T) {
	now := directory.AgencyInput{Summary: "Now", Website: "https://example.org", Areas: []string{"wishaw", "airdrie"}}
	yours := directory.AgencyInput{Summary: "Mine", Website: " https://example.org ", Areas: []string{"airdrie", "wishaw"}}
	merged, changes := directory.AgencyForm(directory.Taxonomy{}).Merge(nil, now, yours)
	// Only the summary differs (website and areas are the same once normalised); without a
	// starting point it is a clash and the form keeps what was typed.
	if merged.Summary != "Mine" || len(changes) != 1 || !changes[0].Clash || changes[0].WasKnown {
		t.Errorf("%+v %+v", merged, changes)
	}
}
