package directory_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// admFor reads an agency as an admin does, failing the test when it cannot.
func admFor(t *testing.T, s *directory.Store, v access.Viewer, slug string) directory.AdminAgency {
	t.Helper()
	a, err := s.AdminAgencyBySlug(context.Background(), v, slug)
	if err != nil {
		t.Fatalf("admin agency %s: %v", slug, err)
	}
	return a
}

// admLastAudit returns the newest audit event of action for entity id, decoded.
func admLastAudit(t *testing.T, pool *pgxpool.Pool, action string, id int64) (actor int64, before, after map[string]any) {
	t.Helper()
	var b, a []byte
	err := pool.QueryRow(context.Background(), `SELECT actor_id, before, after FROM audit_events
		WHERE action = $1 AND entity_id = $2 ORDER BY id DESC LIMIT 1`, action, id).Scan(&actor, &b, &a)
	if err != nil {
		t.Fatalf("audit %s of %d: %v", action, id, err)
	}
	if b != nil {
		if err := json.Unmarshal(b, &before); err != nil {
			t.Fatal(err)
		}
	}
	if err := json.Unmarshal(a, &after); err != nil {
		t.Fatal(err)
	}
	return actor, before, after
}

func admNewAgency(name string) directory.AdminAgencyInput {
	in := directory.NewAgencyInput(time.Now())
	in.Name = name
	in.Summary = "A test service."
	in.Areas = []string{"wishaw"}
	in.Categories = []string{"outreach"}
	in.Audiences = []string{"women"}
	return in
}

func TestAdminCreateAgency(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")

	in := admNewAgency("  Women’s Safe Space – Wishaw ")
	in.Languages = "English, polish,  Polish ; British Sign Language"
	a, err := s.CreateAgency(ctx, admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if a.Slug != "womens-safe-space-wishaw" || a.Name != "Women’s Safe Space – Wishaw" || a.MainPhone != "" {
		t.Errorf("created %q %q %q", a.Slug, a.Name, a.MainPhone)
	}
	if a.Languages != "English, polish, British Sign Language" {
		t.Errorf("languages %q", a.Languages)
	}
	if a.ReviewedAt == nil || a.ReviewDue == "" || a.Overdue || a.Version != 1 {
		t.Errorf("review state %+v %q %v", a.ReviewedAt, a.ReviewDue, a.Overdue)
	}
	// The same name again gets its own slug; the first keeps its own.
	b, err := s.CreateAgency(ctx, admin, admNewAgency("Women's Safe Space, Wishaw"))
	if err != nil {
		t.Fatal(err)
	}
	if b.Slug != "womens-safe-space-wishaw-2" {
		t.Errorf("second slug %q", b.Slug)
	}
	// It is public, searchable by its category's name (the tags), and audited.
	pub, err := s.Agency(ctx, access.Public, a.Slug)
	if err != nil || pub.Name != a.Name {
		t.Fatalf("public page: %v %+v", err, pub.Name)
	}
	res := search(t, s, access.Public, "q=safe+space&category=outreach&area=wishaw")
	for _, slug := range []string{a.Slug, b.Slug} {
		if !slices.ContainsFunc(res.Agencies, func(x directory.AgencySummary) bool { return x.Slug == slug }) {
			t.Errorf("search does not find %s: %+v", slug, res.Agencies)
		}
	}
	if n := auditCount(t, pool, "agency.create", a.ID); n != 1 {
		t.Errorf("%d create events", n)
	}
	actor, _, after := admLastAudit(t, pool, "agency.create", a.ID)
	if actor != admin.UserID || after["name"] != a.Name || after["kind"] != "da_agency" {
		t.Errorf("audit: actor %d after %v", actor, after)
	}

	// A staff-only agency is hidden from the public.
	in = admNewAgency("Staff Referral Desk")
	in.Visibility = "staff"
	c, err := s.CreateAgency(ctx, admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Agency(ctx, access.Public, c.Slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("public sees a staff-only agency: %v", err)
	}
}

func TestAdminCreateAgencyRefusesBadInput(t *testing.T) {
	s, pool := demoStore(t)
	admin := editViewer(t, pool, access.Admin, "")
	in := admNewAgency("")
	in.Kind = "pub"
	in.Visibility = "secret"
	in.Website = "javascript:alert(1)"
	in.Areas = []string{"atlantis"}
	in.ReviewDue = "31/2/2026"
	_, err := s.CreateAgency(context.Background(), admin, in)
	var errs validate.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v", err)
	}
	for _, f := range []string{"name", "kind", "visibility", "website", "areas", "review_due"} {
		if !errs.Has(f) {
			t.Errorf("no error for %s: %v", f, errs)
		}
	}
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM agencies WHERE name = ''`).Scan(&n); err != nil || n != 0 {
		t.Errorf("saved anyway: %v %d", err, n)
	}
}

func TestAdminUpdateAgencyKeepsSlug(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	before := admFor(t, s, admin, "link-group")

	in := before.AdminAgencyInput
	in.Name = "Link Housing Group"
	in.Kind = "other"
	in.Visibility = "staff"
	in.Open24h = true
	in.Languages = "English, Arabic"
	in.Categories = append(slices.Clone(in.Categories), "stalking")
	in.ReviewDue = "2026-01-15" // in the past: flagged overdue on purpose
	after, err := s.UpdateAgencyAdmin(ctx, admin, before.ID, in, before.Version)
	if err != nil {
		t.Fatal(err)
	}
	if after.Slug != "link-group" || after.Name != "Link Housing Group" || after.Kind != "other" || !after.StaffOnly() ||
		!after.Open24h || after.Languages != "English, Arabic" || after.Version != before.Version+1 {
		t.Errorf("after update: %+v", after)
	}
	if after.ReviewDue != "2026-01-15" || !after.Overdue {
		t.Errorf("review due %q overdue %v", after.ReviewDue, after.Overdue)
	}
	if _, err := s.Agency(ctx, access.Public, "link-group"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("public still sees it: %v", err)
	}
	staff := editViewer(t, pool, access.HousingStaff, "")
	if res := search(t, s, staff, "q=stalking&kind=other"); !slices.ContainsFunc(res.Agencies, func(a directory.AgencySummary) bool { return a.Slug == "link-group" }) {
		t.Errorf("new category not searchable: %+v", res.Agencies)
	}
	_, b, a := admLastAudit(t, pool, "agency.update", before.ID)
	if b["name"] != "Link Group" || a["name"] != "Link Housing Group" || a["visibility"] != "staff" || a["open_24h"] != true {
		t.Errorf("audit before %v after %v", b["name"], a)
	}

	// Saving the same values again writes nothing.
	same, err := s.UpdateAgencyAdmin(ctx, admin, before.ID, after.AdminAgencyInput, after.Version)
	if err != nil || same.Version != after.Version {
		t.Errorf("no-op save: %v version %d", err, same.Version)
	}
}

func TestAdminUpdateAgencyStaleVersionIsAConflict(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	officer := editViewer(t, pool, access.RSLOfficer, "link-group")
	opened := admFor(t, s, admin, "link-group")

	// The officer saves first.
	mine := opened.AgencyInput
	mine.Summary = "Changed by the officer."
	if _, err := s.UpdateAgency(ctx, officer, opened.ID, mine, opened.Version); err != nil {
		t.Fatal(err)
	}
	in := opened.AdminAgencyInput
	in.Name = "Renamed by the admin"
	_, err := s.UpdateAgencyAdmin(ctx, admin, opened.ID, in, opened.Version)
	var conflict *edit.ConflictError[directory.AdminAgency]
	if !errors.As(err, &conflict) || !errors.Is(err, edit.ErrConflict) {
		t.Fatalf("got %v, want a conflict", err)
	}
	if conflict.Current.Summary != "Changed by the officer." || conflict.Current.Name != "Link Group" {
		t.Errorf("conflict shows %+v", conflict.Current)
	}
	merged, changes := directory.AdminAgencyForm(directory.Taxonomy{}).Merge(&opened.AdminAgencyInput, conflict.Current.AdminAgencyInput, in)
	if merged.Name != "Renamed by the admin" || merged.Summary != "Changed by the officer." || len(changes) != 1 || changes[0].Field != "summary" {
		t.Errorf("merged %q %q, changes %+v", merged.Name, merged.Summary, changes)
	}
	if got := admFor(t, s, admin, "link-group"); got.Name != "Link Group" {
		t.Errorf("stale save written: %q", got.Name)
	}
}

func TestAdminReviewedTickMovesTheReviewOn(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	exec(t, pool, `UPDATE agencies SET review_due = current_date - 40, reviewed_at = now() - interval '13 months' WHERE slug = 'aura'`)
	a := admFor(t, s, admin, "aura")
	if !a.Overdue {
		t.Fatal("fixture not overdue")
	}
	in := a.AdminAgencyInput
	in.Reviewed = true
	after, err := s.UpdateAgencyAdmin(ctx, admin, a.ID, in, a.Version)
	if err != nil {
		t.Fatal(err)
	}
	due, _ := time.Parse(time.DateOnly, after.ReviewDue)
	if after.Overdue || due.Before(time.Now().AddDate(0, 11, 0)) || time.Since(*after.ReviewedAt) > time.Minute {
		t.Errorf("after review: due %s overdue %v reviewed %v", after.ReviewDue, after.Overdue, after.ReviewedAt)
	}
	// A date typed with the tick stands.
	in = after.AdminAgencyInput
	in.Reviewed, in.ReviewDue = true, "1/3/2027"
	after, err = s.UpdateAgencyAdmin(ctx, admin, a.ID, in, after.Version)
	if err != nil || after.ReviewDue != "2027-03-01" {
		t.Errorf("typed date: %v %q", err, after.ReviewDue)
	}
	in.ReviewDue = "1/3/2099"
	_, err = s.UpdateAgencyAdmin(ctx, admin, a.ID, in, after.Version)
	var errs validate.Errors
	if !errors.As(err, &errs) || !errs.Has("review_due") {
		t.Errorf("far future date: %v", err)
	}
}

func TestAdminArchiveAndRestoreAgency(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	officer := editViewer(t, pool, access.RSLOfficer, "link-group")
	staff := editViewer(t, pool, access.HousingStaff, "")
	a := admFor(t, s, admin, "link-group")

	if _, err := s.ArchiveAgency(ctx, admin, a.ID, a.Version-1); !errors.Is(err, edit.ErrConflict) {
		t.Errorf("stale archive: %v", err)
	}
	archived, err := s.ArchiveAgency(ctx, admin, a.ID, a.Version)
	if err != nil || !archived.Archived() {
		t.Fatalf("archive: %v", err)
	}
	for _, v := range []access.Viewer{access.Public, staff, officer} {
		if _, err := s.Agency(ctx, v, "link-group"); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s still sees the archived agency: %v", v.Role, err)
		}
		if res := search(t, s, v, "q=link+group"); slices.ContainsFunc(res.Agencies, func(x directory.AgencySummary) bool { return x.Slug == "link-group" }) {
			t.Errorf("%s finds the archived agency", v.Role)
		}
	}
	if _, err := s.AgencyForEdit(ctx, officer, a.ID); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer can still edit: %v", err)
	}
	if _, err := s.UpdateAgencyAdmin(ctx, admin, a.ID, archived.AdminAgencyInput, archived.Version); !errors.Is(err, directory.ErrArchived) {
		t.Errorf("edit of archived: %v", err)
	}
	list, err := s.AdminAgencies(ctx, admin, directory.AdminAgencyFilter{Status: "archived", Page: 1})
	if err != nil || list.Total != 1 || list.Rows[0].Slug != "link-group" {
		t.Errorf("archived list: %v %+v", err, list)
	}
	restored, err := s.RestoreAgency(ctx, admin, a.ID, archived.Version)
	if err != nil || restored.Archived() {
		t.Fatalf("restore: %v", err)
	}
	if _, err := s.Agency(ctx, access.Public, "link-group"); err != nil {
		t.Errorf("restored agency not public: %v", err)
	}
	if auditCount(t, pool, "agency.archive", a.ID) != 1 || auditCount(t, pool, "agency.restore", a.ID) != 1 {
		t.Error("archive and restore not audited once each")
	}
}

func TestAdminAgencyCallsRefuseEveryoneElse(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	id := editAgencyID(t, pool, "link-group")
	for _, v := range []access.Viewer{access.Public, editViewer(t, pool, access.RSLOfficer, "link-group"),
		editViewer(t, pool, access.Champion, ""), editViewer(t, pool, access.HousingStaff, "")} {
		if _, err := s.AdminAgencyBySlug(ctx, v, "link-group"); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s reads: %v", v.Role, err)
		}
		if _, err := s.CreateAgency(ctx, v, admNewAgency("Sneaky")); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s creates: %v", v.Role, err)
		}
		if _, err := s.ArchiveAgency(ctx, v, id, 1); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s archives: %v", v.Role, err)
		}
		if _, err := s.AdminAgencies(ctx, v, directory.AdminAgencyFilter{Page: 1}); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s lists: %v", v.Role, err)
		}
	}
}

func TestAdminAgencyListFilters(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	f, errs := directory.ParseAdminAgencyFilter(map[string][]string{"q": {"women's aid"}, "kind": {"da_agency"}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	list, err := s.AdminAgencies(ctx, admin, f)
	if err != nil || list.Total < 3 {
		t.Fatalf("%v %d", err, list.Total)
	}
	for _, r := range list.Rows {
		if !strings.Contains(strings.ToLower(strings.ReplaceAll(r.Name, "'", "")), "womens aid") || r.Kind != "da_agency" {
			t.Errorf("unexpected row %+v", r)
		}
	}
	// A % in the text is a character, not a wildcard.
	f, _ = directory.ParseAdminAgencyFilter(map[string][]string{"q": {"%"}})
	if list, err = s.AdminAgencies(ctx, admin, f); err != nil || list.Total != 0 {
		t.Errorf("%% matched %d: %v", list.Total, err)
	}
	if _, errs := directory.ParseAdminAgencyFilter(map[string][]string{"status": {"gone"}, "page": {"0"}}); !errs.Has("status") || !errs.Has("page") {
		t.Errorf("bad filter accepted: %v", errs)
	}
	exec(t, pool, `UPDATE agencies SET review_due = current_date - 3 WHERE slug IN ('aura', 'assist')`)
	f, _ = directory.ParseAdminAgencyFilter(map[string][]string{"overdue": {"1"}})
	if list, err = s.AdminAgencies(ctx, admin, f); err != nil || list.Total != 2 {
		t.Errorf("overdue: %v %d", err, list.Total)
	}
}
