package directory_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
)

const motherwellChampion = "Housing Domestic Abuse Champion – Motherwell"

// exec runs a fixture statement.
func exec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// insertUser adds an account straight into the table (no password: these tests never sign in).
func insertUser(t *testing.T, pool *pgxpool.Pool, role access.Role, agencySlug, contactTitle string) access.Viewer {
	t.Helper()
	var id int64
	var agencyID *int64
	err := pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role, agency_id, contact_id)
		VALUES ('u' || (SELECT count(*) FROM users) || '@example.org', 'Test ' || $1::text, $1,
			(SELECT id FROM agencies WHERE slug = $2), (SELECT id FROM contacts WHERE role_title = $3 ORDER BY id LIMIT 1))
		RETURNING id, agency_id`, string(role), agencySlug, contactTitle).Scan(&id, &agencyID)
	if err != nil {
		t.Fatal(err)
	}
	v := access.Viewer{UserID: id, Role: role}
	if agencyID != nil {
		v.AgencyID = *agencyID
	}
	return v
}

func agencyID(t *testing.T, pool *pgxpool.Pool, slug string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM agencies WHERE slug = $1`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func areaSlugs(areas []directory.AreaChampions) []string {
	var out []string
	for _, a := range areas {
		out = append(out, a.Area.Slug)
	}
	return out
}

func championTitles(areas []directory.AreaChampions, area string) []string {
	var out []string
	for _, a := range areas {
		if a.Area.Slug == area {
			for _, c := range a.Champions {
				out = append(out, c.RoleTitle)
			}
		}
	}
	return out
}

func TestChampionsByAreaKeepsStaffOnlyChampionsFromThePublic(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	all, err := s.ChampionsByArea(ctx, staff, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := championTitles(all, "motherwell"); !slices.Equal(got, []string{motherwellChampion}) {
		t.Errorf("staff: Motherwell champions %q", got)
	}
	if got := championTitles(all, "kilsyth"); len(got) != 1 {
		t.Errorf("staff: Kilsyth champions %q, want the Cumbernauld and Kilsyth one", got)
	}
	// The demo champions are staff-only: the public get the areas and no one in them.
	public, err := s.ChampionsByArea(ctx, access.Public, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range public {
		if len(a.Champions) > 0 {
			t.Errorf("public viewer got champions for %s", a.Area.Slug)
		}
	}
	// Restricted to an RSL's areas.
	clyde, err := s.ChampionsByArea(ctx, staff, agencyID(t, pool, "clyde-valley-housing-association"))
	if err != nil {
		t.Fatal(err)
	}
	if got := areaSlugs(clyde); !slices.Equal(got, []string{"airdrie", "bellshill", "coatbridge", "motherwell", "wishaw"}) {
		t.Errorf("Clyde Valley areas %q", got)
	}
	// An archived champion disappears; the area stays, empty.
	exec(t, pool, `UPDATE contacts SET archived_at = now() WHERE role_title = $1`, motherwellChampion)
	all, _ = s.ChampionsByArea(ctx, staff, 0)
	if got := championTitles(all, "motherwell"); len(got) != 0 || !slices.Contains(areaSlugs(all), "motherwell") {
		t.Errorf("archived champion: Motherwell %q, areas %q", got, areaSlugs(all))
	}
}

func TestRecentlyUpdatedContactsFollowVisibility(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	exec(t, pool, `UPDATE contacts SET updated_at = now() + interval '1 hour' WHERE role_title = 'Domestic abuse lead officer'
		AND agency_id = (SELECT id FROM agencies WHERE slug = 'clyde-valley-housing-association')`)
	exec(t, pool, `UPDATE contacts SET updated_at = now() + interval '2 hours', archived_at = now() WHERE role_title = 'Customer services'
		AND agency_id = (SELECT id FROM agencies WHERE slug = 'link-group')`)
	got, err := s.RecentlyUpdatedContacts(ctx, staff, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || got[0].RoleTitle != "Domestic abuse lead officer" || got[0].AgencySlug != "clyde-valley-housing-association" || !got[0].StaffOnly {
		t.Fatalf("staff: %d contacts, first %+v", len(got), got[0])
	}
	if !got[0].UpdatedAt.After(got[1].UpdatedAt) && !got[0].UpdatedAt.Equal(got[1].UpdatedAt) {
		t.Error("not newest first")
	}
	public, err := s.RecentlyUpdatedContacts(ctx, access.Public, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range public {
		if c.StaffOnly || c.RoleTitle == "Domestic abuse lead officer" {
			t.Errorf("public viewer got staff-only contact %q of %s", c.RoleTitle, c.AgencySlug)
		}
		if c.AgencySlug == "link-group" && c.RoleTitle == "Customer services" {
			t.Error("archived contact listed")
		}
	}
}

func TestOwnOrganisationReviewStatus(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	officer := insertUser(t, pool, access.RSLOfficer, "clyde-valley-housing-association", "")
	for _, c := range []struct {
		due  string
		want directory.ReviewStatus
	}{
		{"current_date + 200", directory.Reviewed},
		{"current_date + 10", directory.ReviewDue},
		{"NULL", directory.ReviewDue},
		{"current_date - 2", directory.ReviewOverdue},
	} {
		exec(t, pool, `UPDATE agencies SET review_due = `+c.due+` WHERE slug = 'clyde-valley-housing-association'`)
		org, err := s.OwnOrganisation(ctx, officer)
		if err != nil {
			t.Fatal(err)
		}
		if org.Status != c.want || org.Slug != "clyde-valley-housing-association" {
			t.Errorf("review_due %s: status %q, want %q", c.due, org.Status, c.want)
		}
	}
	if _, err := s.OwnOrganisation(ctx, staff); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("housing staff: %v, want ErrNotFound", err)
	}
	exec(t, pool, `UPDATE agencies SET archived_at = now() WHERE slug = 'clyde-valley-housing-association'`)
	if _, err := s.OwnOrganisation(ctx, officer); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("archived organisation: %v, want ErrNotFound", err)
	}
}

func TestRSLsInMyAreasWithLeadsAndOverdueReviews(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	champ := insertUser(t, pool, access.Champion, "", motherwellChampion)
	exec(t, pool, `UPDATE agencies SET review_due = current_date - 1 WHERE slug = 'clyde-valley-housing-association'`)
	rsls, err := s.RSLsInMyAreas(ctx, champ)
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]directory.RSLCover{}
	for _, r := range rsls {
		bySlug[r.Slug] = r
	}
	for _, slug := range []string{"clyde-valley-housing-association", "link-group", "loretto-housing", "blue-triangle-housing-association",
		"trust-housing-association", "blackwood-homes-and-care"} {
		if _, ok := bySlug[slug]; !ok {
			t.Errorf("%s (homes in Motherwell) missing", slug)
		}
	}
	for _, slug := range []string{"home-group-scotland", "abronhill-housing-association"} {
		if _, ok := bySlug[slug]; ok {
			t.Errorf("%s has no homes in Motherwell but is listed", slug)
		}
	}
	clyde := bySlug["clyde-valley-housing-association"]
	if !clyde.Overdue || !slices.Equal(clyde.Areas, []string{"Motherwell"}) {
		t.Errorf("Clyde Valley: overdue %v, areas %q", clyde.Overdue, clyde.Areas)
	}
	if len(clyde.Leads) != 1 || clyde.Leads[0].RoleTitle != "Domestic abuse lead officer" {
		t.Errorf("Clyde Valley leads %+v, want only the domestic abuse lead officer", clyde.Leads)
	}
	if l := bySlug["loretto-housing"].Leads; len(l) != 1 || l[0].RoleTitle != "Housing officer duty line" {
		t.Errorf("Loretto leads %+v, want the referral point when no title names domestic abuse", l)
	}
	if bySlug["link-group"].Overdue {
		t.Error("Link Group flagged overdue")
	}

	// No linked entry, an archived entry, or another role: nothing.
	unlinked := insertUser(t, pool, access.Champion, "", "")
	if got, err := s.RSLsInMyAreas(ctx, unlinked); err != nil || len(got) != 0 {
		t.Errorf("unlinked champion: %d RSLs, %v", len(got), err)
	}
	if got, _ := s.RSLsInMyAreas(ctx, access.Viewer{UserID: champ.UserID, Role: access.HousingStaff}); len(got) != 0 {
		t.Error("a viewer who is not a champion got RSLs")
	}
	exec(t, pool, `UPDATE contacts SET archived_at = now() WHERE role_title = $1`, motherwellChampion)
	if got, _ := s.RSLsInMyAreas(ctx, champ); len(got) != 0 {
		t.Error("archived champion entry still gives RSLs")
	}
}

func TestOverdueReviewsAreForAdmins(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := insertUser(t, pool, access.Admin, "", "")
	if got, total, err := s.OverdueReviews(ctx, admin, 50); err != nil || total != 0 || len(got) != 0 {
		t.Fatalf("fresh demo data: %d overdue (%d), %v", len(got), total, err)
	}
	exec(t, pool, `UPDATE agencies SET review_due = current_date - 30 WHERE slug = 'link-group'`)
	exec(t, pool, `UPDATE contacts SET review_due = current_date - 3 WHERE role_title = $1`, motherwellChampion)
	exec(t, pool, `UPDATE contacts SET review_due = current_date - 3, archived_at = now() WHERE role_title = 'Housing Domestic Abuse Champion – Wishaw'`)
	got, total, err := s.OverdueReviews(ctx, admin, 50)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(got) != 2 || got[0].EntityType != "agency" || got[0].AgencySlug != "link-group" ||
		got[1].EntityType != "contact" || got[1].Title != motherwellChampion || got[1].ContactID == 0 {
		t.Errorf("overdue %+v (total %d)", got, total)
	}
	if got, total, _ := s.OverdueReviews(ctx, admin, 1); len(got) != 1 || total != 2 {
		t.Errorf("limit 1: %d shown of %d", len(got), total)
	}
	if got, _, _ := s.OverdueReviews(ctx, staff, 50); len(got) != 0 {
		t.Error("housing staff got the admin's overdue list")
	}
}

func TestRecentChangesLeaveOutAdminsAndSignIns(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := insertUser(t, pool, access.Admin, "", "")
	officer := insertUser(t, pool, access.RSLOfficer, "link-group", "")
	record := func(e audit.Event) {
		t.Helper()
		if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return audit.Record(ctx, tx, e) }); err != nil {
			t.Fatal(err)
		}
	}
	record(audit.Event{ActorID: officer.UserID, Action: "agency.update", EntityType: "agency", EntityID: officer.AgencyID, AgencyID: officer.AgencyID})
	record(audit.Event{ActorID: officer.UserID, Action: "auth.sign_in", EntityType: "user", EntityID: officer.UserID})
	record(audit.Event{ActorID: admin.UserID, Action: "agency.update", EntityType: "agency", EntityID: officer.AgencyID, AgencyID: officer.AgencyID})
	unseen, err := s.UnseenChanges(ctx, admin, 20)
	if err != nil {
		t.Fatal(err)
	}
	got := unseen.Changes
	if len(got) != 1 || got[0].ActorName != "Test rsl_officer" || got[0].ActorRole != access.RSLOfficer ||
		got[0].Action != "agency.update" || got[0].Subject != "Link Group" || got[0].AgencySlug != "link-group" {
		t.Errorf("recent changes %+v", got)
	}
	if got, err := s.UnseenChanges(ctx, officer, 20); len(got.Changes) != 0 || !errors.Is(err, edit.ErrNotFound) {
		t.Error("an RSL officer got the admin's list of changes")
	}
}
