package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
)

// orgSaved reads an agency as saved, through the store an admin would use.
func (a *app) orgSaved(t *testing.T, slug string) directory.AgencyEdit {
	t.Helper()
	var id int64
	ctx := context.Background()
	if err := a.pool.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	e, err := directory.NewStore(a.pool).AgencyForEdit(ctx, access.Viewer{UserID: -1, Role: access.Admin}, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// orgForm is the details form as the page sends it for e, unchanged.
func orgForm(e directory.AgencyEdit) url.Values {
	return url.Values{
		"summary": {e.Summary}, "description": {e.Description}, "website": {e.Website}, "email": {e.Email},
		"opening_hours": {e.OpeningHours}, "referral_route": {e.ReferralRoute},
		"eligibility": {e.Eligibility}, "keywords": {e.Keywords}, "areas": e.Areas, "categories": e.Categories,
		"audiences": e.Audiences, "version": {strconv.Itoa(e.Version)}, "original": {edit.Original(e.AgencyInput)},
	}
}

// orgContact finds a contact by its agency and title.
func (a *app) orgContact(t *testing.T, slug, title string) (id int64, version int) {
	t.Helper()
	err := a.pool.QueryRow(context.Background(), `SELECT c.id, c.version FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE a.slug = $1 AND c.role_title = $2 AND c.archived_at IS NULL`, slug, title).Scan(&id, &version)
	if err != nil {
		t.Fatalf("contact %q of %s: %v", title, slug, err)
	}
	return id, version
}

func contactForm(title, visibility string, version int, phones ...string) url.Values {
	f := url.Values{"role_title": {title}, "kind": {"general"}, "visibility": {visibility}, "version": {strconv.Itoa(version)}}
	for i := 0; i < 3; i++ {
		label, number := "", ""
		if 2*i+1 < len(phones) {
			label, number = phones[2*i], phones[2*i+1]
		}
		f["phone_label"] = append(f["phone_label"], label)
		f["phone_number"] = append(f["phone_number"], number)
	}
	return f
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s: shows %q", what, w)
		}
	}
}

func wantStatus(t *testing.T, what string, resp *http.Response, body string, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%.3000s", what, resp.StatusCode, status, body)
	}
}

func TestMyOrganisationEditShowsOnThePublicPage(t *testing.T) {
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	saved := a.orgSaved(t, "link-group")
	resp, body := officer.get(t, "/my/organisation")
	wantStatus(t, "page", resp, body, http.StatusOK)
	mustContain(t, "page", body, "<h1>Link Group</h1>", `name="summary"`, `name="referral_route"`, `name="areas"`,
		`name="version" value="`+strconv.Itoa(saved.Version)+`"`, "Customer contact centre",
		"Domestic abuse lead officer", "Staff only", "Confirm these details are still correct", "Next review due on",
		"Add a contact", fmt.Sprintf(`href="/my/organisation/contacts/%d"`, saved.Contacts[0].ID))
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("edit page may be cached")
	}

	form := orgForm(saved)
	form.Set("summary", "Fresh summary written by the officer.")
	form.Set("website", "https://link-group.example.org/domestic-abuse")
	form["areas"] = append(form["areas"], "shotts")
	resp, body = officer.post(t, "/my/organisation", form)
	wantStatus(t, "save", resp, body, http.StatusSeeOther)
	if resp.Header.Get("Location") != "/my/organisation" {
		t.Errorf("saved, then sent to %q", resp.Header.Get("Location"))
	}
	_, body = officer.get(t, "/my/organisation")
	mustContain(t, "after saving", body, "Your changes have been saved.", "Fresh summary written by the officer.")

	_, public := a.get(t, "/agencies/link-group")
	mustContain(t, "public page", public, "Fresh summary written by the officer.", "https://link-group.example.org/domestic-abuse",
		"tel:+441414960311", "Shotts") // the main number: its contact's, unchanged
}

func TestMyOrganisationStaffOnlyContact(t *testing.T) {
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	resp, body := officer.get(t, "/my/organisation/contacts/new")
	wantStatus(t, "new contact form", resp, body, http.StatusOK)
	mustContain(t, "new contact form", body, `name="role_title"`, `id="phone_number_2"`, `value="staff"`, `value="referral_point"`)
	mustNotContain(t, "new contact form", body, `value="champion"`)

	resp, body = officer.post(t, "/my/organisation/contacts", contactForm("Safer homes officer", "staff", 0, "Direct line", "0141 496 0388"))
	wantStatus(t, "add staff-only contact", resp, body, http.StatusSeeOther)
	resp, body = officer.post(t, "/my/organisation/contacts", contactForm("Tenant helpline", "public", 0, "", "0141 496 0387"))
	wantStatus(t, "add public contact", resp, body, http.StatusSeeOther)

	_, anon := a.get(t, "/agencies/link-group")
	mustNotContain(t, "anonymous agency page", anon, "Safer homes officer", "0141 496 0388")
	mustContain(t, "anonymous agency page", anon, "Tenant helpline")
	staffUser := a.signIn(t, access.HousingStaff, "")
	_, staffPage := staffUser.get(t, "/agencies/link-group")
	mustContain(t, "staff agency page", staffPage, "Safer homes officer", "Direct line", "tel:+441414960388", "Tenant helpline")
	_, own := officer.get(t, "/my/organisation")
	mustContain(t, "own page", own, "Safer homes officer", "Contact added: Tenant helpline.")
}

func TestMyOrganisationAnotherOrganisationsContactIsNotFound(t *testing.T) {
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	other, version := a.orgContact(t, "clyde-valley-housing-association", "Domestic abuse lead officer")
	path := fmt.Sprintf("/my/organisation/contacts/%d", other)
	for _, p := range []string{path, "/my/organisation/contacts/abc", "/my/organisation/contacts/0",
		"/my/organisation/contacts/-1", "/my/organisation/contacts/99999999999", "/my/organisation/contacts/1e3"} {
		resp, body := officer.get(t, p)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
		mustNotContain(t, "GET "+p, body, "Kai Demo", "da-lead.clyde-valley")
	}
	for what, post := range map[string]struct {
		path string
		form url.Values
	}{
		"update":             {path, contactForm("Taken over", "public", version, "", "0141 496 0300")},
		"update, no version": {path, url.Values{"role_title": {"Taken over"}}},
		"remove, ask":        {path + "/delete", url.Values{"ask": {"1"}}},
		"remove":             {path + "/delete", url.Values{"version": {strconv.Itoa(version)}}},
		"remove, no version": {path + "/delete", url.Values{}},
		"remove, confirmed":  {path + "/delete", url.Values{"version": {strconv.Itoa(version)}, "confirm": {"1"}}},
		"restore":            {path + "/restore", url.Values{"version": {strconv.Itoa(version)}}},
	} {
		resp, body := officer.post(t, post.path, post.form)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d", what, resp.StatusCode)
		}
		mustNotContain(t, "POST "+what, body, "Kai Demo", "Domestic abuse lead officer")
	}
	var title string
	var after int
	var archived bool
	a.pool.QueryRow(context.Background(), `SELECT role_title, version, archived_at IS NOT NULL FROM contacts WHERE id = $1`, other).Scan(&title, &after, &archived)
	if title != "Domestic abuse lead officer" || after != version || archived {
		t.Errorf("another organisation's contact changed: %q version %d archived %v", title, after, archived)
	}
	// The person sees a plain 404; the log says who asked for which object (issue 14).
	want := `"msg":"not found or not theirs","id":`
	logs := a.log.String()
	if !strings.Contains(logs, want) || !strings.Contains(logs, fmt.Sprintf(`"user":%d,"role":"rsl_officer","method":"POST","route":"/my/organisation/contacts/{id}","path":"%s"`, officer.ID, path)) {
		t.Errorf("refusal not logged with the user and the object:\n%.3000s", logs)
	}
}

func TestMyOrganisationStaleVersionIsAConflict(t *testing.T) {
	a := newApp(t)
	first := a.signIn(t, access.RSLOfficer, "link-group")
	second := a.signIn(t, access.RSLOfficer, "link-group")
	opened := a.orgSaved(t, "link-group")

	theirs := orgForm(opened)
	theirs.Set("summary", "Summary saved by the other officer.")
	resp, body := second.post(t, "/my/organisation", theirs)
	wantStatus(t, "their save", resp, body, http.StatusSeeOther)

	mine := orgForm(opened)
	mine.Set("description", "Description typed by the first officer.")
	resp, body = first.post(t, "/my/organisation", mine)
	wantStatus(t, "stale save", resp, body, http.StatusConflict)
	mustContain(t, "conflict page", body, "Someone else saved changes", "Summary saved by the other officer.",
		html.EscapeString(opened.Summary), "Description typed by the first officer.",
		`name="version" value="`+strconv.Itoa(opened.Version+1)+`"`,
		// The form holds their summary, so saving again does not undo it.
		"Summary saved by the other officer.</textarea>")
	now := a.orgSaved(t, "link-group")
	if now.Summary != "Summary saved by the other officer." || now.Description != opened.Description {
		t.Fatalf("stale save overwrote: %q / %q", now.Summary, now.Description)
	}
	// Saving the form as the conflict page left it applies the first officer's change too.
	again := orgForm(now)
	again.Set("description", "Description typed by the first officer.")
	resp, body = first.post(t, "/my/organisation", again)
	wantStatus(t, "deliberate save", resp, body, http.StatusSeeOther)
	if now = a.orgSaved(t, "link-group"); now.Summary != "Summary saved by the other officer." || now.Description != "Description typed by the first officer." {
		t.Errorf("after re-applying: %q / %q", now.Summary, now.Description)
	}

	// The same for a contact.
	id, version := a.orgContact(t, "link-group", "Tenancy sustainment team")
	path := fmt.Sprintf("/my/organisation/contacts/%d", id)
	resp, body = second.post(t, path, contactForm("Tenancy sustainment team", "public", version, "Their line", "0141 496 0381"))
	wantStatus(t, "their contact save", resp, body, http.StatusSeeOther)
	resp, body = first.post(t, path, contactForm("Tenancy support", "public", version, "My line", "0141 496 0382"))
	wantStatus(t, "stale contact save", resp, body, http.StatusConflict)
	mustContain(t, "contact conflict", body, "Their line: 0141 496 0381", "My line", "Tenancy support",
		`name="version" value="`+strconv.Itoa(version+1)+`"`)
	if _, v := a.orgContact(t, "link-group", "Tenancy sustainment team"); v != version+1 {
		t.Errorf("contact version %d after a refused save", v)
	}
	// Removing a contact that changed since the question was asked is refused too.
	resp, body = first.post(t, path+"/delete", url.Values{"version": {strconv.Itoa(version)}, "confirm": {"1"}})
	wantStatus(t, "stale removal", resp, body, http.StatusConflict)
	mustContain(t, "stale removal", body, "Yes, remove this contact")
}

func TestMyOrganisationRefusesBadInput(t *testing.T) {
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")
	saved := a.orgSaved(t, "clyde-valley-housing-association")
	for _, tc := range []struct {
		name, field, value, message, kept string
	}{
		{"oversized summary", "summary", strings.Repeat("s", 301), "Summary must be 300 characters or fewer", strings.Repeat("s", 301)},
		{"invalid UTF-8", "description", "Fine text \xff\xfe", "Description contains characters we cannot read", "Fine text"},
		{"NUL byte", "eligibility", "Tenants\x00", "Eligibility contains characters that are not allowed", "Tenants"},
		{"javascript website", "website", "javascript:alert(1)", "Website must be a full web address", `value="javascript:alert(1)"`},
		{"protocol-relative website", "website", "//evil.example", "Website must be a full web address", `value="//evil.example"`},
		{"bad email", "email", "tenants at example", "Email address must be an email address", `value="tenants at example"`},
		{"unknown area", "areas", "atlantis", "Choose areas from the list", ""},
		{"SQL in an area slug", "areas", "motherwell' OR '1'='1", "Choose areas from the list", ""},
		{"unknown route", "referral_route", "'; DROP TABLE agencies; --", "Choose who can refer", ""},
	} {
		form := orgForm(saved)
		if tc.field == "areas" {
			form.Add("areas", tc.value)
		} else {
			form.Set(tc.field, tc.value)
		}
		resp, body := officer.post(t, "/my/organisation", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", tc.name, resp.StatusCode)
			continue
		}
		mustContain(t, tc.name, body, "<title>Error: ", "There is a problem", `href="#`+tc.field+`"`, tc.message, tc.kept)
	}
	// A contact without a role title, and with a number that is not a phone number.
	resp, body := officer.post(t, "/my/organisation/contacts", contactForm("", "staff", 0, "Mobile", "07700 9"))
	wantStatus(t, "bad contact", resp, body, http.StatusUnprocessableEntity)
	mustContain(t, "bad contact", body, "Enter role or title", `href="#phone_number_0"`, "Phone 1: enter a UK phone number",
		`value="07700 9"`, `value="Mobile"`)
	if now := a.orgSaved(t, "clyde-valley-housing-association"); now.Version != saved.Version || len(now.Contacts) != len(saved.Contacts) {
		t.Errorf("bad input stored: version %d -> %d, %d contacts", saved.Version, now.Version, len(now.Contacts))
	}
	var events int
	a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE agency_id = $1 AND entity_type IN ('agency', 'contact')`, saved.ID).Scan(&events)
	if events != 0 {
		t.Errorf("%d audit events for refused input", events)
	}

	// Markup and SQL metacharacters are plain text: stored as typed and shown escaped.
	text := `<script>alert("hi")</script> Tenants' line; DROP TABLE agencies; --`
	form := orgForm(saved)
	form.Set("summary", text)
	resp, body = officer.post(t, "/my/organisation", form)
	wantStatus(t, "markup as text", resp, body, http.StatusSeeOther)
	if now := a.orgSaved(t, "clyde-valley-housing-association"); now.Summary != text {
		t.Errorf("stored %q", now.Summary)
	}
	_, public := a.get(t, "/agencies/clyde-valley-housing-association")
	mustContain(t, "public page", public, html.EscapeString(text))
	mustNotContain(t, "public page", public, "<script>alert")
}

func TestMyOrganisationAuditsEveryChange(t *testing.T) {
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	saved := a.orgSaved(t, "link-group")
	form := orgForm(saved)
	form.Set("opening_hours", "Monday to Friday, 9am to 4pm")
	steps := []struct {
		path string
		form func() url.Values
	}{
		{"/my/organisation", func() url.Values { return form }},
		{"/my/organisation/confirm", func() url.Values {
			return url.Values{"version": {strconv.Itoa(saved.Version + 1)}}
		}},
		{"/my/organisation/contacts", func() url.Values { return contactForm("Audit test line", "staff", 0, "", "0141 496 0377") }},
		{"", func() url.Values { return contactForm("Audit test line (renamed)", "public", 1, "", "0141 496 0377") }},
		{"", func() url.Values { return url.Values{"version": {"2"}, "confirm": {"1"}} }},
	}
	for i, st := range steps {
		path := st.path
		if path == "" {
			id, _ := a.orgContact(t, "link-group", map[int]string{3: "Audit test line", 4: "Audit test line (renamed)"}[i])
			path = fmt.Sprintf("/my/organisation/contacts/%d", id)
			if i == 4 {
				path += "/delete"
			}
		}
		resp, body := officer.post(t, path, st.form())
		wantStatus(t, path, resp, body, http.StatusSeeOther)
	}
	rows, err := a.pool.Query(context.Background(), `SELECT action, entity_type, actor_id, coalesce(before->>'version', ''),
		after->>'version', coalesce(before->>'opening_hours', before->>'role_title', ''), coalesce(after->>'opening_hours', after->>'role_title')
		FROM audit_events WHERE agency_id = $1 AND entity_type IN ('agency', 'contact') ORDER BY id`, saved.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var action, entity, beforeVersion, afterVersion, before, after string
		var actor int64
		if err := rows.Scan(&action, &entity, &actor, &beforeVersion, &afterVersion, &before, &after); err != nil {
			t.Fatal(err)
		}
		if actor != officer.ID {
			t.Errorf("%s by %d, want %d", action, actor, officer.ID)
		}
		got = append(got, fmt.Sprintf("%s %s %s->%s %s->%s", action, entity, beforeVersion, afterVersion, before, after))
	}
	v := saved.Version
	want := []string{
		fmt.Sprintf("agency.update agency %d->%d %s->Monday to Friday, 9am to 4pm", v, v+1, saved.OpeningHours),
		fmt.Sprintf("agency.confirm agency %d->%d Monday to Friday, 9am to 4pm->Monday to Friday, 9am to 4pm", v+1, v+2),
		"contact.create contact ->1 ->Audit test line",
		"contact.update contact 1->2 Audit test line->Audit test line (renamed)",
		"contact.archive contact 2->3 Audit test line (renamed)->Audit test line (renamed)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMyOrganisationIsOnlyForRSLOfficers(t *testing.T) {
	a := newApp(t)
	for _, role := range []access.Role{access.HousingStaff, access.Champion, access.Admin} {
		u := a.signIn(t, role, "")
		for _, p := range []string{"/my/organisation", "/my/organisation/contacts/new"} {
			if resp, _ := u.get(t, p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", role, p, resp.StatusCode)
			}
		}
		if resp, _ := u.post(t, "/my/organisation", url.Values{"summary": {"x"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s POST: %d", role, resp.StatusCode)
		}
	}
	for _, p := range []string{"/my/organisation", "/my/organisation/contacts/new"} {
		resp, _ := a.get(t, p)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(p) {
			t.Errorf("anonymous %s: %d %q", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

func TestMyOrganisationConfirmClearsAnOverdueReview(t *testing.T) {
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	if _, err := a.pool.Exec(context.Background(), `UPDATE agencies SET review_due = current_date - 10 WHERE slug = 'link-group'`); err != nil {
		t.Fatal(err)
	}
	saved := a.orgSaved(t, "link-group")
	_, body := officer.get(t, "/my/organisation")
	mustContain(t, "overdue page", body, "Overdue", "panel--urgent")
	resp, body := officer.post(t, "/my/organisation/confirm", url.Values{"version": {strconv.Itoa(saved.Version)}, "original": {edit.Original(saved.AgencyInput)}})
	wantStatus(t, "confirm", resp, body, http.StatusSeeOther)
	_, body = officer.get(t, "/my/organisation")
	mustContain(t, "after confirming", body, "the details are confirmed as correct", "Next review due on")
	mustNotContain(t, "after confirming", body, "Overdue")
	// A second confirm from the page as it was is refused: the details have a new version.
	resp, body = officer.post(t, "/my/organisation/confirm", url.Values{"version": {strconv.Itoa(saved.Version)}, "original": {edit.Original(saved.AgencyInput)}})
	wantStatus(t, "stale confirm", resp, body, http.StatusConflict)
	mustContain(t, "stale confirm", body, "did not change any of the details")
}

func TestMyContactRemoveAsksFirst(t *testing.T) {
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	id, version := a.orgContact(t, "link-group", "Tenancy sustainment team")
	path := fmt.Sprintf("/my/organisation/contacts/%d/delete", id)
	// The organisation page links to the question; the question names the contact.
	_, org := officer.get(t, "/my/organisation")
	mustContain(t, "organisation page", org, `href="`+path+`"`)
	resp, body := officer.get(t, path)
	wantStatus(t, "ask", resp, body, http.StatusOK)
	mustContain(t, "ask", body, "Remove Tenancy sustainment team?", "Link Group", "will no longer be shown anywhere",
		"Yes, remove this contact", `name="version" value="`+strconv.Itoa(version)+`"`, `name="confirm" value="1"`)
	// A post without the confirmation (the Remove button of an older page) only asks.
	resp, body = officer.post(t, path, url.Values{"ask": {"1"}})
	wantStatus(t, "ask by post", resp, body, http.StatusOK)
	mustContain(t, "ask by post", body, "Remove Tenancy sustainment team?")
	resp, body = officer.post(t, path, url.Values{"version": {strconv.Itoa(version)}})
	wantStatus(t, "unconfirmed", resp, body, http.StatusOK)
	if _, v := a.orgContact(t, "link-group", "Tenancy sustainment team"); v != version {
		t.Fatal("asking changed the contact")
	}
	form, ok := scrapeForm(body, path)
	if !ok {
		t.Fatal("no confirmation form")
	}
	resp, body = officer.post(t, path, form)
	wantStatus(t, "remove", resp, body, http.StatusSeeOther)
	staffUser := a.signIn(t, access.HousingStaff, "")
	_, page := staffUser.get(t, "/agencies/link-group")
	mustNotContain(t, "agency page", page, "Tenancy sustainment team")
	if resp, _ := officer.get(t, fmt.Sprintf("/my/organisation/contacts/%d", id)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("removed contact's form: %d", resp.StatusCode)
	}
	// The result says what was done and offers the undo, once.
	_, org = officer.get(t, "/my/organisation")
	mustContain(t, "result", org, "Contact removed: Tenancy sustainment team.", "Undo: put Tenancy sustainment team back")
	restore := fmt.Sprintf("/my/organisation/contacts/%d/restore", id)
	undo, ok := scrapeForm(org, restore)
	if !ok {
		t.Fatal("no undo form")
	}
	_, again := officer.get(t, "/my/organisation")
	mustNotContain(t, "undo once", again, "Undo: put")
	// Another officer of another organisation cannot use it.
	stranger := a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")
	if resp, _ := stranger.post(t, restore, undo); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's undo: %d", resp.StatusCode)
	}
	resp, body = officer.post(t, restore, undo)
	wantStatus(t, "undo", resp, body, http.StatusSeeOther)
	_, page = staffUser.get(t, "/agencies/link-group")
	mustContain(t, "agency page after undo", page, "Tenancy sustainment team")
	// Undone once; the same button again finds nothing to put back.
	if resp, _ := officer.post(t, restore, undo); resp.StatusCode != http.StatusNotFound {
		t.Errorf("second undo: %d", resp.StatusCode)
	}
	// A contact an administrator archived is not the officer's to bring back.
	cid, cv := a.orgContact(t, "link-group", "Tenancy sustainment team")
	admin := a.signIn(t, access.Admin, "")
	resp, body = admin.post(t, fmt.Sprintf("/admin/agencies/link-group/contacts/%d/archive", cid),
		url.Values{"version": {strconv.Itoa(cv)}, "confirm": {"1"}})
	wantStatus(t, "admin archive", resp, body, http.StatusSeeOther)
	if resp, _ := officer.post(t, restore, url.Values{"version": {strconv.Itoa(cv + 1)}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("officer restoring an admin's archive: %d", resp.StatusCode)
	}
}
