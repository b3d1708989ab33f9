package server

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// championForm is a full post of the champion form.
func championForm(version, hours string, areas []string, phones ...string) url.Values {
	f := url.Values{"version": {version}, "hours": {hours}, "areas": areas}
	for i := 0; i+1 < len(phones); i += 2 {
		f.Add("phone_label", phones[i])
		f.Add("phone_number", phones[i+1])
	}
	return f
}

// formVersion reads the hidden version of the form in body.
func formVersion(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no version in the form")
	}
	return m[1]
}

// formOriginal reads the hidden original of the form in body: the values the page started from.
func formOriginal(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="original" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no original in the form")
	}
	return html.UnescapeString(m[1])
}

type savedEntry struct {
	Hours   string
	Phones  string
	Areas   string
	Version int
}

func (a *app) motherwellEntry(t *testing.T) savedEntry {
	t.Helper()
	var e savedEntry
	err := a.pool.QueryRow(context.Background(), `SELECT c.hours, c.phones::text, c.version,
		(SELECT string_agg(ar.slug, ',' ORDER BY ar.slug) FROM contact_areas ca JOIN areas ar ON ar.id = ca.area_id WHERE ca.contact_id = c.id)
		FROM contacts c WHERE c.role_title = $1`, motherwellChampion).Scan(&e.Hours, &e.Phones, &e.Version, &e.Areas)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestMyChampionIsForChampionsOnly(t *testing.T) {
	a := newApp(t)
	resp, _ := a.get(t, "/my/champion")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fmy%2Fchampion" {
		t.Errorf("anonymous: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, c := range []struct {
		role access.Role
		org  string
	}{{access.HousingStaff, ""}, {access.RSLOfficer, "link-group"}, {access.Admin, ""}} {
		u := a.signIn(t, c.role, c.org)
		u.linkChampion(t, motherwellChampion) // even a stray link gives no access
		if resp, _ := u.get(t, "/my/champion"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s GET: %d, want 404", c.role, resp.StatusCode)
		}
		if resp, _ := u.post(t, "/my/champion", championForm("1", "x", []string{"motherwell"})); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s POST: %d, want 404", c.role, resp.StatusCode)
		}
	}
	if e := a.motherwellEntry(t); e.Version != 1 {
		t.Errorf("entry changed by someone who is not a champion: version %d", e.Version)
	}
}

func TestMyChampionWithoutALinkedEntry(t *testing.T) {
	a := newApp(t)
	champ := a.signIn(t, access.Champion, "")
	resp, body := champ.get(t, "/my/champion")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Ask an administrator to link your account") {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	for _, form := range []url.Values{championForm("1", "x", []string{"motherwell"}), championForm("1", "x", []string{"atlantis"})} {
		resp, body = champ.post(t, "/my/champion", form)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Ask an administrator to link your account") {
			t.Errorf("POST: %d, want 409 with the explanation", resp.StatusCode)
		}
	}
}

func TestMyChampionSaves(t *testing.T) {
	a := newApp(t)
	champ := a.signIn(t, access.Champion, "")
	champ.linkChampion(t, motherwellChampion)
	resp, body := champ.get(t, "/my/champion")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	wantIn(t, "form", body, motherwellChampion, "Housing Domestic Abuse Champions (South localities)",
		`name="phone_label" value="Desk"`, `name="phone_number" value="01632 960255"`, `id="phone_number-2"`,
		`value="Monday to Friday, 9am to 5pm"`, `value="motherwell" checked`)
	if strings.Contains(body, `value="wishaw" checked`) {
		t.Error("an area not covered is ticked")
	}

	resp, _ = champ.post(t, "/my/champion", championForm(formVersion(t, body), "Tuesday to Friday, 10am to 4pm",
		[]string{"motherwell", "wishaw"}, "Desk", "01632 960 999", "", "", "Mobile", "+44 7700 900999"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/champion?saved=1" {
		t.Fatalf("POST: %d to %q, want 303 back to the form", resp.StatusCode, resp.Header.Get("Location"))
	}
	e := a.motherwellEntry(t)
	if e.Hours != "Tuesday to Friday, 10am to 4pm" || e.Areas != "motherwell,wishaw" || e.Version != 2 ||
		e.Phones != `[{"label": "Desk", "number": "01632960999"}, {"label": "Mobile", "number": "07700900999"}]` {
		t.Errorf("saved %+v", e)
	}
	_, body = champ.get(t, "/my/champion?saved=1")
	wantIn(t, "after saving", body, "Your champion entry has been saved", `value="wishaw" checked`, `name="version" value="2"`)

	// Saving again without a change writes nothing and says so.
	resp, _ = champ.post(t, "/my/champion", championForm("2", "Tuesday to Friday, 10am to 4pm",
		[]string{"motherwell", "wishaw"}, "Desk", "01632 960999", "", "", "Mobile", "07700 900999"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/champion?saved=same" {
		t.Fatalf("unchanged POST: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if again := a.motherwellEntry(t); again.Version != 2 {
		t.Errorf("an unchanged save moved the version to %d", again.Version)
	}
	_, same := champ.get(t, "/my/champion?saved=same")
	wantIn(t, "after an unchanged save", same, "Nothing had changed, so nothing was saved.")

	var actor int64
	var action string
	var before, after []byte
	err := a.pool.QueryRow(context.Background(), `SELECT actor_id, action, before, after FROM audit_events
		WHERE entity_type = 'contact' ORDER BY id DESC LIMIT 1`).Scan(&actor, &action, &before, &after)
	if err != nil {
		t.Fatal(err)
	}
	var b, af struct{ Hours string }
	json.Unmarshal(before, &b)
	json.Unmarshal(after, &af)
	if actor != champ.ID || action != "contact.update" || b.Hours != "Monday to Friday, 9am to 5pm" || af.Hours != e.Hours {
		t.Errorf("audit: actor %d, %s, before %s, after %s", actor, action, before, after)
	}
	// The change shows on the staff home and the admin's list of changes.
	_, body = a.signIn(t, access.Admin, "").get(t, "/")
	wantIn(t, "admin home", body, "Changed contact: "+motherwellChampion, "Test champion")
}

func TestMyChampionKeepsValuesOnError(t *testing.T) {
	a := newApp(t)
	champ := a.signIn(t, access.Champion, "")
	champ.linkChampion(t, motherwellChampion)
	resp, body := champ.post(t, "/my/champion", championForm("1", "Evenings <b>only</b>", []string{"wishaw", "atlantis"},
		"Desk", "12345", "Mobile", "", "", "07700 900123"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	wantIn(t, "422", body, "There is a problem", `href="#phone_number-0"`, `href="#phone_number-1"`, `href="#areas"`,
		`name="phone_number" value="12345"`, `name="phone_label" value="Mobile"`, `name="phone_number" value="07700 900123"`,
		`value="Evenings &lt;b&gt;only&lt;/b&gt;"`, `value="wishaw" checked`, `aria-invalid="true"`, `name="version" value="1"`)
	if e := a.motherwellEntry(t); e.Version != 1 {
		t.Error("refused input was saved")
	}
	if resp, _ := champ.post(t, "/my/champion", championForm("abc", "", []string{"motherwell"})); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("non-numeric version: %d, want 400", resp.StatusCode)
	}
}

func TestMyChampionStaleVersionIsAConflict(t *testing.T) {
	a := newApp(t)
	me := a.signIn(t, access.Champion, "")
	me.linkChampion(t, motherwellChampion)
	other := a.signIn(t, access.Champion, "") // a job share: both keep the same entry
	other.linkChampion(t, motherwellChampion)

	_, body := me.get(t, "/my/champion")
	opened := formVersion(t, body)
	if resp, _ := other.post(t, "/my/champion", championForm("1", "Their new hours", []string{"motherwell"}, "Desk", "01632960255")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("other's save: %d", resp.StatusCode)
	}
	mine := championForm(opened, "My new hours", []string{"shotts"}, "Desk", "01632 960 888")
	mine.Set("original", formOriginal(t, body))
	resp, body := me.post(t, "/my/champion", mine)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale save: %d, want 409", resp.StatusCode)
	}
	wantIn(t, "409", body, "Someone else saved changes while you had this page open", "Test champion saved them on",
		"Their new hours", "Your version:</strong> My new hours", // what they did, and where we both changed it
		`value="My new hours"`, `name="phone_number" value="01632 960 888"`, `value="shotts" checked`, // what I typed, kept
		`name="version" value="2"`)
	e := a.motherwellEntry(t)
	if e.Hours != "Their new hours" || e.Areas != "motherwell" || e.Version != 2 {
		t.Errorf("the stale save overwrote the other person's: %+v", e)
	}
	// Saving again from the conflict page is a deliberate choice, and works.
	if resp, _ := me.post(t, "/my/champion", championForm(formVersion(t, body), "My new hours", []string{"shotts"})); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("save after the conflict: %d", resp.StatusCode)
	}
	if e := a.motherwellEntry(t); e.Hours != "My new hours" || e.Areas != "shotts" {
		t.Errorf("after re-saving: %+v", e)
	}
}

// A champion's own email address: set on their form, refused unless it is a plain address
// (a mailto: link must not carry ?cc= or ?bcc=, or anything else), shown as a mailto: link
// on their entry where staff see it.
func TestMyChampionEmail(t *testing.T) {
	a := newApp(t)
	champ := a.signIn(t, access.Champion, "")
	champ.linkChampion(t, motherwellChampion)
	_, body := champ.get(t, "/my/champion")
	wantIn(t, "form", body, `name="email"`, `type="email"`)
	version := formVersion(t, body)
	for _, bad := range []string{
		"mailto:champion@example.org",
		"champion@example.org?bcc=spy@evil.example",
		"champion@example.org&cc=spy@evil.example",
		"champion@example.org,spy@evil.example",
		"champion%40example.org",
		"Champion <champion@example.org>",
		"champion@example.org/x",
		"champion@@example.org",
		"champion",
		"champion@example",
		"javascript:alert(1)//@example.org",
	} {
		form := championForm(version, "Kept hours", []string{"motherwell"}, "Desk", "01632 960255")
		form.Set("email", bad)
		resp, body := champ.post(t, "/my/champion", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%q: status %d, want 422", bad, resp.StatusCode)
			continue
		}
		wantIn(t, bad, body, `href="#email"`, "Email address must be an email address", `value="`+html.EscapeString(bad)+`"`, `value="Kept hours"`)
	}
	if e := a.motherwellEntry(t); e.Version != 1 {
		t.Fatalf("refused input was saved: %+v", e)
	}

	form := championForm(version, "Kept hours", []string{"motherwell"}, "Desk", "01632 960255")
	form.Set("email", "  Pat.Champion@Example.ORG ")
	if resp, body := champ.post(t, "/my/champion", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	var email, slug string
	if err := a.pool.QueryRow(context.Background(), `SELECT c.email, a.slug FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE c.role_title = $1`, motherwellChampion).Scan(&email, &slug); err != nil {
		t.Fatal(err)
	}
	if email != "pat.champion@example.org" {
		t.Errorf("saved email %q", email)
	}
	_, body = champ.get(t, "/my/champion")
	wantIn(t, "form after saving", body, `value="pat.champion@example.org"`)
	staff := a.signIn(t, access.HousingStaff, "")
	_, body = staff.get(t, "/agencies/"+slug)
	wantIn(t, "agency page", body, motherwellChampion, `href="mailto:pat.champion@example.org"`)
	_, body = staff.get(t, "/")
	wantIn(t, "staff home", body, `href="mailto:pat.champion@example.org"`)
}
