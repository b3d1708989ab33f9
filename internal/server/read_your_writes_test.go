package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// Only saves of what the directory index serves wait for it. An organisation's save shows in
// search on the next page; signing in and out, training bookings and courses, and the library
// answer without asking the index. To tell the two apart the index is then stopped: a request
// that waits for it now waits its full second and says so in the log.
func TestOnlyDirectoryWritesWaitForTheIndex(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	officer := a.signIn(t, access.RSLOfficer, "link-group")
	admin := a.quickSignIn(t, access.Admin, "")

	// The organisation's save is in search at once.
	form := orgForm(a.orgSaved(t, "link-group"))
	form.Set("summary", "Tenancy support, now with quokka-friendly gardens.")
	resp, body := officer.post(t, "/my/organisation", form)
	wantStatus(t, "save", resp, body, http.StatusSeeOther)
	_, body = a.get(t, "/directory?q=quokka")
	mustContain(t, "search after the save", body, `href="/agencies/link-group?back=%2Fdirectory%3Fq%3Dquokka"`)

	a.srv.directory.Close() // the index stops listening: waiting for it can only time out now
	const waited = "answering before the directory index caught up"
	noWait := func(what string) {
		t.Helper()
		if strings.Contains(a.log.String(), waited) {
			t.Fatalf("%s waited for the directory index", what)
		}
	}
	slug := admin.createCourse(t, "Index-free course", "online", "staff", "nlc-social-work")
	session := admin.addSession(t, slug, 7, 10, nil)
	noWait("adding a course and a session")
	staff := a.quickSignIn(t, access.HousingStaff, "")
	noWait("signing in")
	resp, body = staff.post(t, fmt.Sprintf("/training/sessions/%d/book", session), nil)
	wantStatus(t, "booking", resp, body, http.StatusSeeOther)
	noWait("a training booking")
	resp, body = admin.post(t, "/admin/resource-topics", url.Values{"name": {"Stalking"}})
	wantStatus(t, "adding a topic", resp, body, http.StatusSeeOther)
	noWait("a library edit")
	resp, body = staff.post(t, "/logout", nil)
	wantStatus(t, "signing out", resp, body, http.StatusSeeOther)
	noWait("signing out")

	form = orgForm(a.orgSaved(t, "link-group"))
	form.Set("summary", "Tenancy support.")
	resp, body = officer.post(t, "/my/organisation", form)
	wantStatus(t, "save with the index stopped", resp, body, http.StatusSeeOther)
	if !strings.Contains(a.log.String(), waited) {
		t.Error("an organisation's save did not wait for the directory index")
	}
}
