package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
)

// curAgency reads an agency as an admin's form shows it.
func (a *app) curAgency(t *testing.T, slug string) directory.AdminAgency {
	t.Helper()
	ag, err := directory.NewStore(a.pool).AdminAgencyBySlug(context.Background(), access.Viewer{UserID: -1, Role: access.Admin}, slug)
	if err != nil {
		t.Fatalf("agency %s: %v", slug, err)
	}
	return ag
}

// curAgencyForm is the admin's agency form for in, as the page sends it.
func curAgencyForm(in directory.AdminAgencyInput, version int) url.Values {
	f := url.Values{
		"name": {in.Name}, "kind": {in.Kind}, "sector": {in.Sector}, "visibility": {in.Visibility}, "languages": {in.Languages},
		"review_due": {in.ReviewDue}, "summary": {in.Summary}, "description": {in.Description}, "website": {in.Website},
		"email": {in.Email}, "opening_hours": {in.OpeningHours}, "referral_route": {in.ReferralRoute},
		"eligibility": {in.Eligibility}, "keywords": {in.Keywords}, "areas": in.Areas, "categories": in.Categories,
		"audiences": in.Audiences,
	}
	if in.Open24h {
		f.Set("open_24h", "1")
	}
	if version > 0 {
		f.Set("version", strconv.Itoa(version))
		f.Set("original", edit.Original(in))
	}
	return f
}

func curLocation(t *testing.T, resp *http.Response, want string) {
	t.Helper()
	if got := resp.Header.Get("Location"); got != want {
		t.Errorf("sent to %q, want %q", got, want)
	}
}

func TestAdminCurationIsForAdminsOnly(t *testing.T) {
	a := newApp(t)
	for _, role := range []access.Role{access.HousingStaff, access.Champion, access.RSLOfficer} {
		u := a.signIn(t, role, map[access.Role]string{access.RSLOfficer: "link-group"}[role])
		for _, p := range []string{"/admin", "/admin/agencies", "/admin/agencies/link-group/edit", "/admin/taxonomy", "/admin/settings"} {
			resp, body := u.get(t, p)
			wantStatus(t, string(role)+" "+p, resp, body, http.StatusNotFound)
		}
		resp, body := u.post(t, "/admin/settings", url.Values{"site_name": {"Taken over"}, "version": {"1"}})
		wantStatus(t, string(role)+" posts settings", resp, body, http.StatusNotFound)
	}
	resp, _ := a.get(t, "/admin/agencies/link-group/edit")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fadmin%2Fagencies%2Flink-group%2Fedit" {
		t.Errorf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, home := a.get(t, "/")
	mustNotContain(t, "public home", home, "Taken over")
}

func TestAdminDashboard(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	if _, err := a.pool.Exec(ctx, `UPDATE agencies SET review_due = current_date - 10 WHERE slug = 'aura'`); err != nil {
		t.Fatal(err)
	}
	contactID, _ := a.orgContact(t, "link-group", "Tenancy sustainment team")
	if _, err := a.pool.Exec(ctx, `UPDATE contacts SET review_due = current_date - 2 WHERE id = $1`, contactID); err != nil {
		t.Fatal(err)
	}
	admin := a.signIn(t, access.Admin, "")
	resp, body := admin.get(t, "/admin")
	wantStatus(t, "dashboard", resp, body, http.StatusOK)
	mustContain(t, "dashboard", body, "<h1>Admin dashboard</h1>", `aria-label="Administration"`,
		`<a href="/admin" aria-current="page">Dashboard</a>`, `href="/admin/users"`, `href="/admin/resources"`,
		`href="/admin/audit"`, "2 entries are overdue for review", `href="/admin/agencies/aura/edit"`,
		fmt.Sprintf(`href="/admin/agencies/link-group/contacts/%d/edit"`, contactID), "Tenancy sustainment team",
		"Nothing new has been changed", "Organisations listed", "RSL officers")

	// An officer changes their organisation: it stays on the dashboard, however often the
	// admin opens it, until they mark it as seen (issue 16: it used to vanish after one view).
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	form := orgForm(a.orgSaved(t, "link-group"))
	form.Set("summary", "A change the admin should see.")
	resp, body = officer.post(t, "/my/organisation", form)
	wantStatus(t, "officer saves", resp, body, http.StatusSeeOther)
	for range 2 {
		_, body = admin.get(t, "/admin")
		mustContain(t, "dashboard after the officer's change", body, "1 change you have not marked as seen", "Changed organisation",
			"Test rsl_officer", `href="/admin/agencies/link-group/edit"`, "Mark these changes as seen")
	}
}

func TestAdminAgencyCreateEditArchiveRestore(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	resp, body := admin.get(t, "/admin/agencies/new")
	wantStatus(t, "new form", resp, body, http.StatusOK)
	mustContain(t, "new form", body, `name="name"`, `name="kind"`, `name="visibility"`, `name="open_24h"`, `name="languages"`,
		`name="review_due-day"`, `name="review_due-month"`, `name="review_due-year"`, `value="motherwell"`)

	// Bad input: 422, every value kept.
	in := directory.NewAgencyInput(time.Now())
	in.Name, in.Summary, in.Website, in.Areas = "Harbour Project", "Drop-in support for survivors.", "javascript:alert(1)", []string{"wishaw"}
	resp, body = admin.post(t, "/admin/agencies/new", curAgencyForm(in, 0))
	wantStatus(t, "bad website", resp, body, http.StatusUnprocessableEntity)
	mustContain(t, "bad website", body, "There is a problem", "Website must be a full web address", `value="Harbour Project"`,
		"Drop-in support for survivors.")

	in.Website = "https://harbour.example.org"
	in.Open24h = true
	resp, body = admin.post(t, "/admin/agencies/new", curAgencyForm(in, 0))
	wantStatus(t, "create", resp, body, http.StatusSeeOther)
	curLocation(t, resp, "/admin/agencies/harbour-project/edit")
	_, public := a.get(t, "/agencies/harbour-project")
	mustContain(t, "public page", public, "Harbour Project", "Drop-in support for survivors.")
	_, results := a.get(t, "/directory?open24=1&area=wishaw")
	mustContain(t, "24-hour search", results, "Harbour Project")

	// Rename: the slug stays.
	saved := a.curAgency(t, "harbour-project")
	form := curAgencyForm(saved.AdminAgencyInput, saved.Version)
	form.Set("name", "Harbour Project Lanarkshire")
	resp, body = admin.post(t, "/admin/agencies/harbour-project/edit", form)
	wantStatus(t, "rename", resp, body, http.StatusSeeOther)
	curLocation(t, resp, "/admin/agencies/harbour-project/edit")
	_, public = a.get(t, "/agencies/harbour-project")
	mustContain(t, "renamed public page", public, "Harbour Project Lanarkshire")
	_, page := admin.get(t, "/admin/agencies/harbour-project/edit")
	mustContain(t, "edit page", page, "Your changes have been saved.", `value="Harbour Project Lanarkshire"`)

	// The same form again is stale: 409, the other change shown, the admin's input kept.
	form.Set("summary", "A summary typed on the old page.")
	resp, body = admin.post(t, "/admin/agencies/harbour-project/edit", form)
	wantStatus(t, "stale save", resp, body, http.StatusConflict)
	mustContain(t, "stale save", body, "Someone else saved changes", "A summary typed on the old page.", "Harbour Project Lanarkshire")
	if got := a.curAgency(t, "harbour-project"); got.Summary != "Drop-in support for survivors." {
		t.Errorf("stale save written: %q", got.Summary)
	}

	// Archive: asked first, then gone for everyone but admins.
	saved = a.curAgency(t, "harbour-project")
	resp, body = admin.get(t, "/admin/agencies/harbour-project/archive")
	wantStatus(t, "archive question", resp, body, http.StatusOK)
	mustContain(t, "archive question", body, "Archive Harbour Project Lanarkshire?", `value="`+strconv.Itoa(saved.Version)+`"`)
	resp, body = admin.post(t, "/admin/agencies/harbour-project/archive", url.Values{"version": {strconv.Itoa(saved.Version)}})
	wantStatus(t, "archive not confirmed", resp, body, http.StatusOK)
	mustContain(t, "archive not confirmed asks again", body, "Archive Harbour Project Lanarkshire?", `name="confirm" value="1"`)
	if got := a.curAgency(t, "harbour-project"); got.Version != saved.Version {
		t.Fatalf("archived without confirmation: version %d", got.Version)
	}
	resp, body = admin.post(t, "/admin/agencies/harbour-project/archive", url.Values{"version": {strconv.Itoa(saved.Version - 1)}, "confirm": {"1"}})
	wantStatus(t, "stale archive", resp, body, http.StatusConflict)
	mustContain(t, "stale archive asks again", body, "Archive Harbour Project Lanarkshire?", `value="`+strconv.Itoa(saved.Version)+`"`)
	resp, body = admin.post(t, "/admin/agencies/harbour-project/archive", url.Values{"version": {strconv.Itoa(saved.Version)}, "confirm": {"1"}})
	wantStatus(t, "archive", resp, body, http.StatusSeeOther)
	// The page the archive led to says what was done and offers the undo, once.
	_, page = admin.get(t, resp.Header.Get("Location"))
	mustContain(t, "archived edit page", page, "This organisation is archived", "Restore Harbour Project Lanarkshire",
		"Archived: Harbour Project Lanarkshire.", "Undo: restore Harbour Project Lanarkshire")
	undo, ok := scrapeForm(page, "/admin/agencies/harbour-project/restore")
	if !ok {
		t.Fatal("no undo form")
	}
	resp, _ = a.get(t, "/agencies/harbour-project")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("archived agency public: %d", resp.StatusCode)
	}
	staff := a.signIn(t, access.HousingStaff, "")
	resp, _ = staff.get(t, "/agencies/harbour-project")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("archived agency shown to staff: %d", resp.StatusCode)
	}
	_, list := admin.get(t, "/admin/agencies?status=archived")
	mustContain(t, "archived list", list, "Harbour Project Lanarkshire", "Archived")
	_, list = admin.get(t, "/admin/agencies")
	mustNotContain(t, "live list", list, "Harbour Project Lanarkshire")
	mustNotContain(t, "archived edit page", page, `name="summary"`)
	_, again := admin.get(t, "/admin/agencies/harbour-project/edit")
	mustNotContain(t, "undo shown once", again, "Undo: restore")

	saved = a.curAgency(t, "harbour-project")
	resp, body = admin.post(t, "/admin/agencies/harbour-project/edit", curAgencyForm(saved.AdminAgencyInput, saved.Version))
	wantStatus(t, "edit while archived", resp, body, http.StatusConflict)
	resp, body = admin.post(t, "/admin/agencies/harbour-project/restore", undo)
	wantStatus(t, "undo: restore", resp, body, http.StatusSeeOther)
	resp, _ = a.get(t, "/agencies/harbour-project")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("restored agency: %d", resp.StatusCode)
	}
}

func TestAdminContactCreateEditArchiveRestore(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	resp, body := admin.get(t, "/admin/agencies/link-group/contacts/new")
	wantStatus(t, "new contact form", resp, body, http.StatusOK)
	mustContain(t, "new contact form", body, `value="champion"`, `name="is_key"`, `name="key_order"`, `name="areas"`, `name="review_due-day"`)

	form := contactForm("Out-of-hours duty officer", "public", 0, "Duty line", "0141 496 0399")
	form.Set("is_key", "1")
	form.Set("key_order", "0")
	form.Set("review_due", "31/12/2026")
	form["areas"] = []string{"coatbridge"}
	form.Del("version")
	resp, body = admin.post(t, "/admin/agencies/link-group/contacts/new", form)
	wantStatus(t, "add contact", resp, body, http.StatusSeeOther)
	curLocation(t, resp, "/admin/agencies/link-group/edit")
	_, key := a.get(t, "/contacts")
	mustContain(t, "useful contacts", key, "Out-of-hours duty officer", "tel:+441414960399")

	id, version := a.orgContact(t, "link-group", "Out-of-hours duty officer")
	path := fmt.Sprintf("/admin/agencies/link-group/contacts/%d", id)
	resp, body = admin.get(t, path+"/edit")
	wantStatus(t, "edit form", resp, body, http.StatusOK)
	mustContain(t, "edit form", body, `value="Out-of-hours duty officer"`, `name="review_due-day" value="31"`, `name="review_due-month" value="12"`, `name="review_due-year" value="2026"`, "0141 496 0399")

	// Through another agency's URL it does not exist.
	resp, _ = admin.get(t, fmt.Sprintf("/admin/agencies/clyde-valley-housing-association/contacts/%d/edit", id))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("contact through another agency: %d", resp.StatusCode)
	}

	form = contactForm("Out-of-hours duty officer", "staff", version, "Duty line", "0141 496 0399")
	form["areas"] = []string{"coatbridge"}
	form.Set("key_order", "0")
	form.Set("review_due", "2026-12-31")
	resp, body = admin.post(t, path+"/edit", form)
	wantStatus(t, "save contact", resp, body, http.StatusSeeOther)
	_, key = a.get(t, "/contacts")
	mustNotContain(t, "useful contacts after", key, "Out-of-hours duty officer")
	_, pub := a.get(t, "/agencies/link-group")
	mustNotContain(t, "public agency page", pub, "Out-of-hours duty officer")

	resp, body = admin.post(t, path+"/edit", form) // the same version again
	wantStatus(t, "stale contact save", resp, body, http.StatusConflict)

	_, version = a.orgContact(t, "link-group", "Out-of-hours duty officer")
	resp, body = admin.get(t, path+"/archive")
	wantStatus(t, "archive question", resp, body, http.StatusOK)
	resp, body = admin.post(t, path+"/archive", url.Values{"version": {strconv.Itoa(version)}, "confirm": {"1"}})
	wantStatus(t, "archive contact", resp, body, http.StatusSeeOther)
	staff := a.signIn(t, access.HousingStaff, "")
	_, staffPage := staff.get(t, "/agencies/link-group")
	mustNotContain(t, "staff page after archive", staffPage, "Out-of-hours duty officer")
	_, page := admin.get(t, "/admin/agencies/link-group/edit")
	mustContain(t, "agency page lists the archived contact", page, "Contact archived: Out-of-hours duty officer (", path+"/restore",
		"Undo: restore Out-of-hours duty officer")

	undo, ok := scrapeForm(page, path+"/restore")
	if !ok || undo.Get("version") != strconv.Itoa(version+1) {
		t.Fatalf("undo form %v %v", ok, undo)
	}
	resp, body = admin.post(t, path+"/restore", undo)
	wantStatus(t, "undo: restore contact", resp, body, http.StatusSeeOther)
	_, staffPage = staff.get(t, "/agencies/link-group")
	mustContain(t, "staff page after restore", staffPage, "Out-of-hours duty officer")
}

func TestAdminTaxonomyRetireAndMerge(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	admin := a.signIn(t, access.Admin, "")
	resp, body := admin.get(t, "/admin/taxonomy")
	wantStatus(t, "taxonomy", resp, body, http.StatusOK)
	mustContain(t, "taxonomy", body, "Areas", "Types of support", `href="/admin/taxonomy/areas/shotts/edit"`, "organisations")

	// Retire Shotts: the directory refuses it as a filter and forms stop offering it.
	var version int
	if err := a.pool.QueryRow(ctx, `SELECT version FROM areas WHERE slug = 'shotts'`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	// Asked first, naming the term; nothing changes until the answer.
	retireForm := url.Values{"version": {strconv.Itoa(version)}, "original": {edit.Original(directory.TermInput{Name: "Shotts"})}}
	resp, body = admin.post(t, "/admin/taxonomy/areas/shotts/retire", retireForm)
	wantStatus(t, "asked to retire", resp, body, http.StatusOK)
	mustContain(t, "asked to retire", body, "Retire Shotts?", "no longer be offered", `name="confirm" value="1"`,
		`name="version" value="`+strconv.Itoa(version)+`"`, "Yes, retire Shotts", `aria-label="Administration"`)
	if resp, _ := a.get(t, "/directory?area=shotts"); resp.StatusCode != http.StatusOK {
		t.Fatalf("asking retired the term: %d", resp.StatusCode)
	}
	retireForm.Set("confirm", "1")
	resp, body = admin.post(t, "/admin/taxonomy/areas/shotts/retire", retireForm)
	wantStatus(t, "retire", resp, body, http.StatusSeeOther)
	resp, body = a.get(t, "/directory?area=shotts")
	wantStatus(t, "retired filter", resp, body, http.StatusBadRequest)
	_, body = a.get(t, "/directory")
	mustNotContain(t, "directory filters", body, `value="shotts"`)
	_, body = admin.get(t, "/admin/agencies/new")
	mustNotContain(t, "new agency form", body, `value="shotts"`)
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	form := orgForm(a.orgSaved(t, "link-group"))
	form["areas"] = append(form["areas"], "shotts")
	resp, body = officer.post(t, "/my/organisation", form)
	wantStatus(t, "officer picks a retired area", resp, body, http.StatusUnprocessableEntity)

	// Merge Wishaw into Motherwell: asked first, then every row moves.
	if err := a.pool.QueryRow(ctx, `SELECT version FROM areas WHERE slug = 'wishaw'`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	var union int
	if err := a.pool.QueryRow(ctx, `SELECT count(DISTINCT agency_id) FROM agency_areas j JOIN areas t ON t.id = j.area_id
		WHERE t.slug IN ('wishaw', 'motherwell')`).Scan(&union); err != nil {
		t.Fatal(err)
	}
	merge := url.Values{"version": {strconv.Itoa(version)}, "into": {"motherwell"}, "original": {edit.Original(directory.TermInput{Name: "Wishaw"})}}
	resp, body = admin.post(t, "/admin/taxonomy/areas/wishaw/merge", merge)
	wantStatus(t, "merge question", resp, body, http.StatusOK)
	mustContain(t, "merge question", body, "Merge Wishaw into Motherwell?", `name="confirm" value="1"`)
	resp, body = admin.post(t, "/admin/taxonomy/areas/wishaw/merge", url.Values{"version": {strconv.Itoa(version)}, "into": {"wishaw"}})
	wantStatus(t, "merge into itself", resp, body, http.StatusUnprocessableEntity)
	merge.Set("confirm", "1")
	resp, body = admin.post(t, "/admin/taxonomy/areas/wishaw/merge", merge)
	wantStatus(t, "merge", resp, body, http.StatusSeeOther)
	curLocation(t, resp, "/admin/taxonomy/areas/motherwell/edit")
	var orphans, now int
	if err := a.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM agency_areas j JOIN areas t ON t.id = j.area_id WHERE t.slug = 'wishaw') +
		(SELECT count(*) FROM contact_areas j JOIN areas t ON t.id = j.area_id WHERE t.slug = 'wishaw'),
		(SELECT count(*) FROM agency_areas j JOIN areas t ON t.id = j.area_id WHERE t.slug = 'motherwell')`).Scan(&orphans, &now); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 || now != union {
		t.Errorf("after merge: %d rows on Wishaw, %d on Motherwell (want 0 and %d)", orphans, now, union)
	}
	_, body = admin.get(t, "/admin/taxonomy/areas/motherwell/edit")
	mustContain(t, "kept term's page", body, "Merged Wishaw into Motherwell")
	resp, _ = a.get(t, "/directory?area=wishaw")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("merged area as a filter: %d", resp.StatusCode)
	}

	// Add and rename through the forms.
	resp, body = admin.post(t, "/admin/taxonomy/categories/new", url.Values{"name": {"Economic abuse"}})
	wantStatus(t, "add category", resp, body, http.StatusSeeOther)
	resp, body = admin.post(t, "/admin/taxonomy/categories/new", url.Values{"name": {"Economic abuse"}})
	wantStatus(t, "add it again", resp, body, http.StatusUnprocessableEntity)
	mustContain(t, "add it again", body, "There is already a type of support called Economic abuse", `value="Economic abuse"`)
	_, body = a.get(t, "/directory")
	mustContain(t, "directory offers the new category", body, `value="economic-abuse"`)
}

func TestAdminSettingsShowOnThePublicHome(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	resp, body := admin.get(t, "/admin/settings")
	wantStatus(t, "settings", resp, body, http.StatusOK)
	mustContain(t, "settings", body, `name="site_name"`, `name="quick_exit_url"`, `name="banner"`, `name="version" value="`)
	var version int
	if err := a.pool.QueryRow(context.Background(), `SELECT version FROM site_settings`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"version": {strconv.Itoa(version)}, "site_name": {"Lanarkshire Safe Directory"},
		"council_name": {"North Lanarkshire Council"}, "helpline_name": {"Test Helpline"}, "helpline_number": {"0800 027 1234"},
		"helpline_hours": {"24 hours"}, "quick_exit_url": {"javascript:alert(1)"}, "banner": {"Offices closed on Friday."}}

	resp, body = admin.post(t, "/admin/settings", form)
	wantStatus(t, "javascript: exit", resp, body, http.StatusUnprocessableEntity)
	mustContain(t, "javascript: exit", body, "must be a full web address", "Offices closed on Friday.", "Lanarkshire Safe Directory")
	_, home := a.get(t, "/")
	mustNotContain(t, "home after a refused save", home, "javascript:alert", "Offices closed on Friday.")

	form.Set("quick_exit_url", "https://weather.example.org/today")
	resp, body = admin.post(t, "/admin/settings", form)
	wantStatus(t, "save settings", resp, body, http.StatusSeeOther)
	// Every instance caches the settings for a second: the public home shows them within it.
	deadline := time.Now().Add(1500 * time.Millisecond)
	for {
		_, home = a.get(t, "/")
		if strings.Contains(home, "Offices closed on Friday.") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	mustContain(t, "public home", home, "Lanarkshire Safe Directory", "Offices closed on Friday.",
		`href="https://weather.example.org/today"`, "Test Helpline", "tel:+448000271234")

	// The same version again is stale: 409, nothing written, the other change shown.
	form.Set("banner", "A stale banner")
	resp, body = admin.post(t, "/admin/settings", form)
	wantStatus(t, "stale settings", resp, body, http.StatusConflict)
	mustContain(t, "stale settings", body, `class="conflict"`, "A stale banner")
	_, home = a.get(t, "/")
	mustNotContain(t, "home after a stale save", home, "A stale banner")
}
