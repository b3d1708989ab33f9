package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/vocab"
)

func TestSynonymAndPlacePagesAreForAdminsOnly(t *testing.T) {
	a := newApp(t)
	var set int64
	if err := a.pool.QueryRow(context.Background(), `SELECT min(id) FROM synonym_sets`).Scan(&set); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/admin/synonyms", "/admin/synonyms/new", fmt.Sprintf("/admin/synonyms/%d/edit", set),
		fmt.Sprintf("/admin/synonyms/%d/remove", set), "/admin/places", "/admin/places/wishaw/edit"}
	for _, role := range []access.Role{access.HousingStaff, access.Champion, access.RSLOfficer} {
		u := a.signIn(t, role, map[access.Role]string{access.RSLOfficer: "link-group"}[role])
		for _, p := range pages {
			resp, body := u.get(t, p)
			wantStatus(t, string(role)+" "+p, resp, body, http.StatusNotFound)
		}
		resp, body := u.post(t, "/admin/synonyms/new", url.Values{"phrases": {"taken\nover"}})
		wantStatus(t, string(role)+" adds a set", resp, body, http.StatusNotFound)
		resp, body = u.post(t, fmt.Sprintf("/admin/synonyms/%d/remove", set), url.Values{"version": {"1"}})
		wantStatus(t, string(role)+" removes a set", resp, body, http.StatusNotFound)
		resp, body = u.post(t, "/admin/places/wishaw/edit", url.Values{"places": {"Taken"}, "version": {"1"}})
		wantStatus(t, string(role)+" edits places", resp, body, http.StatusNotFound)
	}
	for _, p := range pages {
		resp, _ := a.get(t, p)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(p) {
			t.Errorf("anonymous %s: %d %s", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	var n int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM synonym_sets WHERE 'taken' = ANY(phrases)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a refused set was stored: %d %v", n, err)
	}

	// A cross-site post is refused even from an admin's browser.
	admin := a.signIn(t, access.Admin, "")
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		req, _ := http.NewRequest(http.MethodPost, a.url+"/admin/synonyms/new", strings.NewReader("phrases=evil%0Aset"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := admin.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%v: %d, want 403", h, resp.StatusCode)
		}
	}
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM synonym_sets WHERE 'evil' = ANY(phrases)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a cross-site set was stored: %d %v", n, err)
	}
}

// synonymSetID is the id of the set holding phrase.
func (a *app) synonymSetID(t *testing.T, phrase string) int64 {
	t.Helper()
	var id int64
	if err := a.pool.QueryRow(context.Background(), `SELECT id FROM synonym_sets WHERE $1 = ANY(phrases)`, phrase).Scan(&id); err != nil {
		t.Fatalf("set of %q: %v", phrase, err)
	}
	return id
}

func TestAdminSynonymSets(t *testing.T) {
	a := newApp(t)
	ana := a.signIn(t, access.Admin, "")
	resp, body := ana.get(t, "/admin/synonyms")
	wantStatus(t, "list", resp, body, http.StatusOK)
	mustContain(t, "list", body, "<h1>Synonyms</h1>", `<a href="/admin/synonyms" aria-current="page">Synonyms</a>`,
		`<strong>domestic abuse</strong>`, `<span class="nowrap">domestic violence`, "typing mistakes and plural forms", `href="/admin/places"`)

	// Bad input is shown back with every problem, nothing lost.
	typed := "befriending\n<script>alert(1)</script>\nBefriending\n" + strings.Repeat("x", 61)
	resp, body = ana.post(t, "/admin/synonyms/new", url.Values{"phrases": {typed}})
	wantStatus(t, "bad set", resp, body, http.StatusUnprocessableEntity)
	mustContain(t, "bad set", body, "There is a problem", "<title>Error: Add a synonym set",
		"Line 2, “&lt;script&gt;alert(1)&lt;/script&gt;”: remove angle brackets", "Line 3, “Befriending”: this is already on line 1",
		"60 characters or fewer (this has 61)", html.EscapeString(typed), `aria-invalid="true"`)
	mustNotContain(t, "bad set", body, "<script>alert(1)")

	resp, body = ana.post(t, "/admin/synonyms/new", url.Values{"phrases": {"befriending\r\n  peer   support\r\n"}})
	wantStatus(t, "add", resp, body, http.StatusSeeOther)
	curLocation(t, resp, "/admin/synonyms")
	_, body = ana.get(t, "/admin/synonyms")
	mustContain(t, "after adding", body, "Added the synonym set: befriending · peer support.")
	id := a.synonymSetID(t, "peer support")
	edit1 := fmt.Sprintf("/admin/synonyms/%d/edit", id)

	// Ana and Ben both open the set; Ana saves first, and Ben is shown her change.
	ben := a.signIn(t, access.Admin, "")
	resp, body = ben.get(t, edit1)
	wantStatus(t, "edit form", resp, body, http.StatusOK)
	bensForm, ok := scrapeForm(body, edit1)
	if !ok || bensForm.Get("version") != "1" || bensForm.Get("phrases") != "befriending\npeer support" {
		t.Fatalf("edit form: %v", bensForm)
	}
	resp, body = ana.post(t, edit1, url.Values{"phrases": {"befriending\npeer support\nbuddy"}, "version": {"1"},
		"original": {bensForm.Get("original")}})
	wantStatus(t, "ana saves", resp, body, http.StatusSeeOther)
	bensForm.Set("phrases", "befriending\npeer support\nmentoring")
	resp, body = ben.post(t, edit1, bensForm)
	wantStatus(t, "ben's stale save", resp, body, http.StatusConflict)
	mustContain(t, "conflict", body, "Someone else saved changes while you had this page open", "befriending · peer support · buddy",
		"Your version:", "befriending · peer support · mentoring", `name="version" value="2"`)
	set, err := a.srv.vocab.SynonymSet(context.Background(), access.Viewer{UserID: -1, Role: access.Admin}, id)
	if err != nil || strings.Join(set.Phrases, "|") != "befriending|peer support|buddy" {
		t.Fatalf("after the conflict: %v %+v", err, set)
	}
	again, _ := scrapeForm(body, edit1)
	resp, body = ben.post(t, edit1, again)
	wantStatus(t, "ben saves again", resp, body, http.StatusSeeOther)

	// Removing asks first, saying what it does.
	remove := fmt.Sprintf("/admin/synonyms/%d/remove", id)
	resp, body = ana.get(t, remove)
	wantStatus(t, "remove page", resp, body, http.StatusOK)
	mustContain(t, "remove page", body, "Remove this synonym set?",
		"Searches for “befriending” will no longer find organisations described only as “peer support” or “mentoring”")
	form, _ := scrapeForm(body, remove)
	resp, body = ana.post(t, remove, form)
	wantStatus(t, "remove", resp, body, http.StatusSeeOther)
	// The list the removal led to says what was removed and offers to add it again.
	_, list := ana.get(t, "/admin/synonyms")
	mustContain(t, "after removal", list, "Removed the synonym set: befriending", "Undo: add the set again")
	undo, ok := scrapeForm(list, "/admin/synonyms/new")
	if !ok || undo.Get("phrases") != "befriending\npeer support\nmentoring" {
		t.Fatalf("undo form %v: %q", ok, undo.Get("phrases"))
	}
	resp, body = ana.get(t, edit1)
	wantStatus(t, "removed set", resp, body, http.StatusNotFound)

	var events int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity_type = 'synonym_set' AND entity_id = $1`, id).Scan(&events); err != nil || events != 4 {
		t.Errorf("audit events: %d %v", events, err)
	}
	resp, body = ana.post(t, "/admin/synonyms/new", undo)
	wantStatus(t, "undo: added again", resp, body, http.StatusSeeOther)
	var back int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM synonym_sets WHERE phrases = ARRAY['befriending', 'peer support', 'mentoring']`).Scan(&back); err != nil || back != 1 {
		t.Errorf("set added again: %d %v", back, err)
	}
	_, body = ana.get(t, "/admin/audit")
	mustContain(t, "audit trail", body, "befriending · peer support")
}

func TestAdminAreaPlaces(t *testing.T) {
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	resp, body := admin.get(t, "/admin/places")
	wantStatus(t, "list", resp, body, http.StatusOK)
	mustContain(t, "list", body, "Places and postcodes", `<span class="nowrap">Newmains`, `<span class="nowrap">ML1 4`,
		`href="/admin/places/wishaw/edit"`)

	page := "/admin/places/bellshill/edit"
	resp, body = admin.get(t, page)
	wantStatus(t, "edit", resp, body, http.StatusOK)
	mustContain(t, "edit", body, "Places of Bellshill",
		"A search that names one of these places, or a postcode starting with one of these districts, finds services covering this area first.",
		"Also listed under other areas", "Motherwell lists the whole district ML1: postcodes in ML1 4 find this area first")
	form, _ := scrapeForm(body, page)

	// A full postcode is refused with a message saying what to enter instead; nothing is lost.
	bad := url.Values{"version": form["version"], "original": form["original"], "places": {form.Get("places") + "\nBo'ness"},
		"postcodes": {form.Get("postcodes") + "\nML4 3AB"}}
	resp, body = admin.post(t, page, bad)
	wantStatus(t, "full postcode", resp, body, http.StatusUnprocessableEntity)
	mustContain(t, "full postcode", body, "Line 5, “ML4 3AB”: this is a full postcode. Enter its district, such as &#34;ML1&#34;, or sector",
		html.EscapeString("Bo'ness"), "ML4 3AB")

	// A place of another area is saved, with a warning.
	good := url.Values{"version": form["version"], "original": form["original"], "places": {form.Get("places") + "\nnewmains\nNEWMAINS"},
		"postcodes": {"ml4  1\nml4 3\nML1 4\nml1 5"}}
	resp, body = admin.post(t, page, good)
	wantStatus(t, "save", resp, body, http.StatusSeeOther)
	curLocation(t, resp, page)
	_, body = admin.get(t, page)
	mustContain(t, "after saving", body, "Saved the places of Bellshill.", "also listed under other areas",
		"newmains is also a place of Wishaw")
	ap, err := a.srv.vocab.AreaPlacesOf(context.Background(), access.Viewer{UserID: -1, Role: access.Admin}, "bellshill")
	if err != nil || ap.Version != 2 || !strings.HasSuffix(strings.Join(ap.Places.Places, "|"), "|Orbiston|newmains") ||
		strings.Join(ap.Places.Postcodes, "|") != "ML4 1|ML4 3|ML1 4|ML1 5" {
		t.Errorf("saved: %v %+v", err, ap)
	}

	// The stale form (version 1) gets the conflict panel with the merge.
	stale := url.Values{"version": {"1"}, "original": form["original"], "places": {form.Get("places")}, "postcodes": {form.Get("postcodes") + "\nG71 7"}}
	resp, body = admin.post(t, page, stale)
	wantStatus(t, "stale", resp, body, http.StatusConflict)
	mustContain(t, "stale", body, "Someone else saved changes", "Towns and villages", "Their change, kept", `name="version" value="2"`,
		"newmains", "G71 7")
	if o := edit.ParseOriginal[vocab.PlacesInput](mustScrape(t, body, page).Get("original")); o == nil || !strings.Contains(o.Places, "newmains") {
		t.Errorf("original after the conflict: %+v", o)
	}
	var n int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'area_places.update' AND entity_id = $1`,
		ap.AreaID).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit events %d %v", n, err)
	}
}

func mustScrape(t *testing.T, page, action string) url.Values {
	t.Helper()
	f, ok := scrapeForm(page, action)
	if !ok {
		t.Fatalf("no form to %s", action)
	}
	return f
}
