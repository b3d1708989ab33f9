package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// One number in one place: the agency's main number is its main contact's first number, so
// an officer who changes that contact's number changes the agency page and its search result
// at once, and no old number is left behind anywhere (issue 13).
func TestMainNumberIsTheMainContactsNumber(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	anon := a.anonymous()
	const org = "clyde-valley-housing-association"
	page := func() string {
		t.Helper()
		resp, body := anon.get(t, "/agencies/"+org)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("agency page: %d", resp.StatusCode)
		}
		return body
	}
	search := func() string {
		t.Helper()
		_, body := anon.get(t, "/directory?q=clyde+valley")
		return body
	}
	mustContain(t, "agency page before", page(), `href="tel:+441632960301"`)
	mustContain(t, "search before", search(), `href="tel:+441632960301"`)

	officer := a.signIn(t, access.RSLOfficer, org)
	id, version := a.orgContact(t, org, "Customer services")
	f := contactForm("Customer services", "public", version, "Customer services", "01632 960 399")
	f.Set("main", "1")
	if resp, body := officer.post(t, "/my/organisation/contacts/"+strconv.FormatInt(id, 10), f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change the number: %d\n%s", resp.StatusCode, body)
	}
	for what, body := range map[string]string{"agency page": page(), "search": search()} {
		mustContain(t, what+" after", body, `href="tel:+441632960399"`)
		mustNotContain(t, what+" after", body, "1632960301", "01632 960 301")
	}

	// Marking the staff-only lead officer main unmarks customer services; the public sees no
	// main number rather than a staff-only one.
	lead, leadVersion := a.orgContact(t, org, "Domestic abuse lead officer")
	f = contactForm("Domestic abuse lead officer", "staff", leadVersion, "Direct line", "01632 960 303")
	f.Set("main", "1")
	f.Set("kind", "referral_point")
	f.Set("person_name", "Kai Demo")
	if resp, body := officer.post(t, "/my/organisation/contacts/"+strconv.FormatInt(lead, 10), f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark the lead main: %d\n%s", resp.StatusCode, body)
	}
	var mains []string
	rows, _ := a.pool.Query(context.Background(), `SELECT c.role_title FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE a.slug = $1 AND c.main AND c.archived_at IS NULL`, org)
	for rows.Next() {
		var s string
		rows.Scan(&s)
		mains = append(mains, s)
	}
	if strings.Join(mains, ",") != "Domestic abuse lead officer" {
		t.Errorf("main contacts now %v, want only the lead officer", mains)
	}
	body := page()
	mustNotContain(t, "public page with a staff-only main contact", body, "1632960303", "01632 960 303", "Kai Demo")
	var unmarked int
	a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'contact.update' AND entity_id = $1
		AND before->>'main' = 'true' AND after->>'main' = 'false'`, id).Scan(&unmarked)
	if unmarked != 1 {
		t.Errorf("unmarking customer services: %d audit events, want 1", unmarked)
	}

	// A main contact needs a number.
	f = contactForm("Customer services", "public", version+2)
	f.Set("main", "1")
	if resp, body := officer.post(t, "/my/organisation/contacts/"+strconv.FormatInt(id, 10), f); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "The main number needs a phone number") {
		t.Errorf("main without a number: %d", resp.StatusCode)
	}
}
