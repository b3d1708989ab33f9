package server

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// The attendance list through the site: admins see it and its CSV, with the counts of a
// hand-made session; an RSL officer who manages the same course gets 404 and no link.
func TestAttendanceListForAdminsOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	officer := a.quickSignIn(t, access.RSLOfficer, matrixOrg) // their organisation provides the course
	slug := admin.createCourse(t, "Attendance through the site", "in_person", "staff", matrixOrg)
	id := admin.addSession(t, slug, 3, 1, nil)
	first := a.quickSignIn(t, access.HousingStaff, "")
	second := a.quickSignIn(t, access.RSLOfficer, "link-group")
	hostile := a.quickSignIn(t, access.Champion, "")
	if _, err := a.pool.Exec(context.Background(), `UPDATE users SET name = '@SUM(A1:A9)' WHERE id = $1`, hostile.ID); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*user{first, second, hostile} {
		if resp, body := u.post(t, fmt.Sprintf("/training/sessions/%d/book", id), nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("book: %d\n%s", resp.StatusCode, body)
		}
	}
	if resp, body := hostile.post(t, fmt.Sprintf("/training/sessions/%d/cancel", id), map[string][]string{"confirm": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d\n%s", resp.StatusCode, body)
	}

	page := fmt.Sprintf("/admin/training/sessions/%d/people", id)
	resp, body := admin.get(t, page)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", resp.StatusCode)
	}
	wantIn(t, "session list", body, "0 attended", "0 no-shows", "1 booked", "1 waiting", "1 cancelled",
		"Link Group", "@SUM(A1:A9)", ">Booked<", ">Waiting list<", ">Cancelled<", `href="`+page+`.csv"`)
	_, body = admin.get(t, fmt.Sprintf("/admin/training/sessions/%d", id))
	wantIn(t, "session page", body, `href="`+page+`"`)
	_, body = admin.get(t, "/admin/training/"+slug)
	wantIn(t, "course page", body, `href="/admin/training/`+slug+`/people"`, `href="/admin/training/`+slug+`/people.csv"`)
	resp, body = admin.get(t, "/admin/training/"+slug+"/people")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("course list: %d", resp.StatusCode)
	}
	wantIn(t, "course list", body, "1 booked", "1 waiting", "1 cancelled", "<th scope=\"col\">Session</th>")

	resp, body = admin.get(t, page+".csv")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", resp.StatusCode, resp.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 4 {
		t.Fatalf("csv rows %d: %v\n%s", len(recs), err, body)
	}
	seen := false
	for _, rec := range recs[1:] {
		if rec[2] == "'@SUM(A1:A9)" {
			seen = true
		}
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q could be a formula", cell)
			}
		}
	}
	if !seen {
		t.Errorf("hostile name not made safe:\n%s", body)
	}

	// The officer manages the course and its session, but the list of people is not theirs.
	for _, p := range []string{page, page + ".csv", "/admin/training/" + slug + "/people", "/admin/training/" + slug + "/people.csv"} {
		if resp, _ := officer.get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("officer on %s: %d", p, resp.StatusCode)
		}
		if resp, _ := first.get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("housing staff on %s: %d", p, resp.StatusCode)
		}
	}
	resp, body = officer.get(t, fmt.Sprintf("/admin/training/sessions/%d", id))
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "/people") {
		t.Errorf("officer's session page: %d, link to the list shown: %v", resp.StatusCode, strings.Contains(body, "/people"))
	}
}
