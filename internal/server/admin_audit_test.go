package server

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

func TestAdminAuditListsEventsWithFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	officer := a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")
	admin := a.signIn(t, access.Admin, "")
	var agencyID, contactID int64
	a.pool.QueryRow(ctx, `SELECT a.id, min(c.id) FROM agencies a JOIN contacts c ON c.agency_id = a.id
		WHERE a.slug = 'clyde-valley-housing-association' GROUP BY a.id`).Scan(&agencyID, &contactID)
	_, err := a.pool.Exec(ctx, `INSERT INTO audit_events (occurred_at, actor_id, action, entity_type, entity_id, agency_id, before, after)
		VALUES ('2025-06-30T23:30:00Z', $1, 'contact.update', 'contact', $2, $3,
			'{"phones": [{"label": "Customer services", "number": "01632960301"}], "hours": "9 to 5", "version": 1,
			  "sort_order": 1, "visibility": "public", "password_hash": "$argon2id$x"}',
			'{"phones": [{"label": "Customer services", "number": "01632960399"}, {"label": "Out of hours", "number": "08000271234"}],
			  "hours": "9 to 5", "version": 2, "sort_order": 2, "visibility": "staff", "password_hash": "$argon2id$y",
			  "notes": "<script>alert(1)</script>"}')`,
		officer.ID, contactID, agencyID)
	if err != nil {
		t.Fatal(err)
	}

	resp, body := admin.get(t, "/admin/audit")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	for _, want := range []string{
		"Signed in", "Updated contact", "Contact: Customer services", officer.Email,
		`href="/agencies/clyde-valley-housing-association"`, "1 July 2025 at 12:30am", `datetime="2025-06-30T23:30:00Z"`,
		// The phone numbers as a list, labelled and spaced as the directory writes them.
		"Phone numbers:</span>", "<li>Customer services: 01632 960301</li>", "<li>Customer services: 01632 960399</li>",
		"<li>Out of hours: 0800 027 1234</li>", "Who can see it:</span>", "Everyone", "Staff only",
		"Notes:</span>", "&lt;script&gt;alert(1)&lt;/script&gt;",
		// The admin's navigation stays.
		`aria-label="Administration"`, `href="/admin/audit" aria-current="page"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, never := range []string{"argon2", "password_hash", "<script>alert", ">hours<", "[{", "&#34;label&#34;", "&quot;label",
		"01632960301", "sort_order", "version:", ">phones", ">visibility"} {
		if strings.Contains(body, never) {
			t.Errorf("page shows %q", never)
		}
	}
	// Newest first: the sign-ins just now come before the change of 2025.
	if i, j := strings.Index(body, "Signed in"), strings.Index(body, "Updated contact"); i < 0 || j < i {
		t.Error("events not newest first")
	}

	// Filters keep their state and narrow the list.
	resp, body = admin.get(t, "/admin/audit?actor="+strconv.FormatInt(officer.ID, 10)+"&org=clyde-valley-housing-association&from=2025-07-01&to=2025-07-01")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("filtered: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`<option value="` + strconv.FormatInt(officer.ID, 10) + `" selected>`,
		`<option value="clyde-valley-housing-association" selected>`,
		`name="from-day" value="1"`, `name="from-month" value="7"`, `name="from-year" value="2025"`,
		`name="to-day" value="1"`, `name="to-month" value="7"`, `name="to-year" value="2025"`,
		"1 event", "Updated contact", `href="/admin/audit"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("filtered page lacks %q", want)
		}
	}
	if strings.Contains(body, "Signed in") {
		t.Error("filtered page shows a sign-in from outside the dates")
	}
	if _, body = admin.get(t, "/admin/audit?to=2025-06-30"); !strings.Contains(body, "No events found") {
		t.Error("to=2025-06-30 (London) should not include 00:30 BST on 1 July")
	}
}

func TestAdminAuditRefusesBadFiltersWithTheForm(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	for q, field := range map[string]string{
		"from=2026-13-45":                   "from",
		"to-day=31&to-month=2&to-year=2026": "to",
		"from-day=1&from-year=2026":         "from",
		"from=2026-03-02&to=2026-03-01":     "to",
		"actor=abc":                         "actor",
		"actor=99999999":                    "actor",
		"org=no-such-organisation":          "org",
		"org=%3Cscript%3E":                  "org",
		"page=0":                            "audit-filters",
		"from=%00":                          "from",
		"from=" + strings.Repeat("9", 5):    "from",
	} {
		resp, body := admin.get(t, "/admin/audit?"+q)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, resp.StatusCode)
			continue
		}
		if !strings.Contains(body, "There is a problem") || !strings.Contains(body, `href="#`+field+`"`) || !strings.Contains(body, `id="audit-filters"`) {
			t.Errorf("%s: no error summary linking #%s with the form", q, field)
		}
	}
	_, body := admin.get(t, "/admin/audit?from=2026-13-45&org=galop")
	if !strings.Contains(body, `name="from-day" value="45"`) || !strings.Contains(body, `name="from-month" value="13"`) ||
		!strings.Contains(body, `<option value="galop" selected>`) {
		t.Error("typed values not kept on the 400 page")
	}
	if strings.Contains(a.log.String(), `"level":"ERROR"`) {
		t.Errorf("bad filters logged as errors:\n%s", a.log.String())
	}
}

func TestAdminAuditPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	// 60 events by the admin in one organisation, plus the admin's own sign-in (no organisation).
	_, err := a.pool.Exec(context.Background(), `INSERT INTO audit_events (occurred_at, actor_id, action, entity_type, entity_id, agency_id)
		SELECT timestamptz '2026-03-01T12:00:00Z' + n * interval '1 minute', $1, 'agency.update', 'agency', a.id, a.id
		FROM generate_series(1, 60) n, agencies a WHERE a.slug = 'galop'`, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`<tr id="event-\d+">\s*<td class="audit-table__when"`)
	resp, body := admin.get(t, "/admin/audit?org=galop")
	if resp.StatusCode != http.StatusOK || len(rows.FindAllString(body, -1)) != 50 || !strings.Contains(body, "60 events, page 1 of 2") {
		t.Fatalf("page 1: %d, %d rows", resp.StatusCode, len(rows.FindAllString(body, -1)))
	}
	if !strings.Contains(body, `href="/admin/audit?org=galop&amp;page=2" rel="next"`) {
		t.Error("no next link keeping the filter")
	}
	if !strings.Contains(body, "1 March 2026 at 1pm") || strings.Contains(body, "1 March 2026 at 12:01pm") {
		t.Error("page 1 should hold the newest 50 (13:00 back to 12:11)")
	}
	_, body = admin.get(t, "/admin/audit?org=galop&page=2")
	if n := len(rows.FindAllString(body, -1)); n != 10 || !strings.Contains(body, `href="/admin/audit?org=galop" rel="prev"`) {
		t.Errorf("page 2: %d rows, or no previous link", n)
	}
	if resp, _ := admin.get(t, "/admin/audit?org=galop&page=3"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("page past the end: %d, want 404", resp.StatusCode)
	}
}
