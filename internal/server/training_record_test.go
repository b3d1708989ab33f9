package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"

	"dadirectory/internal/access"
)

// A place freed by a cancellation is offered to the first person waiting, on their home page;
// they accept it there and have the place; accepting again is refused with a reason.
func TestTrainingOfferAcceptOverHTTP(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, "Offer course", "in_person", "staff", "nlc-social-work")
	id := admin.addSession(t, slug, 10, 1, nil)
	first, second, third := a.quickSignIn(t, access.HousingStaff, ""), a.quickSignIn(t, access.Champion, ""), a.quickSignIn(t, access.HousingStaff, "")
	for _, u := range []*user{first, second, third} {
		if resp, body := u.post(t, fmt.Sprintf("/training/sessions/%d/book", id), nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("book: %d\n%s", resp.StatusCode, body)
		}
	}
	if resp, body := first.post(t, fmt.Sprintf("/training/sessions/%d/cancel", id), url.Values{"confirm": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d\n%s", resp.StatusCode, body)
	}
	_, home := second.get(t, "/")
	accept := fmt.Sprintf(`action="/training/sessions/%d/offer/accept"`, id)
	if !strings.Contains(home, "A training place is free for you") || !strings.Contains(home, accept) || !strings.Contains(home, "Accept by ") {
		t.Fatalf("the offer is not on the champion's home page:\n%s", home)
	}
	if _, home := third.get(t, "/"); strings.Contains(home, accept) {
		t.Error("the second person waiting is offered the place too")
	}
	resp, body := second.post(t, fmt.Sprintf("/training/sessions/%d/offer/accept", id), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/training" {
		t.Fatalf("accept: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if got := a.bookingStatus(t, second, id); got != "booked" {
		t.Errorf("after accepting: %q", got)
	}
	if _, my := second.get(t, "/my/training"); !strings.Contains(my, "You have a place on Offer course") {
		t.Errorf("no message after accepting:\n%s", my)
	}
	resp, body = second.post(t, fmt.Sprintf("/training/sessions/%d/offer/accept", id), nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "no place on offer to you") {
		t.Errorf("accepting twice: %d\n%s", resp.StatusCode, body)
	}
	if a.auditCount(t, "booking.offer_accept") != 1 {
		t.Error("no audit event for the accept")
	}
}

// Booking a course that requires another is refused with the course named and linked, until
// an admin lets the person in from the course's people page.
func TestTrainingPrerequisiteOverHTTP(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	overview := admin.createCourse(t, "Overview course", "in_person", "staff", "nlc-social-work")
	core := admin.createCourse(t, "Core course", "in_person", "staff", "nlc-social-work")
	_, form := admin.get(t, "/admin/training/"+core+"/edit")
	if !strings.Contains(form, `name="requires"`) || !strings.Contains(form, `value="`+overview+`"`) {
		t.Fatalf("course form lacks the prerequisite choice:\n%s", form)
	}
	resp, body := admin.post(t, "/admin/training/"+core+"/edit", url.Values{"title": {"Core course"}, "programme": {"Safe & Together"},
		"level": {"core"}, "delivery": {"in_person"}, "audience": {"all_staff"}, "provider": {"nlc-social-work"},
		"visibility": {"staff"}, "requires": {overview}, "version": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set prerequisite: %d\n%s", resp.StatusCode, body)
	}
	id := admin.addSession(t, core, 20, 5, nil)
	person := a.quickSignIn(t, access.HousingStaff, "")
	if _, page := person.get(t, "/training/"+core); !strings.Contains(page, `You need to have attended <a href="/training/`+overview+`">Overview course</a>`) {
		t.Errorf("course page does not say what to attend first:\n%s", page)
	}
	resp, body = person.post(t, fmt.Sprintf("/training/sessions/%d/book", id), nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(html.UnescapeString(body), "You need to have attended Overview course before you can book this course") ||
		!strings.Contains(body, `href="/training/`+overview+`"`) {
		t.Fatalf("booking without the prerequisite: %d\n%s", resp.StatusCode, body)
	}
	if got := a.bookingStatus(t, person, id); got != "" {
		t.Errorf("a refused booking left %q", got)
	}
	// The admin lets them in; a typo is a field error, their address kept.
	resp, body = admin.post(t, "/admin/training/"+core+"/prerequisite-overrides", url.Values{"action": {"allow"}, "email": {"no-one@example.org"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "There is no active account with that email address") ||
		!strings.Contains(body, `value="no-one@example.org"`) {
		t.Errorf("override for nobody: %d\n%s", resp.StatusCode, body)
	}
	resp, body = admin.post(t, "/admin/training/"+core+"/prerequisite-overrides", url.Values{"action": {"allow"}, "email": {person.Email}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("override: %d\n%s", resp.StatusCode, body)
	}
	if _, page := admin.get(t, "/admin/training/"+core+"/people"); !strings.Contains(page, person.Email) || !strings.Contains(page, "may now book this course") {
		t.Errorf("people page does not list the override:\n%s", page)
	}
	if a.auditCount(t, "course.prerequisite_override") != 1 {
		t.Error("no audit event for the override")
	}
	if resp, body := person.post(t, fmt.Sprintf("/training/sessions/%d/book", id), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking with an override: %d\n%s", resp.StatusCode, body)
	}
	if got := a.bookingStatus(t, person, id); got != "booked" {
		t.Errorf("with an override: %q", got)
	}
}

// A person's record lists what they attended with a certificate each; the certificate is a PDF
// with their name and the course; nobody else can fetch it.
func TestTrainingCertificateOverHTTP(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	slug := admin.createCourse(t, "Certified course", "in_person", "staff", "nlc-social-work")
	id := admin.addSession(t, slug, 10, 5, nil)
	person, other := a.quickSignIn(t, access.RSLOfficer, hostileOrg), a.quickSignIn(t, access.HousingStaff, "")
	if resp, body := person.post(t, fmt.Sprintf("/training/sessions/%d/book", id), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: %d\n%s", resp.StatusCode, body)
	}
	var booking int64
	var name string
	err := a.pool.QueryRow(context.Background(), `UPDATE training_bookings b SET status = 'attended' FROM users u
		WHERE u.id = b.user_id AND b.session_id = $1 AND b.user_id = $2 RETURNING b.id, u.name`, id, person.ID).Scan(&booking, &name)
	if err != nil {
		t.Fatal(err)
	}
	link := fmt.Sprintf("/my/training/certificates/%d.pdf", booking)
	if _, my := person.get(t, "/my/training"); !strings.Contains(my, `href="`+link+`"`) || !strings.Contains(my, "Overview") {
		t.Fatalf("record lacks the certificate link or level:\n%s", my)
	}
	resp, body := person.get(t, link)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("certificate: %d %v", resp.StatusCode, resp.Header)
	}
	r, err := pdf.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(plain)
	for _, want := range []string{name, "Certified course", "Certificate of attendance", "provided by North Lanarkshire Council Social Work"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("certificate lacks %q: %s", want, text)
		}
	}
	for _, u := range []*user{other, admin} {
		if resp, _ := u.get(t, link); resp.StatusCode != http.StatusNotFound {
			t.Errorf("someone else's certificate: %d", resp.StatusCode)
		}
	}
}
