package server

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// The print view of one organisation shows what the viewer may see, no more: staff-only
// numbers for staff only; a staff-only organisation is 404 for the public, and an archived one
// for everyone. It has no navigation, says when the entry was checked, gives the site's
// address, and loads its script from a file (the CSP allows no inline script).
func TestAgencyPrintViewShowsWhatTheViewerMaySee(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t)
	if _, err := seed.Demo(ctx, pool); err != nil {
		t.Fatal(err)
	}
	a := startAppWith(t, pool, map[string]string{"BASE_URL": "https://directory.example.org"})
	var slug, title, staffSlug string
	var phones []directory.Phone
	err := a.pool.QueryRow(ctx, `SELECT a.slug, c.role_title, c.phones FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.visibility = 'staff' AND a.visibility = 'public' AND c.archived_at IS NULL AND a.archived_at IS NULL
		AND jsonb_array_length(c.phones) > 0 ORDER BY a.slug, c.id LIMIT 1`).Scan(&slug, &title, &phones)
	if err != nil {
		t.Fatalf("a public agency with a staff-only contact in the demo data: %v", err)
	}
	if err := a.pool.QueryRow(ctx, `SELECT slug FROM agencies WHERE visibility = 'staff' AND archived_at IS NULL ORDER BY slug LIMIT 1`).Scan(&staffSlug); err != nil {
		t.Fatal(err)
	}
	if _, err := a.pool.Exec(ctx, `UPDATE agencies SET reviewed_at = '2026-03-04 12:00Z' WHERE slug = $1`, slug); err != nil {
		t.Fatal(err)
	}
	if err := a.srv.directory.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	staffNumber := phones[0].Display()
	page := "/agencies/" + slug + "/print"

	resp, body := a.get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("public print view: %d", resp.StatusCode)
	}
	wantIn(t, "public print view", body, "Correct on <time datetime=\"2026-03-04\">4 March 2026</time>",
		"https://directory.example.org/agencies/"+slug, "data-print hidden", "Print command", "data-share-url", `role="status"`, "Exit this page")
	for _, leak := range []string{title, "Staff only", staffNumber} {
		if strings.Contains(body, leak) || strings.Contains(body, escape(leak)) {
			t.Errorf("public print view shows %q", leak)
		}
	}
	if strings.Contains(body, "<nav") || strings.Contains(body, "site-header") || strings.Contains(body, "site-footer") {
		t.Error("the print view has the site's navigation")
	}
	if regexp.MustCompile(`<script(?:\s+[^>]*)?>[^<]`).MatchString(body) || !regexp.MustCompile(`<script src="/static/share\.[0-9a-f]+\.js"`).MatchString(body) {
		t.Error("the print view's script is inline or missing")
	}
	// Each number on a line of its own.
	if n := strings.Count(body, `class="print-lines__phone"`); n == 0 {
		t.Error("no numbers on lines of their own")
	}

	staff := a.signIn(t, access.HousingStaff, "")
	resp, body = staff.get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("staff print view: %d", resp.StatusCode)
	}
	wantIn(t, "staff print view", body, escape(title), staffNumber, "Staff only: not for the public")

	// The agency page links to it and shows its own address to copy.
	_, body = a.get(t, "/agencies/"+slug)
	wantIn(t, "agency page", body, `href="`+page+`"`, "Print or share", `data-share-url>https://directory.example.org/agencies/`+slug+`<`)

	// A staff-only organisation: not for the public.
	if resp, _ := a.get(t, "/agencies/"+staffSlug+"/print"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("staff-only agency's print view for the public: %d", resp.StatusCode)
	}
	if resp, _ := staff.get(t, "/agencies/"+staffSlug+"/print"); resp.StatusCode != http.StatusOK {
		t.Errorf("staff-only agency's print view for staff: %d", resp.StatusCode)
	}
	// An archived one: for nobody, admins included.
	if _, err := a.pool.Exec(ctx, `UPDATE agencies SET archived_at = now() WHERE slug = $1`, slug); err != nil {
		t.Fatal(err)
	}
	if err := a.srv.directory.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	admin := a.signIn(t, access.Admin, "")
	for who, get := range map[string]func(*testing.T, string) (*http.Response, string){"public": a.get, "staff": staff.get, "admin": admin.get} {
		if resp, _ := get(t, page); resp.StatusCode != http.StatusNotFound {
			t.Errorf("archived agency's print view for %s: %d", who, resp.StatusCode)
		}
	}
}
