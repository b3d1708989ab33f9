package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
)

const (
	motherwellChampion    = "Housing Domestic Abuse Champion – Motherwell"
	motherwellChampionTel = `href="tel:+441632960255"` // the demo Motherwell champion's desk, staff-only
	shottsChampionTel     = `href="tel:+441632960258"`
)

// exec runs a fixture statement.
func (a *app) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := a.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// linkChampion makes u the keeper of the contact with this role title, as an admin would.
// The server reloads the user on every request, so the next one sees it.
func (u *user) linkChampion(t *testing.T, title string) {
	t.Helper()
	u.app.exec(t, `UPDATE users SET contact_id = (SELECT id FROM contacts WHERE role_title = $2 ORDER BY id LIMIT 1) WHERE id = $1`, u.ID, title)
}

// home fetches / and checks it is a private page.
func (u *user) home(t *testing.T) string {
	t.Helper()
	resp, body := u.get(t, "/")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET / : %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	return body
}

func wantIn(t *testing.T, who, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: home page lacks %q", who, w)
		}
	}
}

func wantNotIn(t *testing.T, who, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s: home page shows %q", who, w)
		}
	}
}

func TestAnonymousHomeIsThePublicOne(t *testing.T) {
	a := newApp(t)
	_, body := a.get(t, "/")
	wantIn(t, "anonymous", body, "Get help with domestic abuse", "If you are in danger now")
	wantNotIn(t, "anonymous", body, motherwellChampionTel, "Housing staff home", "Staff only", `id="training-heading"`)
}

func TestHousingStaffHome(t *testing.T) {
	a := newApp(t)
	a.exec(t, `UPDATE contacts SET updated_at = now() + interval '1 hour' WHERE role_title = 'Safeguarding lead'`)
	body := a.signIn(t, access.HousingStaff, "").home(t)
	wantIn(t, "housing staff", body, "Housing staff home",
		`action="/directory"`, `name="q"`, // quick search
		"Housing domestic abuse champions", `<td data-label="Area">Motherwell</td>`, "Charlie Example", motherwellChampionTel, "Staff only",
		`id="training-heading">Training`, `id="training-heading"`,
		"Recently updated contacts", "Safeguarding lead", `href="/agencies/trust-housing-association"`)
	wantNotIn(t, "housing staff", body, "Get help with domestic abuse", "What needs attention")
	// The most recently updated contact leads the list.
	recent := body[strings.Index(body, "Recently updated contacts"):]
	if i := strings.Index(recent, "<tbody>"); i < 0 || !strings.Contains(recent[i:i+300], "Safeguarding lead") {
		t.Error("the newest change is not first in recently updated contacts")
	}
}

func TestChampionHome(t *testing.T) {
	a := newApp(t)
	champ := a.signIn(t, access.Champion, "")
	body := champ.home(t)
	wantIn(t, "unlinked champion", body, "not linked to a champion entry", "Ask an administrator")
	wantNotIn(t, "unlinked champion", body, "Clyde Valley Housing Association")

	champ.linkChampion(t, motherwellChampion)
	a.exec(t, `UPDATE agencies SET review_due = (now() AT TIME ZONE 'Europe/London')::date - 1 WHERE slug = 'clyde-valley-housing-association'`)
	body = champ.home(t)
	wantIn(t, "champion", body, "Housing associations in your areas",
		`href="/agencies/clyde-valley-housing-association"`, "Domestic abuse lead", "Kai Demo", `href="tel:+441632960303"`,
		`href="/agencies/link-group"`, "1 entry is overdue for review", "Review overdue",
		"Your champion entry", motherwellChampion, `href="/my/champion"`)
	wantNotIn(t, "champion", body, "Home Group Scotland", "Abronhill", "Customer services")
	// Only Clyde Valley is overdue: the tag appears once (the count sentence aside).
	if n := strings.Count(body, `tag--overdue`); n != 1 {
		t.Errorf("%d overdue tags, want 1", n)
	}
}

func TestRSLOfficerHome(t *testing.T) {
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")
	body := officer.home(t)
	wantIn(t, "rsl officer", body, "Clyde Valley Housing Association", "tag--reviewed", "has been confirmed as correct",
		`href="/my/organisation"`, "champions for your areas", motherwellChampionTel, `<td data-label="Area">Wishaw</td>`,
		`id="training-heading"`)
	// Clyde Valley has no homes in Shotts: that champion is not theirs.
	wantNotIn(t, "rsl officer", body, shottsChampionTel, `<td data-label="Area">Shotts</td>`, "No champion is listed yet for Shotts")

	a.exec(t, `UPDATE agencies SET review_due = (now() AT TIME ZONE 'Europe/London')::date - 1 WHERE slug = 'clyde-valley-housing-association'`)
	wantIn(t, "rsl officer, overdue", officer.home(t), "tag--overdue", "Review overdue", "overdue for review")
}

// TestAdminHome: an admin's home is the dashboard, one page for what needs attention. The
// changes by officers and champions stay on it, however often it is opened, until the admin
// marks them seen.
func TestAdminHome(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	admin := a.signIn(t, access.Admin, "")
	body := admin.home(t)
	wantIn(t, "admin", body, "Admin dashboard", "No entries are overdue for review", "Nothing new has been changed",
		`href="/admin/audit"`, "The directory in numbers")
	wantNotIn(t, "admin", body, "Mark these changes as seen")

	record := func(actor int64, slug string) {
		t.Helper()
		err := pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
			var id int64
			if err := tx.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1`, slug).Scan(&id); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{ActorID: actor, Action: "agency.update", EntityType: "agency", EntityID: id, AgencyID: id})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	record(officer.ID, "link-group")
	record(admin.ID, "trust-housing-association")
	a.exec(t, `UPDATE agencies SET review_due = (now() AT TIME ZONE 'Europe/London')::date - 5 WHERE slug = 'loretto-housing'`)

	for _, path := range []string{"/", "/admin", "/"} { // looking again does not clear them
		_, body = admin.get(t, path)
		wantIn(t, "admin "+path, body, "Changes by officers and champions", "Test rsl_officer", "RSL officer",
			"Changed organisation", `href="/admin/agencies/link-group/edit"`, "1 change you have not marked as seen",
			"1 entry is overdue for review", "Loretto Housing Association (Wheatley Group)", "Mark these changes as seen")
		// The admin's own change and everyone's sign-ins are not "changes by non-admins".
		changes := body[strings.Index(body, "Changes by officers"):strings.Index(body, "Overdue for review")]
		wantNotIn(t, "admin "+path, changes, "trust-housing-association", "Sign in")
	}
	upto := regexp.MustCompile(`name="upto" value="(\d+)"`).FindStringSubmatch(body)
	if upto == nil {
		t.Fatal("no mark-as-seen form")
	}
	resp, _ := admin.post(t, "/admin/changes/seen", url.Values{"upto": {upto[1]}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Fatalf("mark as seen: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = admin.get(t, "/")
	wantIn(t, "admin, marked seen", body, "The changes are marked as seen", "Nothing new has been changed", "You last marked changes as seen on")
}
