package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/uktime"
)

// An admin makes a coaching session and a slot; a member of staff sees it on /training under
// its own heading, books it, is asked before cancelling (the page names the slot), cancels,
// and undoes; someone else cannot cancel it; the admin sees who booked and changes the slot.
func TestConsultationSlotsJourney(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	resp, body := admin.post(t, "/admin/training/consultations", url.Values{"kind": {"coaching"}, "title": {"Safe & Together coaching"},
		"venue": {"Online"}})
	wantStatus(t, "create session", resp, body, http.StatusSeeOther)
	sessionPath := resp.Header.Get("Location")
	starts := time.Now().In(uktime.London).AddDate(0, 0, 10)
	slotForm := url.Values{"starts_at-day": {strconv.Itoa(starts.Day())}, "starts_at-month": {strconv.Itoa(int(starts.Month()))},
		"starts_at-year": {strconv.Itoa(starts.Year())}, "starts_at-time": {"10:00"}, "minutes": {"45"},
		"practitioner": {"Dana Example"}, "practitioner_org": {"Safe & Together Institute"}}
	resp, body = admin.post(t, sessionPath+"/slots", slotForm)
	wantStatus(t, "add slot", resp, body, http.StatusSeeOther)
	// Bad input is refused with the values kept.
	bad := url.Values{"starts_at-day": {"31"}, "starts_at-month": {"2"}, "starts_at-year": {"2030"}, "starts_at-time": {"10:00"},
		"minutes": {"5"}, "practitioner": {""}}
	resp, body = admin.post(t, sessionPath+"/slots", bad)
	wantStatus(t, "bad slot", resp, body, http.StatusUnprocessableEntity)
	mustContain(t, "bad slot", body, "must be between 10 and 480 minutes", "Enter practitioner", `value="31"`)

	var slot int64
	if err := a.pool.QueryRow(context.Background(), `SELECT max(id) FROM consultation_slots`).Scan(&slot); err != nil {
		t.Fatal(err)
	}
	book := fmt.Sprintf("/training/slots/%d/book", slot)
	cancel := fmt.Sprintf("/training/slots/%d/cancel", slot)

	// The public sees nothing of it.
	_, public := a.get(t, "/training")
	mustNotContain(t, "public training page", public, "Case consultations and coaching", "Dana Example")

	staff := a.signIn(t, access.HousingStaff, "")
	_, page := staff.get(t, "/training")
	mustContain(t, "staff training page", page, "Case consultations and coaching", "Safe &amp; Together coaching", "Coaching",
		"Dana Example (Safe &amp; Together Institute)", `action="`+book+`"`)
	resp, body = staff.post(t, book, url.Values{})
	wantStatus(t, "book", resp, body, http.StatusSeeOther)
	_, page = staff.get(t, "/training")
	mustContain(t, "after booking", page, "Booked: Safe &amp; Together coaching", "Booked by you", `href="`+cancel+`"`)

	// Someone else: the slot is taken, and it is not theirs to cancel.
	other := a.signIn(t, access.Champion, "")
	resp, body = other.post(t, book, url.Values{})
	wantStatus(t, "taken", resp, body, http.StatusConflict)
	mustContain(t, "taken", body, "Someone else has just booked this slot")
	for _, send := range []func() (*http.Response, string){
		func() (*http.Response, string) { return other.get(t, cancel) },
		func() (*http.Response, string) { return other.post(t, cancel, url.Values{"confirm": {"1"}}) },
	} {
		if resp, _ := send(); resp.StatusCode != http.StatusNotFound {
			t.Errorf("someone else cancelling: %d", resp.StatusCode)
		}
	}

	// Cancelling asks first, naming the slot; a post without the answer changes nothing.
	resp, body = staff.get(t, cancel)
	wantStatus(t, "ask", resp, body, http.StatusOK)
	mustContain(t, "ask", body, "Cancel your slot?", "Safe &amp; Together coaching", "Dana Example", "10am to 10:45am",
		"free for anyone else to book", "Yes, cancel my slot")
	resp, body = staff.post(t, cancel, url.Values{})
	wantStatus(t, "unconfirmed", resp, body, http.StatusOK)
	form, ok := scrapeForm(body, cancel)
	if !ok {
		t.Fatal("no confirmation form")
	}
	var holder *int64
	a.pool.QueryRow(context.Background(), `SELECT booked_by FROM consultation_slots WHERE id = $1`, slot).Scan(&holder)
	if holder == nil {
		t.Fatal("asking cancelled the slot")
	}
	resp, body = staff.post(t, cancel, form)
	wantStatus(t, "cancel", resp, body, http.StatusSeeOther)
	_, page = staff.get(t, "/training")
	mustContain(t, "after cancelling", page, "Cancelled your slot: Safe &amp; Together coaching", "Undo: book it again")
	undo, ok := scrapeForm(page, book)
	if !ok {
		t.Fatal("no undo")
	}
	resp, body = staff.post(t, book, undo)
	wantStatus(t, "undo", resp, body, http.StatusSeeOther)

	// The admin sees who booked, and changes the slot; a stale save shows the conflict.
	_, adminPage := admin.get(t, sessionPath)
	mustContain(t, "admin session page", adminPage, "Dana Example", staff.Email)
	slotPath := fmt.Sprintf("/admin/training/slots/%d", slot)
	_, edit := admin.get(t, slotPath)
	ef, ok := scrapeForm(edit, slotPath)
	if !ok {
		t.Fatal("no slot form")
	}
	ef.Set("practitioner", "Dana Example-Smith")
	resp, body = admin.post(t, slotPath, ef)
	wantStatus(t, "edit slot", resp, body, http.StatusSeeOther)
	ef.Set("minutes", "60")
	resp, body = admin.post(t, slotPath, ef)
	wantStatus(t, "stale edit", resp, body, http.StatusConflict)
	mustContain(t, "stale edit", body, "Someone else saved changes", "Dana Example-Smith")
	if !strings.Contains(body, `value="60"`) {
		t.Error("the admin's input was not kept")
	}
	_, page = staff.get(t, "/training")
	mustContain(t, "staff sees the change", page, "Dana Example-Smith")

	// The trail names the slot by its session, day and practitioner.
	_, trail := admin.get(t, "/admin/audit")
	mustContain(t, "audit trail", trail, "Booked slot", "Cancelled slot", "Safe &amp; Together coaching, ", "with Dana Example-Smith")

	// Staff do not reach the admin pages.
	for _, p := range []string{"/admin/training/consultations", sessionPath, slotPath} {
		if resp, _ := staff.get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("staff on %s: %d", p, resp.StatusCode)
		}
	}
}
