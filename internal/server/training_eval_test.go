package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/mail/mailtest"
)

// An attendee is asked to evaluate by email (queued with the attendance) and on their home
// page; the form is theirs alone, answered once; three months on the follow-up is asked the
// same two ways, by the periodic job.
func TestEvaluationAskedByEmailAndHomePageAnsweredOnce(t *testing.T) {
	t.Parallel()
	a, smtp := newMailApp(t)
	admin := a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, "Evaluated course", "online", "staff", "nlc-social-work")
	id := admin.addSession(t, slug, 3, 5, nil)
	came, other := a.quickSignIn(t, access.RSLOfficer, "link-group"), a.quickSignIn(t, access.HousingStaff, "")
	came.post(t, fmt.Sprintf("/training/sessions/%d/book", id), nil)
	a.exec(t, `UPDATE training_sessions SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = $1`, id)
	var booking int64
	if err := a.pool.QueryRow(t.Context(), `SELECT id FROM training_bookings WHERE user_id = $1`, came.ID).Scan(&booking); err != nil {
		t.Fatal(err)
	}
	resp, _ := admin.post(t, fmt.Sprintf("/admin/training/sessions/%d/attendance", id), url.Values{"listed": {fmt.Sprint(booking)}, "attended": {fmt.Sprint(booking)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("attendance: %d", resp.StatusCode)
	}
	got := smtp.Wait(t, "the evaluation email", mailtest.To(came.Email, "Evaluate Evaluated course on "))
	path := fmt.Sprintf("/training/evaluate/%d", booking)
	if !strings.Contains(got.Text, "http://directory.example.org"+path) {
		t.Errorf("the email has no link to the form:\n%s", got.Text)
	}
	_, home := came.get(t, "/")
	wantIn(t, "home page", home, "Tell us about your training", `href="`+path+`"`, "Evaluate Evaluated course on ")

	// Someone else's booking is not found, to read or to answer.
	for _, do := range []func() (*http.Response, string){
		func() (*http.Response, string) { return other.get(t, path) },
		func() (*http.Response, string) { return other.post(t, path, url.Values{"usefulness": {"5"}}) },
	} {
		if resp, _ := do(); resp.StatusCode != http.StatusNotFound {
			t.Errorf("someone else's evaluation: %d", resp.StatusCode)
		}
	}
	// Missing answers: the form again with its errors, what was typed kept, nothing stored.
	resp, body := came.post(t, path, url.Values{"confidence_before": {"2"}, "comments": {"Kept words"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("incomplete evaluation: %d", resp.StatusCode)
	}
	wantIn(t, "incomplete evaluation", body, "There is a problem", "Kept words", `value="2" checked`)
	form := url.Values{"confidence_before": {"2"}, "confidence_after": {"4"}, "usefulness": {"5"}, "comments": {"Clear and practical."}}
	if resp, _ := came.post(t, path, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("evaluation: %d", resp.StatusCode)
	}
	resp, body = came.post(t, path, form)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("a second evaluation: %d", resp.StatusCode)
	}
	wantIn(t, "second evaluation", body, "already sent your evaluation")
	var n int
	a.pool.QueryRow(t.Context(), `SELECT count(*) FROM training_evaluations`).Scan(&n)
	if n != 1 {
		t.Errorf("%d evaluations stored", n)
	}
	if _, home = came.get(t, "/"); strings.Contains(home, path) {
		t.Error("the home page still asks for an evaluation given")
	}
	// The organiser's view has the words but not the name (not agreed).
	admin.post(t, "/admin/training/quotes", nil) // a bad form changes nothing
	_, quotes := admin.get(t, "/admin/training/quotes")
	wantIn(t, "quotes", quotes, "Clear and practical.", "A participant (Housing association (RSL))")
	var name string
	a.pool.QueryRow(t.Context(), `SELECT name FROM users WHERE id = $1`, came.ID).Scan(&name)
	if strings.Contains(quotes, name) {
		t.Errorf("the quotes page names %q, who did not agree", name)
	}

	// Three months on: the periodic job emails the follow-up once, and the home page asks.
	a.exec(t, `UPDATE training_sessions SET starts_at = now() - interval '100 days', ends_at = now() - interval '100 days' + interval '1 hour' WHERE id = $1`, id)
	for range 2 {
		if _, err := a.srv.training.SendFollowups(t.Context(), a.srv.outbox, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	follow := fmt.Sprintf("/training/follow-up/%d", booking)
	got = smtp.Wait(t, "the follow-up email", mailtest.To(came.Email, "Has your practice changed since Evaluated course?"))
	if !strings.Contains(got.Text, follow) {
		t.Errorf("the follow-up email has no link:\n%s", got.Text)
	}
	if n := smtp.Count(mailtest.To(came.Email, "Has your practice changed")); n != 1 {
		t.Errorf("%d follow-up emails, want 1", n)
	}
	_, home = came.get(t, "/")
	wantIn(t, "home page three months on", home, `href="`+follow+`"`)
	if resp, _ := came.post(t, follow, url.Values{"changed": {"yes"}, "how": {"I ask about the children first."}, "quote_me": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow-up: %d", resp.StatusCode)
	}
	if resp, _ := came.post(t, follow, url.Values{"changed": {"no"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("a second follow-up: %d", resp.StatusCode)
	}
	_, quotes = admin.get(t, "/admin/training/quotes")
	wantIn(t, "named quote", quotes, "I ask about the children first.", name+", Housing association (RSL)")
}
