package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// TestConfirmThenUndo walks two destructive actions in the browser, without JavaScript being
// needed: an RSL officer removes a contact (asked first on a page naming it, passing axe; the
// result says what was done and offers Undo, which puts it back), and a member of staff gives
// up a case consultation slot (asked first; Undo books it again).
func TestConfirmThenUndo(t *testing.T) {
	t.Parallel()
	const org = "clyde-valley-housing-association"
	a := newApp(t)

	officer := newTab(t)
	a.signInAs(t, officer, access.RSLOfficer, org)
	if got := open(t, officer, a.URL+"/my/organisation"); got != 200 {
		t.Fatalf("/my/organisation: %d", got)
	}
	title := text(t, officer, "main .org-actions a[href$='/delete'] .visually-hidden")
	title = strings.TrimSpace(title)
	if title == "" {
		t.Fatal("no Remove link on the organisation page")
	}
	if got := submitForm(t, officer, chromedp.Click(chromedp.CSS(`main .org-actions a[href$="/delete"]`))); got != 200 {
		t.Fatalf("the Remove link: %d", got)
	}
	if got := text(t, officer, "main h1"); got != "Remove "+title+"?" {
		t.Fatalf("the question reads %q", got)
	}
	for _, want := range []string{"will no longer be shown anywhere", "Yes, remove this contact", "No, keep it"} {
		if !strings.Contains(text(t, officer, "main"), want) {
			t.Errorf("the question lacks %q", want)
		}
	}
	checkAccessible(t, officer)
	screenshots(t, officer, "confirm-remove-contact")
	if got := submitForm(t, officer, chromedp.Click(chromedp.CSS(`main form button.button--warning`))); got != 200 {
		t.Fatalf("removing: %d", got)
	}
	if msg := text(t, officer, ".flash"); !strings.Contains(msg, "Contact removed: "+title) || !strings.Contains(msg, "Undo: put "+title+" back") {
		t.Errorf("after removing, the message is %q", msg)
	}
	checkAccessible(t, officer)
	screenshots(t, officer, "confirm-remove-contact-done")
	if got := submitForm(t, officer, chromedp.Click(chromedp.CSS(`.flash form button`))); got != 200 {
		t.Fatalf("undo: %d", got)
	}
	if msg := text(t, officer, "main"); !strings.Contains(msg, "Contact put back: "+title) {
		t.Errorf("after undo the page says %q", msg)
	}

	// A slot to give up.
	var slot int64
	if err := a.pool.QueryRow(t.Context(), `WITH c AS (INSERT INTO consultation_sessions (kind, title) VALUES ('consultation', 'Safe & Together case consultation') RETURNING id)
		INSERT INTO consultation_slots (session_id, starts_at, minutes, practitioner, practitioner_org)
		SELECT id, now() + interval '5 days', 45, 'Dana Example', 'Safe & Together Institute' FROM c RETURNING id`).Scan(&slot); err != nil {
		t.Fatal(err)
	}
	staff := newTab(t)
	a.signInAs(t, staff, access.HousingStaff, "")
	if got := open(t, staff, a.URL+"/training"); got != 200 {
		t.Fatalf("/training: %d", got)
	}
	if got := submitForm(t, staff, chromedp.Click(chromedp.CSS(`#consultations form button`))); got != 200 {
		t.Fatalf("booking: %d", got)
	}
	if msg := text(t, staff, ".flash"); !strings.Contains(msg, "Booked: Safe & Together case consultation") {
		t.Errorf("after booking the message is %q", msg)
	}
	checkAccessible(t, staff)
	screenshots(t, staff, "consultations-booked")
	if got := submitForm(t, staff, chromedp.Click(chromedp.CSS(`#consultations a[href$="/cancel"]`))); got != 200 {
		t.Fatalf("the Cancel link: %d", got)
	}
	if got := text(t, staff, "main h1"); got != "Cancel your slot?" {
		t.Fatalf("the question reads %q", got)
	}
	if body := text(t, staff, "main"); !strings.Contains(body, "Dana Example (Safe & Together Institute)") {
		t.Errorf("the question does not name the practitioner:\n%s", body)
	}
	checkAccessible(t, staff)
	screenshots(t, staff, "confirm-cancel-slot")
	if got := submitForm(t, staff, chromedp.Click(chromedp.CSS(`main form button.button--warning`))); got != 200 {
		t.Fatalf("cancelling: %d", got)
	}
	if msg := text(t, staff, ".flash"); !strings.Contains(msg, "Cancelled your slot") || !strings.Contains(msg, "Undo: book it again") {
		t.Errorf("after cancelling the message is %q", msg)
	}
	if got := submitForm(t, staff, chromedp.Click(chromedp.CSS(`.flash form button`))); got != 200 {
		t.Fatalf("undo: %d", got)
	}
	if got := text(t, staff, "#consultations tbody"); !strings.Contains(got, "Booked by you") {
		t.Errorf("after undo the slot reads %q", got)
	}
}
