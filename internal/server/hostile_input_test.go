package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/config"
	"dadirectory/internal/postgres/pgtest"
)

// The hostile-input catalogue: every form the app accepts (every POST route) is sent, by
// someone allowed to send it, the form as its page gives it with one field at a time replaced
// by something hostile: oversized, invalid UTF-8, NUL and other control characters, markup
// in names, SQL metacharacters in ids and slugs, javascript:, data: and protocol-relative
// links, dates that do not exist, disguised files with path-traversal names, and the ids of
// another organisation's rows. Each must get a clear 4xx (never a 500), and nothing may be
// stored: every table's rows are fingerprinted before and after. Last, the untouched form is
// sent and must be accepted, which proves the refusals were for the hostile values and not a
// broken form. A POST route without an entry fails TestHostileCatalogueCoversEveryPost.

// fieldKind says which hostile values a field gets.
type fieldKind int

const (
	kName   fieldKind = iota // a one-line name or title: no markup
	kText                    // free text, shown escaped: markup is inert text, so only broken text is refused
	kLink                    // an http(s) address
	kEmail                   // an email address
	kPhone                   // a UK phone number
	kNumber                  // an id, version or count
	kSlug                    // a slug or list of slugs chosen from a list
	kChoice                  // one value of a fixed list
	kWhen                    // a date or date and time
)

// hostileValue is one entry of the catalogue.
type hostileValue struct{ what, value string }

var brokenText = []hostileValue{
	{"10 000 characters", strings.Repeat("x", 10000)},
	{"invalid UTF-8", "ok \xff\xfe"},
	{"NUL byte", "a\x00b"},
	{"escape character", "a\x1b[31mb"},
}

const sqlMeta = "'; DROP TABLE agencies;--"

var hostileValues = map[fieldKind][]hostileValue{
	kName: append(slices.Clone(brokenText), hostileValue{"script tag", "<script>alert(1)</script>"},
		hostileValue{"HTML tag", "Women's <b>Aid</b>"}, hostileValue{"direction override", "abc\u202egpj.exe"}),
	kText: brokenText,
	kLink: append(slices.Clone(brokenText), hostileValue{"javascript: URL", "javascript:alert(1)"},
		hostileValue{"javascript: URL with space", " JaVaScRiPt:alert(1)"},
		hostileValue{"data: URL", "data:text/html,<script>alert(1)</script>"},
		hostileValue{"protocol-relative URL", "//evil.example"}, hostileValue{"scheme without slashes", "https:evil.example"}),
	kEmail: append(slices.Clone(brokenText), hostileValue{"markup", "<script>@example.org"},
		hostileValue{"header injection", "a@example.org\r\nBcc: b@example.org"}, hostileValue{"javascript:", "javascript:alert(1)"}),
	kPhone: append(slices.Clone(brokenText), hostileValue{"javascript:", "javascript:alert(1)"},
		hostileValue{"SQL", sqlMeta}, hostileValue{"NUL in digits", "0800\x00027 1234"}),
	kNumber: {{"letters", "abc"}, {"negative", "-1"}, {"exponent", "1e9999"}, {"SQL", sqlMeta},
		{"beyond int64", "99999999999999999999"}, {"10 000 digits", strings.Repeat("9", 10000)}, {"NUL", "1\x00"}},
	kSlug: {{"SQL", sqlMeta}, {"path traversal", "../../etc/passwd"}, {"script tag", "<script>"}, {"NUL", "a\x00b"},
		{"invalid UTF-8", "\xff\xfe"}, {"10 000 characters", strings.Repeat("a", 10000)}},
	kChoice: {{"SQL", sqlMeta}, {"script tag", "<script>"}, {"NUL", "a\x00b"}, {"invalid UTF-8", "\xff"}},
	kWhen: {{"no such day", "2026-02-30T09:00"}, {"letters", "abc"}, {"five-digit year", "99999-01-01T00:00"},
		{"NUL", "2026-05-01\x00"}, {"SQL", sqlMeta}},
}

// hostilePathIDs and hostilePathSlugs replace the {id} or {slug} of a route's path.
var (
	hostilePathIDs   = []string{"abc", "-1", "0", "1e9999", "99999999999999999999", url.PathEscape(sqlMeta)}
	hostilePathSlugs = []string{url.PathEscape(sqlMeta), "..%2F..%2Fetc%2Fpasswd", "%3Cscript%3E", "Not_A_Slug", "a%00b", "%FF"}
)

// hostileFiles are uploads whose content is not what their name says.
var hostileFiles = []struct {
	what string
	file upload
}{
	{"path traversal, HTML inside", upload{"../../etc/passwd", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}},
	{"path traversal named .pdf, HTML inside", upload{"../../etc/passwd.pdf", []byte("<html><script>alert(1)</script>%PDF-1.4</html>")}},
	{"Windows traversal named .docx, script inside", upload{`..\..\windows\win.ini.docx`, []byte("#!/bin/sh\nrm -rf /\n")}},
	{"SVG with script named .png", upload{"logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}},
	{"passwd file named .pdf", upload{"passwd.pdf", []byte("root:x:0:0:root:/root:/bin/bash\n")}},
	{"empty", upload{"empty.pdf", nil}},
}

// refusedStatuses are clear refusals: bad request, not found (hidden is the same as missing),
// conflict, too large, and a form re-shown with its errors.
var refusedStatuses = []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict,
	http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity}

// hostileForm is one POST route's entry.
type hostileForm struct {
	as   access.Role
	org  string // an RSL officer's organisation
	page string // the page holding the form that posts to path; "" when set is the whole form
	path string
	// param is the {id} or {slug} in path that the hostile path values replace ("" for none);
	// slug says which kind it is.
	param string
	slug  bool
	set   url.Values // values put over the page's (a browser user typing into the form)
	// asks: the page's button asks first; the form is the one on the page it answers with,
	// as someone confirming would send it.
	asks bool
	// fields are the fields to attack and how.
	fields    map[string]fieldKind
	multipart bool     // the form carries a file
	files     bool     // also send the hostile files
	foreign   []string // paths naming another organisation's row: 404 for this user
	// control is what the untouched form gets, sent last; 0 when the form has no harmless
	// acceptable version (a sign-in the throttle may be pausing).
	control int
	// ignores says why a route takes nothing to refuse; its hostile sends must get control.
	ignores string
	// refused are more answers that count as a refusal for this form, as the app answers it
	// (a wrong password is 401); nothing stored is checked all the same.
	refused []int
	// audits are audit actions the form records on purpose even when refused (failed
	// sign-ins are counted); the fingerprint leaves them out.
	audits []string
	// prepare sets up what the form needs (a booking to cancel, an archived row to restore)
	// before the page is read, as the signed-in user u; it may change the entry.
	prepare func(t *testing.T, a *app, u *user, f *hostileForm)
}

// hostileIDs are the demo rows the catalogue names.
type hostileIDs struct {
	ownContact, otherContact int64 // the RSL officer's organisation's contact, another's
	linkContact              int64 // a contact of the admin's agency (link-group)
	course, otherCourse      string
	session                  int64 // an upcoming session of course
}

const (
	hostileOrg    = "clyde-valley-housing-association"
	hostileAgency = "link-group"
	hostileTerm   = "/admin/taxonomy/areas/motherwell"
)

func hostileIDsOf(t *testing.T, a *app) hostileIDs {
	t.Helper()
	var ids hostileIDs
	err := a.pool.QueryRow(context.Background(), `SELECT
		(SELECT min(c.id) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = $1 AND c.archived_at IS NULL),
		(SELECT min(c.id) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = $2 AND c.archived_at IS NULL),
		(SELECT c.slug FROM training_courses c JOIN training_sessions s ON s.course_id = c.id
			WHERE s.starts_at > now() + interval '2 days' AND s.cancelled_at IS NULL AND c.archived_at IS NULL AND c.delivery = 'in_person'
			ORDER BY s.starts_at LIMIT 1),
		(SELECT c.slug FROM training_courses c JOIN agencies a ON a.id = c.provider_id WHERE a.slug <> $1 ORDER BY c.slug LIMIT 1)`,
		hostileOrg, hostileAgency).Scan(&ids.ownContact, &ids.linkContact, &ids.course, &ids.otherCourse)
	if err != nil {
		t.Fatalf("demo data: %v", err)
	}
	ids.otherContact = ids.linkContact
	err = a.pool.QueryRow(context.Background(), `SELECT min(s.id) FROM training_sessions s JOIN training_courses c ON c.id = s.course_id
		WHERE c.slug = $1 AND s.starts_at > now() + interval '2 days' AND s.cancelled_at IS NULL`, ids.course).Scan(&ids.session)
	if err != nil {
		t.Fatalf("demo session: %v", err)
	}
	return ids
}

// futureInput is a datetime-local value days ahead at hour.
func futureInput(days, hour int) string {
	d := time.Now().AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, time.Local).Format("2006-01-02T15:04")
}

func agencyFields() map[string]fieldKind {
	return map[string]fieldKind{"summary": kText, "description": kText, "website": kLink, "email": kEmail,
		"opening_hours": kText, "referral_route": kChoice, "eligibility": kText, "keywords": kText,
		"areas": kSlug, "categories": kSlug, "audiences": kSlug}
}

func contactFields() map[string]fieldKind {
	return map[string]fieldKind{"role_title": kName, "person_name": kName, "phone_label": kName, "phone_number": kPhone,
		"email": kEmail, "hours": kText, "notes": kText, "kind": kChoice, "visibility": kChoice}
}

// with is m and more fields.
func with(m map[string]fieldKind, kv ...any) map[string]fieldKind {
	m = maps.Clone(m)
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(fieldKind)
	}
	return m
}

// resourceFields are the library form's fields; owner only for admins.
func resourceFields(admin bool) map[string]fieldKind {
	m := map[string]fieldKind{"title": kName, "summary": kText, "kind": kChoice, "topics": kSlug, "visibility": kChoice, "url": kLink}
	if admin {
		m["owner"] = kSlug
	}
	return m
}

// offerPlace puts u on session id's waiting list with a place on offer to them, as a
// cancellation would.
func offerPlace(t *testing.T, a *app, u *user, id int64) {
	t.Helper()
	_, err := a.pool.Exec(context.Background(), `WITH b AS (
			INSERT INTO training_bookings (session_id, user_id, status, waitlist_seq)
			VALUES ($1, $2, 'waitlisted', nextval('training_waitlist_seq')) RETURNING id)
		INSERT INTO training_offers (booking_id, session_id, offered_at, expires_at)
		SELECT b.id, $1, now(), now() + interval '1 day' FROM b`, id, u.ID)
	if err != nil {
		t.Fatal(err)
	}
}

// archiveRow changes a row directly: archives what a restore is to undo, and the like.
func archiveRow(t *testing.T, a *app, sql string, args ...any) {
	t.Helper()
	if _, err := a.pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

// pastAttendance prepares the evaluation and follow-up forms: u attended a session of the
// catalogue's course that ended 100 days ago; the page and path are that booking's.
func pastAttendance(ids hostileIDs, prefix string) func(t *testing.T, a *app, u *user, f *hostileForm) {
	return func(t *testing.T, a *app, u *user, f *hostileForm) {
		t.Helper()
		var id int64
		err := a.pool.QueryRow(context.Background(), `WITH s AS (INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, capacity)
				SELECT course_id, now() - interval '101 days', now() - interval '100 days', venue, capacity FROM training_sessions WHERE id = $1 RETURNING id)
			INSERT INTO training_bookings (session_id, user_id, status) SELECT s.id, $2, 'attended' FROM s RETURNING id`, ids.session, u.ID).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		f.param = strconv.FormatInt(id, 10)
		f.page = prefix + f.param
		f.path = strings.Replace(f.path, "{id}", f.param, 1)
	}
}

// hostileCatalogue is every POST route's entry, keyed as chi registers the route.
func hostileCatalogue(ids hostileIDs) map[string]hostileForm {
	rsl, admin, staff, champ := access.RSLOfficer, access.Admin, access.HousingStaff, access.Champion
	ownContact := fmt.Sprintf("/my/organisation/contacts/%d", ids.ownContact)
	otherContact := fmt.Sprintf("/my/organisation/contacts/%d", ids.otherContact)
	adminAgency := "/admin/agencies/" + hostileAgency
	adminContact := fmt.Sprintf("%s/contacts/%d", adminAgency, ids.linkContact)
	// A contact of another agency, reached through this one's path.
	strayContact := fmt.Sprintf("%s/contacts/%d", adminAgency, ids.ownContact)
	session := fmt.Sprintf("/training/sessions/%d", ids.session)
	adminSession := fmt.Sprintf("/admin/training/sessions/%d", ids.session)
	course := "/admin/training/" + ids.course
	ownRes, otherRes := "/my/resources/"+demoOwnResource, "/my/resources/"+demoOtherResource
	adminRes := "/admin/resources/" + demoOwnResource
	sessionForm := url.Values{"starts_at": {futureInput(40, 9)}, "ends_at": {futureInput(40, 12)}, "venue": {"Training Room 2"},
		"online_url": {"https://meet.example.org/abc"}, "capacity": {"20"}, "booking_closes": {futureInput(38, 17)}}
	slotForm := url.Values{"starts_at": {futureInput(40, 9)}, "minutes": {"45"}, "practitioner": {"Dana Example"}}
	slotFields := map[string]fieldKind{"starts_at": kWhen, "minutes": kNumber, "practitioner": kName, "practitioner_org": kName,
		"starts_at-day": kNumber, "starts_at-month": kNumber, "starts_at-year": kNumber, "starts_at-time": kNumber}
	sessionFields := map[string]fieldKind{"starts_at": kWhen, "ends_at": kWhen, "venue": kText, "online_url": kLink,
		"capacity": kNumber, "booking_closes": kWhen}
	courseFields := map[string]fieldKind{"title": kName, "programme": kName, "level": kChoice, "delivery": kChoice,
		"audience": kChoice, "duration": kText, "description": kText, "provider": kSlug, "visibility": kChoice, "requires": kSlug}
	newCourse := url.Values{"title": {"Hostile input course"}, "programme": {"Safe & Together"}, "level": {"overview"},
		"delivery": {"in_person"}, "audience": {"all_staff"}, "description": {"A test course."}, "provider": {hostileAgency},
		"visibility": {"staff"}}
	newContact := url.Values{"role_title": {"Duty line"}, "phone_label": {"Office"}, "phone_number": {"0141 496 0123"},
		"visibility": {"public"}}
	newResource := url.Values{"title": {"Hostile input resource"}, "summary": {"What it is."}, "kind": {"leaflet"},
		"topics": {"housing"}, "visibility": {"public"}, "url": {"https://www.example.org/leaflet"}}

	return map[string]hostileForm{
		// With mail off every address gets the same page: there is nothing to refuse, only
		// nothing to store.
		// A "still correct" link's token is signed: whatever else is sent is not ours (404).
		"POST /review/confirm": {as: access.Anonymous, path: "/review/confirm", set: url.Values{"token": {"nonsense"}},
			fields: map[string]fieldKind{"token": kText}, refused: []int{http.StatusNotFound}},
		"POST /login/forgot": {as: access.Anonymous, path: "/login/forgot", control: http.StatusOK,
			set:    url.Values{"email": {"someone@example.org"}},
			fields: map[string]fieldKind{"email": kEmail}, ignores: "mail is off: the page says to ask an administrator"},
		"POST /login": {as: access.Anonymous, page: "/login", path: "/login",
			fields:  map[string]fieldKind{"email": kEmail, "password": kText},
			refused: []int{http.StatusUnauthorized, http.StatusTooManyRequests}, audits: []string{"auth.sign_in_failed"},
			prepare: func(t *testing.T, a *app, _ *user, f *hostileForm) {
				_, email := a.createUser(t, access.HousingStaff, "")
				f.set = url.Values{"email": {email}, "password": {testPassword}}
			}},
		"POST /logout": {as: staff, path: "/logout", set: url.Values{}, control: http.StatusSeeOther,
			fields: map[string]fieldKind{"junk": kText}, audits: []string{"auth.sign_out"},
			ignores: "signing out reads no field: whatever is sent, the session ends and nothing else is stored"},

		"POST /my/organisation": {as: rsl, org: hostileOrg, page: "/my/organisation", path: "/my/organisation",
			fields: with(agencyFields(), "version", kNumber), control: http.StatusSeeOther},
		"POST /my/organisation/confirm": {as: rsl, org: hostileOrg, page: "/my/organisation", path: "/my/organisation/confirm",
			fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther},
		"POST /my/organisation/contacts": {as: rsl, org: hostileOrg, page: "/my/organisation/contacts/new",
			path: "/my/organisation/contacts", set: newContact, fields: contactFields(), control: http.StatusSeeOther},
		"POST /my/organisation/contacts/{id}": {as: rsl, org: hostileOrg, page: ownContact, path: ownContact,
			param: strconv.FormatInt(ids.ownContact, 10), fields: with(contactFields(), "version", kNumber),
			foreign: []string{otherContact}, control: http.StatusSeeOther},
		// The form is on the page that asks first (its confirm=1 is sent as it is).
		"POST /my/organisation/contacts/{id}/delete": {as: rsl, org: hostileOrg, page: ownContact + "/delete", path: ownContact + "/delete",
			param: strconv.FormatInt(ids.ownContact, 10), fields: map[string]fieldKind{"version": kNumber, "confirm": kChoice},
			foreign: []string{otherContact + "/delete"}, control: http.StatusSeeOther,
			// Any confirm but 1 only asks again, changing nothing.
			refused: []int{http.StatusOK}},
		// The undo after removing a contact: the form is on the page the removal led to.
		"POST /my/organisation/contacts/{id}/restore": {as: rsl, org: hostileOrg, page: "/my/organisation", path: ownContact + "/restore",
			param: strconv.FormatInt(ids.ownContact, 10), fields: map[string]fieldKind{"version": kNumber},
			foreign: []string{otherContact + "/restore"}, control: http.StatusSeeOther,
			// A version that is not the contact's redirects back saying it was not put back.
			refused: []int{http.StatusSeeOther},
			prepare: func(t *testing.T, a *app, u *user, _ *hostileForm) {
				page := mustGet(t, u, ownContact+"/delete")
				form, ok := scrapeForm(page, ownContact+"/delete")
				if !ok {
					t.Fatal("no removal form")
				}
				if status, body := u.postHostile(t, ownContact+"/delete", form, false, nil); status != http.StatusSeeOther {
					t.Fatalf("remove: %d\n%s", status, body)
				}
			}},

		"POST /my/champion": {as: champ, page: "/my/champion", path: "/my/champion",
			set: url.Values{"phone_label": {"Mobile"}, "phone_number": {"07700 900123"}},
			fields: map[string]fieldKind{"phone_label": kName, "phone_number": kPhone, "hours": kText, "email": kEmail, "areas": kSlug,
				"version": kNumber}, control: http.StatusSeeOther},

		"POST /training/sessions/{id}/book": {as: staff, page: "/training/" + ids.course, path: session + "/book",
			param: strconv.FormatInt(ids.session, 10), control: http.StatusSeeOther},
		// The form is on the page that asks first (its confirm=1 is sent as it is).
		"POST /training/sessions/{id}/cancel": {as: staff, page: session + "/cancel?from=my", path: session + "/cancel",
			param: strconv.FormatInt(ids.session, 10), control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) {
				if status, body := u.postHostile(t, session+"/book", url.Values{}, false, nil); status != http.StatusSeeOther {
					t.Fatalf("book: %d\n%s", status, body)
				}
			}},

		// A place on offer to the person, on their home page: accepting or declining it has no
		// fields; hostile ids are another session (no offer: 409) or none (404).
		"POST /training/sessions/{id}/offer/accept": {as: staff, page: "/", path: session + "/offer/accept",
			param: strconv.FormatInt(ids.session, 10), control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) { offerPlace(t, a, u, ids.session) }},
		"POST /training/sessions/{id}/offer/decline": {as: staff, page: "/", path: session + "/offer/decline",
			param: strconv.FormatInt(ids.session, 10), control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) { offerPlace(t, a, u, ids.session) }},
		// Letting someone book without the course's prerequisite (the course is given one).
		"POST /admin/training/{slug}/prerequisite-overrides": {as: admin, page: course + "/people", path: course + "/prerequisite-overrides",
			param: ids.course, slug: true, fields: map[string]fieldKind{"email": kEmail, "action": kChoice}, control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) {
				archiveRow(t, a, `UPDATE training_courses SET requires_course_id = (SELECT id FROM training_courses WHERE slug = $2)
					WHERE slug = $1`, ids.course, ids.otherCourse)
				f.set = url.Values{"email": {u.Email}}
			}},

		"POST /admin/training/new": {as: admin, page: "/admin/training/new", path: "/admin/training/new", set: newCourse,
			fields: courseFields, control: http.StatusSeeOther},
		"POST /admin/training/{slug}/edit": {as: admin, page: course + "/edit", path: course + "/edit", param: ids.course, slug: true,
			fields: with(courseFields, "version", kNumber), control: http.StatusSeeOther},
		// Withdrawing asks first; the catalogue attacks the confirmation's form.
		"POST /admin/training/{slug}/withdraw": {as: admin, path: "/admin/training/{slug}/withdraw", slug: true, asks: true,
			fields: map[string]fieldKind{"version": kNumber, "withdrawn": kChoice}, control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) {
				// A course with no sessions, which may be withdrawn.
				f.param = u.createCourse(t, "Withdrawable course", "in_person", "staff", hostileAgency)
				f.page = "/admin/training/" + f.param
				f.path = strings.Replace(f.path, "{slug}", f.param, 1)
			}},
		"POST /admin/training/{slug}/sessions": {as: admin, page: course, path: course + "/sessions", param: ids.course, slug: true,
			set: sessionForm, fields: sessionFields, control: http.StatusSeeOther},
		"POST /admin/training/sessions/{id}": {as: admin, page: adminSession, path: adminSession,
			param: strconv.FormatInt(ids.session, 10), fields: with(sessionFields, "version", kNumber, "starts_at-day", kNumber,
				"starts_at-month", kNumber, "starts_at-year", kNumber, "starts_at-time", kNumber, "ends_at-time", kNumber), control: http.StatusSeeOther},
		"POST /admin/training/sessions/{id}/cancel": {as: admin, page: adminSession, path: adminSession + "/cancel",
			asks: true, param: strconv.FormatInt(ids.session, 10), fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther},
		"POST /admin/training/sessions/{id}/attendance": {as: admin, page: adminSession, path: adminSession + "/attendance",
			param: strconv.FormatInt(ids.session, 10), fields: map[string]fieldKind{"listed": kNumber, "attended": kNumber},
			control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, _ *user, f *hostileForm) {
				// Someone booked, so the register has a row to tick.
				booker := a.quickSignIn(t, access.HousingStaff, "")
				if status, body := booker.postHostile(t, session+"/book", url.Values{}, false, nil); status != http.StatusSeeOther {
					t.Fatalf("book: %d\n%s", status, body)
				}
				// And the session has started, so the page takes attendance.
				archiveRow(t, a, `UPDATE training_sessions SET booking_closes = NULL, starts_at = now() - interval '1 hour',
					ends_at = now() + interval '2 hours' WHERE id = $1`, ids.session)
			}},
		// Evaluations and follow-ups of the person's own attended booking of a session that
		// ended 100 days ago (so both forms are open).
		"POST /training/evaluate/{id}": {as: staff, path: "/training/evaluate/{id}",
			set:     url.Values{"confidence_before": {"2"}, "confidence_after": {"4"}, "usefulness": {"5"}},
			fields:  map[string]fieldKind{"confidence_before": kChoice, "confidence_after": kChoice, "usefulness": kChoice, "differently": kName, "comments": kName},
			control: http.StatusSeeOther, prepare: pastAttendance(ids, "/training/evaluate/")},
		"POST /training/follow-up/{id}": {as: staff, path: "/training/follow-up/{id}", set: url.Values{"changed": {"partly"}},
			fields: map[string]fieldKind{"changed": kChoice, "how": kName}, control: http.StatusSeeOther,
			prepare: pastAttendance(ids, "/training/follow-up/")},
		"POST /admin/training/{slug}/evaluation": {as: admin, page: course + "/evaluation", path: course + "/evaluation", param: ids.course,
			slug: true, set: url.Values{"questions": {"confidence", "comments"}}, fields: map[string]fieldKind{"questions": kChoice, "version": kNumber},
			control: http.StatusSeeOther},
		"POST /admin/training/quotes": {as: admin, page: "/admin/training/quotes", path: "/admin/training/quotes",
			fields: map[string]fieldKind{"kind": kChoice, "id": kNumber, "chosen": kChoice, "back": kText}, control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, _ *user, _ *hostileForm) {
				// A comment on a session that ran last week, for the page to offer.
				archiveRow(t, a, `WITH s AS (INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, capacity)
						SELECT course_id, now() - interval '7 days', now() - interval '7 days' + interval '2 hours', venue, capacity
						FROM training_sessions WHERE id = $1 RETURNING id, course_id)
					INSERT INTO training_evaluations (session_id, course_id, sector, comments) SELECT id, course_id, 'housing', 'Very useful.' FROM s`, ids.session)
			}},
		"POST /admin/training/providers": {as: admin, page: "/admin/training/providers", path: "/admin/training/providers",
			set: url.Values{"provider": {hostileAgency}, "allowed": {"1"}}, fields: map[string]fieldKind{"provider": kSlug},
			control: http.StatusSeeOther},

		"POST /admin/resources/new": {as: admin, page: "/admin/resources/new", path: "/admin/resources/new", set: newResource,
			fields: resourceFields(true), multipart: true, files: true, control: http.StatusSeeOther},
		"POST /admin/resources/{slug}/edit": {as: admin, page: adminRes + "/edit", path: adminRes + "/edit", param: demoOwnResource,
			slug: true, fields: with(resourceFields(true), "version", kNumber), multipart: true, files: true, control: http.StatusSeeOther},
		"POST /admin/resources/{slug}/archive": {as: admin, page: adminRes + "/archive", path: adminRes + "/archive",
			param: demoOwnResource, slug: true, fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther},
		"POST /admin/resources/{slug}/restore": {as: admin, page: adminRes + "/edit", path: adminRes + "/restore", asks: true,
			param: demoOwnResource, slug: true, fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, _ *user, _ *hostileForm) {
				archiveRow(t, a, `UPDATE resources SET archived_at = now(), version = version + 1 WHERE slug = $1`, demoOwnResource)
			}},
		"POST /admin/resource-topics": {as: admin, page: "/admin/resource-topics", path: "/admin/resource-topics",
			set: url.Values{"name": {"Hostile input topic"}}, fields: map[string]fieldKind{"name": kName}, control: http.StatusSeeOther},
		"POST /admin/resource-topics/{slug}": {as: admin, page: "/admin/resource-topics", path: "/admin/resource-topics/marac",
			param: "marac", slug: true, set: url.Values{"name": {"MARAC and safety planning"}},
			fields: map[string]fieldKind{"name": kName, "version": kNumber}, control: http.StatusSeeOther},
		"POST /my/resources/new": {as: rsl, org: hostileOrg, page: "/my/resources/new", path: "/my/resources/new", set: newResource,
			fields: resourceFields(false), multipart: true, files: true, control: http.StatusSeeOther},
		"POST /my/resources/{slug}/edit": {as: rsl, org: hostileOrg, page: ownRes + "/edit", path: ownRes + "/edit",
			param: demoOwnResource, slug: true, fields: with(resourceFields(false), "version", kNumber), multipart: true, files: true,
			foreign: []string{otherRes + "/edit"}, control: http.StatusSeeOther},
		"POST /my/resources/{slug}/archive": {as: rsl, org: hostileOrg, page: ownRes + "/archive", path: ownRes + "/archive",
			param: demoOwnResource, slug: true, fields: map[string]fieldKind{"version": kNumber},
			foreign: []string{otherRes + "/archive"}, control: http.StatusSeeOther},

		"POST /admin/agencies/new": {as: admin, page: "/admin/agencies/new", path: "/admin/agencies/new",
			set: url.Values{"name": {"Hostile Input Trust"}, "kind": {"da_agency"}, "sector": {"third_sector"}, "visibility": {"public"}, "referral_route": {"both"}},
			fields: with(agencyFields(), "name", kName, "kind", kChoice, "sector", kChoice, "visibility", kChoice, "languages", kText,
				"review_due", kWhen, "review_due-day", kNumber, "review_due-month", kNumber, "review_due-year", kNumber), control: http.StatusSeeOther},
		"POST /admin/agencies/{slug}/edit": {as: admin, page: adminAgency + "/edit", path: adminAgency + "/edit",
			param: hostileAgency, slug: true, fields: with(agencyFields(), "name", kName, "kind", kChoice, "sector", kChoice, "visibility", kChoice,
				"languages", kText, "review_due", kWhen, "review_due-day", kNumber, "review_due-month", kNumber, "review_due-year", kNumber,
				"version", kNumber), control: http.StatusSeeOther},
		"POST /admin/agencies/{slug}/archive": {as: admin, page: adminAgency + "/archive", path: adminAgency + "/archive",
			param: hostileAgency, slug: true, fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther},
		"POST /admin/agencies/{slug}/restore": {as: admin, page: adminAgency + "/edit", path: adminAgency + "/restore",
			param: hostileAgency, slug: true, fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, _ *user, _ *hostileForm) {
				archiveRow(t, a, `UPDATE agencies SET archived_at = now(), version = version + 1 WHERE slug = $1`, hostileAgency)
			}},
		"POST /admin/agencies/{slug}/contacts/new": {as: admin, page: adminAgency + "/contacts/new", path: adminAgency + "/contacts/new",
			param: hostileAgency, slug: true, set: newContact,
			fields: with(contactFields(), "key_order", kNumber, "areas", kSlug, "review_due", kWhen,
				"review_due-day", kNumber, "review_due-month", kNumber, "review_due-year", kNumber), control: http.StatusSeeOther},
		"POST /admin/agencies/{slug}/contacts/{id}/edit": {as: admin, page: adminContact + "/edit", path: adminContact + "/edit",
			param: strconv.FormatInt(ids.linkContact, 10),
			fields: with(contactFields(), "key_order", kNumber, "areas", kSlug, "review_due", kWhen,
				"review_due-day", kNumber, "review_due-month", kNumber, "review_due-year", kNumber, "version", kNumber),
			foreign: []string{strayContact + "/edit"}, control: http.StatusSeeOther},
		"POST /admin/agencies/{slug}/contacts/{id}/archive": {as: admin, page: adminContact + "/archive", path: adminContact + "/archive",
			param: strconv.FormatInt(ids.linkContact, 10), fields: map[string]fieldKind{"version": kNumber},
			foreign: []string{strayContact + "/archive"}, control: http.StatusSeeOther},
		"POST /admin/agencies/{slug}/contacts/{id}/restore": {as: admin, page: adminAgency + "/edit", path: adminContact + "/restore",
			param: strconv.FormatInt(ids.linkContact, 10), fields: map[string]fieldKind{"version": kNumber},
			foreign: []string{strayContact + "/restore"}, control: http.StatusSeeOther,
			// A version that is not the contact's redirects back with a flash saying it was
			// not restored, as the restore button does when the contact changed meanwhile.
			refused: []int{http.StatusSeeOther},
			prepare: func(t *testing.T, a *app, _ *user, _ *hostileForm) {
				archiveRow(t, a, `UPDATE contacts SET archived_at = now(), version = version + 1 WHERE id = $1`, ids.linkContact)
			}},

		"POST /admin/taxonomy/{kind}/new": {as: admin, page: "/admin/taxonomy/areas/new", path: "/admin/taxonomy/areas/new",
			param: "areas", slug: true, set: url.Values{"name": {"Hostile Input Town"}}, fields: map[string]fieldKind{"name": kName},
			control: http.StatusSeeOther},
		"POST /admin/taxonomy/{kind}/{slug}/edit": {as: admin, page: hostileTerm + "/edit", path: hostileTerm + "/edit",
			param: "motherwell", slug: true, set: url.Values{"name": {"Motherwell and Wishaw"}},
			fields: map[string]fieldKind{"name": kName, "version": kNumber}, control: http.StatusSeeOther},
		"POST /admin/taxonomy/{kind}/{slug}/merge": {as: admin, page: hostileTerm + "/edit", path: hostileTerm + "/merge",
			param: "motherwell", slug: true, set: url.Values{"into": {"wishaw"}, "confirm": {"1"}},
			fields: map[string]fieldKind{"into": kSlug, "version": kNumber}, control: http.StatusSeeOther},
		"POST /admin/taxonomy/{kind}/{slug}/retire": {as: admin, page: hostileTerm + "/edit", path: hostileTerm + "/retire",
			param: "motherwell", slug: true, asks: true, fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther},
		"POST /admin/taxonomy/{kind}/{slug}/restore": {as: admin, page: hostileTerm + "/edit", path: hostileTerm + "/restore",
			param: "motherwell", slug: true, fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, _ *user, _ *hostileForm) {
				archiveRow(t, a, `UPDATE areas SET retired_at = now(), version = version + 1 WHERE slug = 'motherwell'`)
			}},

		// Case consultations and coaching: a slot to book, one to give up, and the admin's forms.
		"POST /training/slots/{id}/book": {as: staff, path: "/training/slots/{id}/book", control: http.StatusSeeOther,
			prepare: slotTarget("/training", "/book", false)},
		"POST /training/slots/{id}/cancel": {as: staff, path: "/training/slots/{id}/cancel", control: http.StatusSeeOther,
			fields: map[string]fieldKind{"confirm": kChoice}, refused: []int{http.StatusOK}, // any confirm but 1 asks again
			prepare: slotTarget("/training/slots/{id}/cancel", "/cancel", true)},
		"POST /admin/training/consultations": {as: admin, page: "/admin/training/consultations", path: "/admin/training/consultations",
			set:    url.Values{"kind": {"coaching"}, "title": {"Hostile input coaching"}},
			fields: map[string]fieldKind{"kind": kChoice, "title": kName, "description": kText, "venue": kName}, control: http.StatusSeeOther},
		"POST /admin/training/consultations/{id}/slots": {as: admin, path: "/admin/training/consultations/{id}/slots", set: slotForm,
			fields:  map[string]fieldKind{"starts_at": kWhen, "minutes": kNumber, "practitioner": kName, "practitioner_org": kName},
			control: http.StatusSeeOther, prepare: adminSlotTarget(false)},
		"POST /admin/training/slots/{id}": {as: admin, path: "/admin/training/slots/{id}",
			fields: with(slotFields, "version", kNumber), control: http.StatusSeeOther, prepare: adminSlotTarget(true)},

		"POST /admin/synonyms/new": {as: admin, page: "/admin/synonyms/new", path: "/admin/synonyms/new",
			set: url.Values{"phrases": {"hostile input\nunfriendly words"}}, fields: map[string]fieldKind{"phrases": kName},
			control: http.StatusSeeOther},
		"POST /admin/synonyms/{id}/edit": {as: admin, path: "/admin/synonyms/{id}/edit",
			fields: map[string]fieldKind{"phrases": kName, "version": kNumber}, control: http.StatusSeeOther,
			prepare: synonymTarget("edit")},
		"POST /admin/synonyms/{id}/remove": {as: admin, path: "/admin/synonyms/{id}/remove",
			fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther, prepare: synonymTarget("remove")},
		"POST /admin/places/{slug}/edit": {as: admin, page: "/admin/places/wishaw/edit", path: "/admin/places/wishaw/edit",
			param: "wishaw", slug: true, set: url.Values{"places": {"Wishaw\nNewmains"}, "postcodes": {"ML2"}},
			fields: map[string]fieldKind{"places": kName, "postcodes": kName, "version": kNumber}, control: http.StatusSeeOther},

		// watch is "1" to watch; anything else stops watching, which a hostile value may do.
		"POST /agencies/{slug}/watch": {as: staff, page: "/agencies/" + matrixOrg, path: "/agencies/" + matrixOrg + "/watch",
			param: matrixOrg, slug: true, fields: map[string]fieldKind{"watch": kChoice}, control: http.StatusSeeOther,
			ignores: "any value but 1 means stop watching, which is harmless"},
		"POST /agencies/{slug}/report": {as: access.Anonymous, page: "/agencies/" + matrixOrg + "/report",
			path: "/agencies/" + matrixOrg + "/report", param: matrixOrg, slug: true,
			set:    url.Values{"kind": {"phone"}, "note": {"The number rings out"}, "reply_email": {"reader@example.org"}},
			fields: map[string]fieldKind{"kind": kChoice, "note": kName, "reply_email": kEmail}, control: http.StatusSeeOther},
		"POST /admin/reports/{id}": {as: admin, path: "/admin/reports/{id}",
			set:    url.Values{"status": {"resolved"}, "resolution_note": {"Number corrected"}},
			fields: map[string]fieldKind{"status": kChoice, "resolution_note": kName, "version": kNumber}, control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, _ *user, f *hostileForm) {
				t.Helper()
				var id int64
				if err := a.pool.QueryRow(context.Background(), `INSERT INTO problem_reports (agency_id, kind)
					SELECT id, 'phone' FROM agencies WHERE slug = $1 RETURNING id`, matrixOrg).Scan(&id); err != nil {
					t.Fatal(err)
				}
				f.param = strconv.FormatInt(id, 10)
				f.page = "/admin/reports/" + f.param
				f.path = f.page
			}},

		// Spreadsheet import of contacts (admin_import_contacts_test.go has the hostile sheets):
		// the upload takes only a file; the mapping, columns chosen from a list; the
		// confirmation, the dry run's digest, which nothing but the real one matches.
		"POST /admin/import/contacts": {as: admin, page: "/admin/import/contacts", path: "/admin/import/contacts",
			multipart: true, files: true},
		"POST /admin/import/contacts/{token}": {as: admin, path: "/admin/import/contacts/{token}", slug: true,
			fields: importMappingFields(), control: http.StatusSeeOther, prepare: importTarget(false)},
		"POST /admin/import/contacts/{token}/apply": {as: admin, path: "/admin/import/contacts/{token}/apply", slug: true,
			fields: map[string]fieldKind{"plan": kText}, control: http.StatusSeeOther, prepare: importTarget(true)},
		"POST /admin/changes/seen": {as: admin, path: "/admin/changes/seen", set: url.Values{"upto": {"1"}},
			fields: map[string]fieldKind{"upto": kNumber}, control: http.StatusSeeOther},
		"POST /admin/settings": {as: admin, page: "/admin/settings", path: "/admin/settings",
			fields: map[string]fieldKind{"site_name": kName, "council_name": kName, "helpline_name": kName, "helpline_number": kPhone,
				"helpline_hours": kText, "quick_exit_url": kLink, "banner": kText, "version": kNumber}, control: http.StatusSeeOther},

		"POST " + accounts.SetupPath: {as: access.Anonymous, path: accounts.SetupPath,
			fields: map[string]fieldKind{"token": kSlug, "password": kText, "confirm": kText}, control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, _ *user, f *hostileForm) {
				tok := a.inviteToken(t)
				f.page = accounts.SetupPath + "?token=" + url.QueryEscape(tok)
				f.set = url.Values{"password": {"a long enough new passphrase"}, "confirm": {"a long enough new passphrase"}}
			}},
		"POST /admin/users": {as: admin, page: "/admin/users/new", path: "/admin/users",
			set:     url.Values{"email": {"hostile.invite@example.org"}, "name": {"Hostile Invite"}, "role": {"housing_staff"}},
			fields:  map[string]fieldKind{"email": kEmail, "name": kName, "role": kChoice, "organisation": kNumber, "champion_entry": kNumber},
			control: http.StatusOK}, // the page showing the new person's set-up link, once
		"POST /admin/users/{id}": {as: admin, path: "/admin/users/{id}", set: url.Values{"role": {"champion"}},
			fields:  map[string]fieldKind{"role": kChoice, "organisation": kNumber, "champion_entry": kNumber, "version": kNumber},
			control: http.StatusSeeOther, prepare: userTarget("")},
		"POST /admin/users/{id}/deactivate": {as: admin, path: "/admin/users/{id}/deactivate", asks: true,
			fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther, prepare: userTarget("")},
		"POST /admin/users/{id}/reactivate": {as: admin, path: "/admin/users/{id}/reactivate",
			fields: map[string]fieldKind{"version": kNumber}, control: http.StatusSeeOther, prepare: userTarget(`UPDATE users SET active = false, version = version + 1 WHERE id = $1`)},
		"POST /admin/users/{id}/reset": {as: admin, path: "/admin/users/{id}/reset", control: http.StatusOK, prepare: userTarget("")},
		// Without confirm=1 it only asks; anything but 1 asks again.
		"POST /admin/users/{id}/sessions": {as: admin, path: "/admin/users/{id}/sessions", control: http.StatusOK,
			fields: map[string]fieldKind{"confirm": kChoice}, ignores: "any value but 1 only asks", prepare: userTarget("")},
		// Second factors: a code that is no code is refused, and wrong ones are counted as
		// failed sign-ins (so audited) and soon throttled. No hostile code is a right one.
		"POST /login/code": {as: access.Anonymous, path: "/login/code", fields: map[string]fieldKind{"code": kText},
			refused: []int{http.StatusUnauthorized, http.StatusUnprocessableEntity, http.StatusTooManyRequests},
			audits:  []string{"auth.sign_in_failed"},
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) {
				id, email := a.createUser(t, access.HousingStaff, "")
				archiveRow(t, a, `UPDATE users SET totp_secret = $2 WHERE id = $1`, id, hostileTOTPSecret)
				if res, _ := u.post(t, "/login", url.Values{"email": {email}, "password": {testPassword}}); res.Header.Get("Location") != "/login/code" {
					t.Fatalf("sign-in with a factor went to %q, not the code step", res.Header.Get("Location"))
				}
			}},
		"POST /account/two-factor": {as: staff, path: "/account/two-factor", fields: map[string]fieldKind{"code": kText},
			refused: []int{http.StatusUnprocessableEntity},
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) { mustGet(t, u, "/account/two-factor") }},
		"POST /account/two-factor/recovery-codes": {as: staff, path: "/account/two-factor/recovery-codes", fields: map[string]fieldKind{"code": kText},
			refused: []int{http.StatusUnprocessableEntity, http.StatusTooManyRequests}, audits: []string{"auth.sign_in_failed"},
			prepare: withFactor},
		"POST /account/two-factor/off": {as: staff, path: "/account/two-factor/off", fields: map[string]fieldKind{"code": kText},
			refused: []int{http.StatusUnprocessableEntity, http.StatusTooManyRequests}, audits: []string{"auth.sign_in_failed"},
			prepare: withFactor},
		"POST /admin/users/{id}/two-factor": {as: admin, path: "/admin/users/{id}/two-factor", control: http.StatusOK,
			fields: map[string]fieldKind{"confirm": kChoice}, ignores: "any value but 1 only asks",
			prepare: userTarget(`UPDATE users SET totp_secret = '` + hostileTOTPSecret + `' WHERE id = $1`)},
		// Its only input is confirm=1; signed in once, there is nothing to sign out: back to the page.
		"POST /account/security/sessions": {as: staff, path: "/account/security/sessions", set: url.Values{}, control: http.StatusSeeOther,
			fields: map[string]fieldKind{"junk": kText, "confirm": kChoice}, ignores: "it takes no input but confirm=1: it signs out the other sessions"},
		"POST /admin/audit/{id}/revert": {as: admin, page: "/admin/audit", path: "/admin/audit/{id}/revert", control: http.StatusSeeOther,
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) {
				// A change to revert: an agency's opening hours, through the admin's form.
				page := mustGet(t, u, adminAgency+"/edit")
				form, ok := scrapeForm(page, adminAgency+"/edit")
				if !ok {
					t.Fatal("no agency form")
				}
				form.Set("opening_hours", "Weekdays only")
				if status, body := u.postHostile(t, adminAgency+"/edit", form, false, nil); status != http.StatusSeeOther {
					t.Fatalf("agency edit: %d\n%.2000s", status, body)
				}
				var id int64
				if err := a.pool.QueryRow(context.Background(), `SELECT max(id) FROM audit_events WHERE action = 'agency.update'`).Scan(&id); err != nil {
					t.Fatal(err)
				}
				f.param = strconv.FormatInt(id, 10)
				f.path = strings.Replace(f.path, "{id}", f.param, 1)
				f.page = f.path // the form is on the page that asks first
			}},
		// The untouched import form has no file: asked again (422); a good file is accepted in
		// TestAdminExportAndImport.
		"POST /admin/import": {as: admin, page: "/admin/import", path: "/admin/import", multipart: true, files: true,
			control: http.StatusUnprocessableEntity},
		"POST /admin/import/apply": {as: admin, path: "/admin/import/apply", control: http.StatusSeeOther,
			fields: map[string]fieldKind{"token": kSlug, "fingerprint": kSlug},
			prepare: func(t *testing.T, a *app, u *user, f *hostileForm) {
				f.set = uploadChanged(t, a, u, "Changed by import.")
			}},
	}
}

// userTarget makes an account for the users routes to act on, changed by sql first when given.
// hostileTOTPSecret is a second factor's key for the catalogue's people (base32, 20 bytes).
const hostileTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// withFactor gives the catalogue's person a second factor.
func withFactor(t *testing.T, a *app, u *user, f *hostileForm) {
	archiveRow(t, a, `UPDATE users SET totp_secret = $2 WHERE id = $1`, u.ID, hostileTOTPSecret)
}

func userTarget(sql string) func(t *testing.T, a *app, u *user, f *hostileForm) {
	return func(t *testing.T, a *app, u *user, f *hostileForm) {
		id, _ := a.createUser(t, access.HousingStaff, "")
		if sql != "" {
			archiveRow(t, a, sql, id)
		}
		f.param = strconv.FormatInt(id, 10)
		f.page = "/admin/users/" + f.param
		f.path = strings.Replace(f.path, "{id}", f.param, 1)
	}
}

// inviteToken has an admin invite someone and returns the token of their set-up link.
func (a *app) inviteToken(t *testing.T) string {
	t.Helper()
	admin := a.quickSignIn(t, access.Admin, "")
	status, body := admin.postHostile(t, "/admin/users", url.Values{"email": {fmt.Sprintf("invitee%d@example.org", userSeq.Add(1))},
		"name": {"Invitee"}, "role": {"housing_staff"}}, false, nil)
	m := regexp.MustCompile(`token=([A-Za-z0-9_-]{20,})`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no set-up link after invite: %d\n%s", status, body)
	}
	return m[1]
}

func mustGet(t *testing.T, u *user, path string) string {
	t.Helper()
	resp, body := u.get(t, path)
	// A page that moves to another of ours first (a password link leaving the address bar).
	if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/") {
		resp, body = u.get(t, loc)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, body)
	}
	return body
}

func TestHostileCatalogueCoversEveryPost(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(noTwoFactor)
	if err != nil {
		t.Fatal(err)
	}
	// A database of its own, so the server starts as it does in production.
	srv, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), pgtest.New(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	catalogue := hostileCatalogue(hostileIDs{})
	var posts []string
	for _, r := range registeredRoutes(t, srv.routes()) {
		if strings.HasPrefix(r, "POST ") || strings.HasPrefix(r, "* ") {
			posts = append(posts, r)
			if _, ok := catalogue[r]; !ok {
				t.Errorf("%s takes a form but has no entry in the hostile-input catalogue: add one", r)
			}
		}
	}
	for k := range catalogue {
		if !slices.Contains(posts, k) {
			t.Errorf("hostile-input entry %s matches no POST route", k)
		}
	}
}

// hostileSend is one request of the catalogue and the statuses it may get.
type hostileSend struct {
	what string
	path string
	form url.Values
	file *upload
	want []int
}

func TestHostileInputIsRefusedAndNothingStored(t *testing.T) {
	t.Parallel()
	routes := slices.Sorted(func(yield func(string) bool) {
		for k := range hostileCatalogue(hostileIDs{}) {
			if !yield(k) {
				return
			}
		}
	})
	if only := os.Getenv("HOSTILE_ROUTE"); only != "" {
		routes = slices.DeleteFunc(routes, func(r string) bool { return !strings.Contains(r, only) })
	}
	for _, route := range routes {
		t.Run(strings.ReplaceAll(route, "/", "_"), func(t *testing.T) {
			t.Parallel()
			a := newApp(t)
			f := hostileCatalogue(hostileIDsOf(t, a))[route]
			runHostile(t, a, route, f)
		})
	}
}

func runHostile(t *testing.T, a *app, route string, f hostileForm) {
	var u *user
	switch f.as {
	case access.Anonymous:
		u = a.visitor() // a browser keeps cookies, such as a password link's

	case access.Champion:
		u = a.quickSignIn(t, f.as, "")
		archiveRow(t, a, `UPDATE users SET contact_id = (SELECT id FROM contacts WHERE kind = 'champion' ORDER BY id LIMIT 1) WHERE id = $1`, u.ID)
	default:
		u = a.quickSignIn(t, f.as, f.org)
	}
	if f.prepare != nil {
		f.prepare(t, a, u, &f)
	}
	base := url.Values{}
	if f.page != "" {
		page := mustGet(t, u, f.page)
		form, ok := scrapeForm(page, f.path)
		if !ok {
			t.Fatalf("%s has no form posting to %s", f.page, f.path)
		}
		base = form
	}
	if f.asks {
		status, body := u.postHostile(t, f.path, base, f.multipart, nil)
		form, ok := scrapeForm(body, f.path)
		if status != http.StatusOK || !ok {
			t.Fatalf("%s asks first: %d, form found %v\n%.1500s", f.path, status, ok, pageMain(body))
		}
		base = form
		base.Del("ask")
	}
	for k, v := range f.set {
		base[k] = v
	}
	if os.Getenv("HOSTILE_DEBUG") != "" {
		t.Logf("%s base form %v", route, base)
	}

	refused := append(slices.Clone(refusedStatuses), f.refused...)
	if f.ignores != "" {
		refused = []int{f.control}
	}
	var sends []hostileSend
	fields := slices.Sorted(func(yield func(string) bool) {
		for k := range f.fields {
			if !yield(k) {
				return
			}
		}
	})
	big := ""
	for _, field := range fields {
		kind := f.fields[field]
		if big == "" && (kind == kName || kind == kText) {
			big = field
		}
		for _, hv := range hostileValues[kind] {
			form := cloneValues(base)
			form.Set(field, hv.value)
			sends = append(sends, hostileSend{what: field + ": " + hv.what, path: f.path, form: form, want: refused})
		}
	}
	if big != "" {
		form := cloneValues(base)
		form.Set(big, strings.Repeat("y", 1_000_000))
		sends = append(sends, hostileSend{what: big + ": 1 000 000 characters", path: f.path, form: form, want: refused})
	}
	if f.files {
		for _, hf := range hostileFiles {
			form := cloneValues(base)
			form.Del("url") // the file is the resource's content
			sends = append(sends, hostileSend{what: "file: " + hf.what, path: f.path, form: form, file: &hf.file, want: refused})
		}
	}
	if f.param != "" {
		values := hostilePathIDs
		if f.slug {
			values = hostilePathSlugs
		}
		for _, v := range values {
			p := strings.Replace(f.path, "/"+f.param, "/"+v, 1)
			sends = append(sends, hostileSend{what: "path " + v, path: p, form: base, want: refusedStatuses})
		}
	}
	for _, p := range f.foreign {
		sends = append(sends, hostileSend{what: "another organisation's row " + p, path: p, form: base, want: []int{http.StatusNotFound}})
	}

	before := a.fingerprint(t, f.audits...)
	for _, s := range sends {
		status, body := u.postHostile(t, s.path, s.form, f.multipart, s.file)
		if !slices.Contains(s.want, status) {
			t.Errorf("%s, %s: status %d, want one of %v\n%.600s", route, s.what, status, s.want, body)
		}
		if status == http.StatusUnprocessableEntity && !strings.Contains(body, "There is a problem") {
			t.Errorf("%s, %s: 422 without the error summary", route, s.what)
		}
	}
	if changed := changedTables(before, a.fingerprint(t, f.audits...)); len(changed) > 0 {
		t.Errorf("%s: hostile input stored: tables %v changed", route, changed)
	}
	if strings.Contains(a.log.String(), `"level":"ERROR"`) {
		t.Errorf("%s: a request failed with an error logged:\n%.2000s", route, a.log.String())
	}
	if f.control != 0 {
		status, body := u.postHostile(t, f.path, base, f.multipart, nil)
		if status != f.control {
			t.Errorf("%s: the untouched form %v got %d, want %d, so the refusals prove nothing\n%.1500s", route, base, status, f.control, pageMain(body))
		}
	}
}

// pageMain is the part of a page after its header, where its errors are.
func pageMain(body string) string {
	if i := strings.Index(body, `class="error-summary"`); i >= 0 {
		return body[i:]
	}
	if i := strings.Index(body, `id="main"`); i >= 0 {
		return body[i:]
	}
	return body
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// synonymTarget points an entry at the seeded synonym set of stalking: its form is on the
// page /admin/synonyms/{id}/<action> (the edit form, or the page asking to confirm a removal).
func synonymTarget(action string) func(t *testing.T, a *app, _ *user, f *hostileForm) {
	return func(t *testing.T, a *app, _ *user, f *hostileForm) {
		t.Helper()
		var id int64
		if err := a.pool.QueryRow(context.Background(), `SELECT id FROM synonym_sets WHERE 'stalking' = ANY(phrases)`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		f.param = strconv.FormatInt(id, 10)
		f.page = "/admin/synonyms/" + f.param + "/" + action
		f.path = strings.Replace(f.path, "{id}", f.param, 1)
	}
}

// hostileSlot adds a consultation session with a slot a week ahead, returning their ids.
func hostileSlot(t *testing.T, a *app) (int64, int64) {
	t.Helper()
	var session, slot int64
	ctx := context.Background()
	if err := a.pool.QueryRow(ctx, `INSERT INTO consultation_sessions (kind, title) VALUES ('consultation', 'Hostile consultation') RETURNING id`).Scan(&session); err != nil {
		t.Fatal(err)
	}
	if err := a.pool.QueryRow(ctx, `INSERT INTO consultation_slots (session_id, starts_at, minutes, practitioner)
		VALUES ($1, now() + interval '7 days', 45, 'Dana Example') RETURNING id`, session).Scan(&slot); err != nil {
		t.Fatal(err)
	}
	return session, slot
}

// slotTarget makes a slot for a staff form: the page holding the form (with {id} for the
// slot), and, when book is set, the slot booked by the user first (to be given up).
func slotTarget(page, _ string, book bool) func(t *testing.T, a *app, u *user, f *hostileForm) {
	return func(t *testing.T, a *app, u *user, f *hostileForm) {
		t.Helper()
		_, slot := hostileSlot(t, a)
		f.param = strconv.FormatInt(slot, 10)
		f.path = strings.Replace(f.path, "{id}", f.param, 1)
		f.page = strings.Replace(page, "{id}", f.param, 1)
		if book {
			if status, body := u.postHostile(t, "/training/slots/"+f.param+"/book", url.Values{}, false, nil); status != http.StatusSeeOther {
				t.Fatalf("book: %d\n%s", status, body)
			}
		}
	}
}

// adminSlotTarget makes a session and slot for the admin's forms: adding a slot to the
// session, or (slot set) changing the slot.
func adminSlotTarget(slot bool) func(t *testing.T, a *app, u *user, f *hostileForm) {
	return func(t *testing.T, a *app, u *user, f *hostileForm) {
		t.Helper()
		session, id := hostileSlot(t, a)
		f.param = strconv.FormatInt(session, 10)
		f.page = "/admin/training/consultations/" + f.param
		if slot {
			f.param = strconv.FormatInt(id, 10)
			f.page = "/admin/training/slots/" + f.param
		}
		f.path = strings.Replace(f.path, "{id}", f.param, 1)
	}
}
