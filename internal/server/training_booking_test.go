package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"dadirectory/internal/access"
)

// A hundred signed-in people press "Book" on a session with ten places at the same moment,
// through the whole stack: ten get places, ninety wait, numbered 1 to 90.
func TestTrainingConcurrentBookingsOverHTTP(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, "Busy course", "in_person", "staff", "nlc-social-work")
	id := admin.addSession(t, slug, 10, 10, nil)

	people := make([]*user, 100)
	for i := range people {
		people[i] = a.quickSignIn(t, access.HousingStaff, "")
	}
	statuses := make([]int, len(people))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, u := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/training/sessions/%d/book", a.url, id), strings.NewReader(""))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := u.Client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("booking %d: status %d", i, s)
		}
	}
	var booked, waiting, maxPos, distinct int
	err := a.pool.QueryRow(context.Background(), `SELECT
			count(*) FILTER (WHERE status = 'booked'), count(*) FILTER (WHERE status = 'waitlisted'),
			(SELECT count(DISTINCT waitlist_seq) FROM training_bookings WHERE session_id = $1 AND status = 'waitlisted')
		FROM training_bookings WHERE session_id = $1`, id).Scan(&booked, &waiting, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	if booked != 10 || waiting != 90 || distinct != 90 {
		t.Fatalf("booked %d, waiting %d (%d distinct places in the queue); want 10, 90, 90", booked, waiting, distinct)
	}
	// Every waiting person's page shows a different number, 1 to 90.
	seen := map[string]bool{}
	for _, u := range people {
		if a.bookingStatus(t, u, id) != "waitlisted" {
			continue
		}
		_, body := u.get(t, "/my/training")
		i := strings.Index(body, "on the waiting list</span>")
		j := strings.LastIndex(body[:max(i, 0)], "You are number ")
		if i < 0 || j < 0 {
			t.Fatalf("no waiting-list position on /my/training")
		}
		n := strings.TrimSpace(body[j+len("You are number ") : i])
		if seen[n] {
			t.Errorf("two people are number %s", n)
		}
		seen[n] = true
		var pos int
		fmt.Sscan(n, &pos)
		maxPos = max(maxPos, pos)
	}
	if len(seen) != 90 || maxPos != 90 || !seen["1"] {
		t.Errorf("waiting-list numbers: %d distinct, highest %d", len(seen), maxPos)
	}
}

func TestTrainingBookCancelOfferAndSessionCancelled(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, "One place course", "online", "staff", "nlc-social-work")
	id := admin.addSession(t, slug, 7, 1, nil)
	book := fmt.Sprintf("/training/sessions/%d/book", id)
	cancel := fmt.Sprintf("/training/sessions/%d/cancel", id)

	// Anonymous: sent to sign in, nothing booked, no cookie.
	resp, _ := a.do(t, http.MethodPost, book, strings.NewReader(""), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(book) {
		t.Errorf("anonymous booking: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp.Header.Get("Set-Cookie") != "" {
		t.Error("anonymous booking set a cookie")
	}

	first, second := a.signIn(t, access.HousingStaff, ""), a.signIn(t, access.RSLOfficer, "link-group")
	resp, _ = first.post(t, book, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/training/%s#flash", slug) {
		t.Fatalf("book: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := first.get(t, "/training/"+slug)
	wantIn(t, "booked person, course page", body, "You have a place", "Cancel your place", "https://meet.example.org/abc")
	_, body = first.get(t, "/my/training")
	wantIn(t, "booked person, my training", body, "One place course", "Cancel your place", fmt.Sprintf(`href="/training/sessions/%d.ics"`, id),
		"https://meet.example.org/abc")

	second.post(t, book, nil)
	_, body = second.get(t, "/training/"+slug)
	wantIn(t, "waiting person", body, "you are on the waiting list: number 1", "Leave the waiting list",
		"the joining link is shown here once you have a place")
	wantNotIn(t, "waiting person", body, "https://meet.example.org/abc")
	if a.bookingStatus(t, second, id) != "waitlisted" {
		t.Fatal("second person should be waiting")
	}

	// The first person cancels from their training page. Asked first, on a page naming the
	// session; neither the page nor a post without the confirmation cancels anything.
	_, body = first.get(t, "/my/training")
	wantIn(t, "my training", body, fmt.Sprintf(`href="/training/sessions/%d/cancel?from=my"`, id))
	resp, body = first.get(t, cancel+"?from=my")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("cancel page: %d", resp.StatusCode)
	}
	wantIn(t, "cancel page", body, "Cancel your place?", "One place course", "Your place is offered at once to the first of the 1 waiting",
		`name="confirm" value="1"`, `name="from" value="my"`, "Yes, cancel my place", `href="/my/training"`, "No, keep my place")
	resp, body = first.post(t, cancel, url.Values{"from": {"my"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Yes, cancel my place") || a.bookingStatus(t, first, id) != "booked" {
		t.Fatalf("cancel without confirm: %d, %s", resp.StatusCode, a.bookingStatus(t, first, id))
	}
	// Confirmed: the place goes to the second, and the page after says what was done.
	cancelled := fmt.Sprintf("/training/sessions/%d/cancelled", id)
	resp, _ = first.post(t, cancel, url.Values{"from": {"my"}, "confirm": {"1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != cancelled {
		t.Fatalf("cancel: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = first.get(t, cancelled)
	wantIn(t, "cancelled page", body, "Your place on One place course, ", "is cancelled.", "You have no place on this session",
		"Join the waiting list", fmt.Sprintf(`action="/training/sessions/%d/book"`, id))
	// The place is offered to the second, who accepts it.
	if a.bookingStatus(t, first, id) != "cancelled" || a.bookingStatus(t, second, id) != "waitlisted" {
		t.Fatalf("after cancelling: first %s, second %s", a.bookingStatus(t, first, id), a.bookingStatus(t, second, id))
	}
	if resp, body := second.post(t, fmt.Sprintf("/training/sessions/%d/offer/accept", id), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept the offer: %d\n%s", resp.StatusCode, body)
	}
	_, body = second.get(t, "/my/training")
	wantIn(t, "promoted person", body, "Places you have booked", "One place course", "You have a place")
	if a.auditCount(t, "booking.offer_accept") != 1 || a.auditCount(t, "booking.cancel") != 1 || a.auditCount(t, "booking.waitlist") != 1 {
		t.Error("booking audit events missing")
	}
	// Cancelling again is refused with the reason, and the page it came from.
	resp, body = first.post(t, cancel, url.Values{"from": {"my"}, "confirm": {"1"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "You do not have a place") {
		t.Errorf("cancel twice: %d", resp.StatusCode)
	}

	// The admin cancels the session (asked first); the booked person sees it.
	resp, body = admin.post(t, fmt.Sprintf("/admin/training/sessions/%d/cancel", id), url.Values{"ask": {"1"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Yes, cancel the session") {
		t.Fatalf("ask to cancel: %d", resp.StatusCode)
	}
	original := formValue(body, "original")
	resp, _ = admin.post(t, fmt.Sprintf("/admin/training/sessions/%d/cancel", id), url.Values{"version": {"1"}, "original": {original}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel session: %d", resp.StatusCode)
	}
	_, body = second.get(t, "/my/training")
	wantIn(t, "booked on a cancelled session", body, "Cancelled by the organiser", "One place course")
	resp, body = first.post(t, book, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "This session has been cancelled") {
		t.Errorf("booking a cancelled session: %d", resp.StatusCode)
	}
	if a.auditCount(t, "session.cancel") != 1 {
		t.Error("no audit event for the cancelled session")
	}
}

// formValue is the value of the first hidden input called name in an HTML page.
func formValue(body, name string) string {
	marker := `name="` + name + `" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	rest := body[i+len(marker):]
	v := rest[:strings.Index(rest, `"`)]
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'").Replace(v)
}
