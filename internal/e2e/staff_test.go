package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
)

// staffPassword is every browser-test account's passphrase: long enough, not a common one.
const staffPassword = "a long enough browser test passphrase"

var userSeq atomic.Int64

// createUser adds an account with the given role (org is the agency slug of an RSL officer)
// and returns its email address and id.
func (a app) createUser(t *testing.T, role access.Role, org string) (string, int64) {
	t.Helper()
	email := fmt.Sprintf("e2e-%d-%s@example.org", userSeq.Add(1), strings.ReplaceAll(string(role), "_", "-"))
	id, err := accounts.Create(t.Context(), a.pool, accounts.NewUser{
		Email: email, Name: "Browser Test " + string(role), Role: role, OrgSlug: org, Password: staffPassword,
	}, accounts.DefaultHashParams)
	if err != nil {
		t.Fatalf("create %s: %v", role, err)
	}
	return email, id
}

// linkChampion makes the user the keeper of the champion entry with this role title, as an
// administrator would.
func (a app) linkChampion(t *testing.T, userID int64, roleTitle string) {
	t.Helper()
	tag, err := a.pool.Exec(t.Context(), `UPDATE users SET contact_id =
		(SELECT id FROM contacts WHERE role_title = $2 AND archived_at IS NULL ORDER BY id LIMIT 1) WHERE id = $1`,
		userID, roleTitle)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("link champion %d to %q: %v (%d rows)", userID, roleTitle, err, tag.RowsAffected())
	}
}

// signInAs creates an account with the role and signs it in through the form, in the tab.
func (a app) signInAs(t *testing.T, ctx context.Context, role access.Role, org string) int64 {
	t.Helper()
	email, id := a.createUser(t, role, org)
	if role == access.Champion {
		a.linkChampion(t, id, "Housing Domestic Abuse Champion – Motherwell")
	}
	signIn(t, ctx, a, email)
	return id
}

// signIn opens /login, types the email and password into the real form and presses its
// button; it fails the test unless that lands on the home page, signed in.
func signIn(t *testing.T, ctx context.Context, a app, email string) {
	t.Helper()
	if got := open(t, ctx, a.URL+"/login"); got != 200 {
		t.Fatalf("/login: status %d", got)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), staffPassword),
	)
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`))); got != 200 {
		t.Fatalf("sign in as %s: the page after signing in has status %d (%s)", email, got, location(t, ctx))
	}
	if got := location(t, ctx); got != a.URL+"/" {
		t.Fatalf("sign in as %s: landed on %s, want the home page", email, got)
	}
	if !signedIn(t, ctx) {
		t.Fatalf("sign in as %s: the home page has no Sign out button", email)
	}
}

// signedIn says whether the page's header offers "Sign out".
func signedIn(t *testing.T, ctx context.Context) bool {
	t.Helper()
	return eval[bool](t, ctx, `[...document.querySelectorAll('header form[action="/logout"] button')]
		.some(b => b.textContent.trim() === "Sign out")`)
}

// submitForm runs the action that submits a form (a click or a key press), waits for the page
// it leads to and returns that page's HTTP status (after any redirect).
func submitForm(t *testing.T, ctx context.Context, action chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	if resp == nil {
		t.Fatal("submit: no page was loaded")
	}
	return resp.Status
}

// text is the trimmed text of the first element matching a CSS selector, "" when none does.
func text(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	return eval[string](t, ctx, `document.querySelector(`+jsString(selector)+`)?.textContent.trim().replace(/\s+/g, " ") ?? ""`)
}

// sessionCookie is the tab's session cookie for the application.
func sessionCookie(t *testing.T, ctx context.Context, a app) *network.Cookie {
	t.Helper()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{a.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	var found *network.Cookie
	for _, c := range res.Cookies {
		if c.Name == "session" || c.Name == "__Host-session" {
			if found != nil {
				t.Fatalf("two session cookies: %s and %s", found.Name, c.Name)
			}
			found = c
		}
	}
	return found
}

// setCookie gives the tab a copy of c for the application.
func setCookie(t *testing.T, ctx context.Context, a app, c *network.Cookie) {
	t.Helper()
	httpOnly, secure := c.HTTPOnly, c.Secure
	_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
		Name: c.Name, Value: c.Value, URL: a.URL + "/", Path: c.Path,
		HTTPOnly: &httpOnly, Secure: &secure, SameSite: c.SameSite,
	})
	if err != nil {
		t.Fatalf("set cookie %s: %v", c.Name, err)
	}
}

// TestRSLOfficerJourney: an RSL officer signs in through the form, changes their
// organisation's summary and the public sees it; another organisation's contact is a 404 to
// them; after they sign out, a copy of their session cookie no longer works.
func TestRSLOfficerJourney(t *testing.T) {
	const org = "clyde-valley-housing-association"
	ctx := newTab(t)
	a := newApp(t)
	email, _ := a.createUser(t, access.RSLOfficer, org)

	signIn(t, ctx, a, email)
	if h1 := text(t, ctx, "main h1"); h1 != "Your organisation" {
		t.Errorf("the officer's home page heading is %q, want %q", h1, "Your organisation")
	}
	if !eval[bool](t, ctx, `!!document.querySelector('main a[href="/my/organisation"]')`) {
		t.Error("the officer's home page has no link to /my/organisation")
	}

	// Change the summary by typing, and save with the form's own button.
	if got := open(t, ctx, a.URL+"/my/organisation"); got != 200 {
		t.Fatalf("/my/organisation: status %d", got)
	}
	summary := fmt.Sprintf("Browser test %d: tenants can ask for a home safety visit and new locks.", time.Now().UnixNano())
	do(t, ctx, chromedp.Clear(chromedp.ID("summary")), chromedp.SendKeys(chromedp.ID("summary"), summary))
	if got := eval[string](t, ctx, `document.getElementById("summary").value`); got != summary {
		t.Fatalf("the summary box holds %q after typing, want %q", got, summary)
	}
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/my/organisation"] button[type="submit"]`))); got != 200 {
		t.Fatalf("saving the details: status %d on %s\n%s", got, location(t, ctx), text(t, ctx, ".error-summary"))
	}
	if got := location(t, ctx); got != a.URL+"/my/organisation" {
		t.Errorf("after saving the page is %s, want /my/organisation", got)
	}
	if msg := text(t, ctx, ".flash"); msg == "" {
		t.Error("no message says the details were saved")
	} else {
		t.Logf("after saving: %q", msg)
	}
	if got := eval[string](t, ctx, `document.getElementById("summary").value`); got != summary {
		t.Errorf("after saving the summary box holds %q, want %q", got, summary)
	}

	// Someone who is not signed in, in a browser context of their own, sees the new summary.
	anon := newTab(t)
	if got := open(t, anon, a.URL+"/agencies/"+org); got != 200 {
		t.Fatalf("/agencies/%s for the public: status %d", org, got)
	}
	if got := text(t, anon, "main .lead"); got != summary {
		t.Errorf("the public page's summary is %q, want %q", got, summary)
	}
	if signedIn(t, anon) {
		t.Error("the anonymous tab is signed in: it shares the officer's cookies")
	}

	// Their own contact opens; another organisation's contact is "Page not found".
	var ownID, otherID int64
	if err := a.pool.QueryRow(t.Context(), `SELECT c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE a.slug = $1 AND c.archived_at IS NULL ORDER BY c.id LIMIT 1`, org).Scan(&ownID); err != nil {
		t.Fatal(err)
	}
	if err := a.pool.QueryRow(t.Context(), `SELECT c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE a.slug = 'link-group' AND c.archived_at IS NULL ORDER BY c.id LIMIT 1`).Scan(&otherID); err != nil {
		t.Fatal(err)
	}
	if got := open(t, ctx, fmt.Sprintf("%s/my/organisation/contacts/%d", a.URL, ownID)); got != 200 {
		t.Errorf("their own contact %d: status %d, want 200", ownID, got)
	}
	if got := open(t, ctx, fmt.Sprintf("%s/my/organisation/contacts/%d", a.URL, otherID)); got != 404 {
		t.Errorf("Link Group's contact %d: status %d, want 404", otherID, got)
	}
	if h1 := text(t, ctx, "main h1"); h1 != "Page not found" {
		t.Errorf("Link Group's contact %d: heading %q, want %q", otherID, h1, "Page not found")
	}
	if body := eval[string](t, ctx, `document.body.innerText`); strings.Contains(body, "Link Group") {
		t.Errorf("the 404 page names the other organisation:\n%s", body)
	}

	// Copy the session cookie; the copy works while the officer is signed in.
	cookie := sessionCookie(t, ctx, a)
	if cookie == nil {
		t.Fatal("no session cookie after signing in")
	}
	if !cookie.HTTPOnly || cookie.SameSite != network.CookieSameSiteLax {
		t.Errorf("session cookie HttpOnly=%v SameSite=%q, want HttpOnly and Lax", cookie.HTTPOnly, cookie.SameSite)
	}
	copied := newTab(t)
	setCookie(t, copied, a, cookie)
	if got := open(t, copied, a.URL+"/my/organisation"); got != 200 || location(t, copied) != a.URL+"/my/organisation" {
		t.Fatalf("with the copied cookie before signing out: status %d at %s, want the organisation page (else the test below proves nothing)",
			got, location(t, copied))
	}

	// Sign out with the header's button.
	open(t, ctx, a.URL+"/my/organisation")
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`header form[action="/logout"] button[type="submit"]`))); got != 200 {
		t.Errorf("after signing out: status %d", got)
	}
	if got := location(t, ctx); got != a.URL+"/" {
		t.Errorf("after signing out the page is %s, want the home page", got)
	}
	if signedIn(t, ctx) {
		t.Error("the page after signing out still offers Sign out")
	}
	if c := sessionCookie(t, ctx, a); c != nil {
		t.Errorf("the browser still holds the session cookie after signing out: %s=%s…", c.Name, c.Value[:min(6, len(c.Value))])
	}

	// In a fresh browser context, the old cookie gets the sign-in page, not the organisation.
	late := newTab(t)
	setCookie(t, late, a, cookie)
	open(t, late, a.URL+"/my/organisation")
	got, err := url.Parse(location(t, late))
	if err != nil {
		t.Fatal(err)
	}
	if got.Path != "/login" || got.Query().Get("next") != "/my/organisation" {
		t.Errorf("with the old cookie after signing out /my/organisation went to %s, want /login?next=/my/organisation", got)
	}
	if h1 := text(t, late, "main h1"); h1 != "Sign in" {
		t.Errorf("with the old cookie after signing out the heading is %q, want Sign in", h1)
	}

	// Signing in again from there, over the dead cookie, goes on to the page asked for.
	do(t, late,
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), staffPassword),
	)
	if got := submitForm(t, late, chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`))); got != 200 {
		t.Errorf("signing in again: status %d", got)
	}
	if got := location(t, late); got != a.URL+"/my/organisation" {
		t.Errorf("signing in again led to %s, want /my/organisation (the next page asked for)", got)
	}
	if fresh := sessionCookie(t, late, a); fresh == nil || fresh.Value == cookie.Value {
		t.Error("signing in again did not give a new session token")
	}
}

// TestSignInByKeyboard: the sign-in form can be completed with the keyboard alone, and focus
// starts at the top of the page it leads to.
func TestSignInByKeyboard(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	email, _ := a.createUser(t, access.HousingStaff, "")
	open(t, ctx, a.URL+"/login")

	tabs := 0
	for eval[string](t, ctx, `document.activeElement.id`) != "email" {
		if tabs++; tabs > 40 {
			t.Fatal("40 presses of Tab never reached the email box")
		}
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	t.Logf("the email box is Tab number %d", tabs)
	do(t, ctx, chromedp.KeyEvent(email), chromedp.KeyEvent(kb.Tab))
	if got := eval[string](t, ctx, `document.activeElement.id`); got != "password" {
		t.Fatalf("Tab from the email box focused %q, want the password box", got)
	}
	do(t, ctx, chromedp.KeyEvent(staffPassword))
	if got := submitForm(t, ctx, chromedp.KeyEvent(kb.Enter)); got != 200 {
		t.Fatalf("Enter in the password box: status %d on %s", got, location(t, ctx))
	}
	if got := location(t, ctx); got != a.URL+"/" {
		t.Fatalf("after Enter the page is %s, want the home page", got)
	}
	if !signedIn(t, ctx) {
		t.Fatal("after Enter the home page is not signed in")
	}
	// A new page: focus is on the document itself, so the next Tab reaches the skip link.
	if got := eval[string](t, ctx, `document.activeElement.tagName`); got != "BODY" {
		t.Errorf("focus after signing in is on %s, want the page itself (BODY)", got)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Tab))
	if got := eval[string](t, ctx, `document.activeElement.textContent.trim()`); got != "Skip to main content" {
		t.Errorf("first Tab after signing in focused %q, want the skip link", got)
	}
}

// TestFailedSignInByKeyboard: a wrong password typed with the keyboard gets the error summary,
// the email kept, and a link that takes focus to the email box.
func TestFailedSignInByKeyboard(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	email, _ := a.createUser(t, access.HousingStaff, "")
	open(t, ctx, a.URL+"/login")
	do(t, ctx, chromedp.Focus(chromedp.ID("email")), chromedp.KeyEvent(email), chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent("not the right passphrase"))
	if got := submitForm(t, ctx, chromedp.KeyEvent(kb.Enter)); got != 401 {
		t.Errorf("a wrong password: status %d, want 401", got)
	}
	if got := eval[string](t, ctx, `document.getElementById("email").value`); got != email {
		t.Errorf("the email box holds %q after a failed sign-in, want %q", got, email)
	}
	if got := eval[string](t, ctx, `document.getElementById("password").value`); got != "" {
		t.Error("the password was sent back into the form")
	}
	// The GOV.UK pattern: the page comes back with focus on the error summary, so a screen
	// reader reads the problems first and the next Tab reaches their links. The browser may
	// apply autofocus a moment after the load event, so allow it a moment.
	focused := func() string {
		return eval[string](t, ctx, `document.activeElement.tagName + "." + document.activeElement.className`)
	}
	got := focused()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(got, "error-summary") && time.Now().Before(deadline); got = focused() {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(got, "error-summary") {
		t.Errorf("focus after the failed sign-in is on %s, want the error summary", got)
	}
	if first := eval[string](t, ctx, `document.querySelector("main").firstElementChild?.className ?? ""`); !strings.Contains(first, "error-summary") {
		t.Errorf("the first thing in main is %q, want the error summary", first)
	}
	// Follow the summary's link with Enter: focus goes to the email box.
	if !eval[bool](t, ctx, `!!document.querySelector('.error-summary a[href="#email"]')`) {
		t.Fatal("the error summary has no link to the email box")
	}
	do(t, ctx, chromedp.Focus(chromedp.CSS(`.error-summary a[href="#email"]`)))
	linkEnter(t, ctx)
	if got := eval[string](t, ctx, `document.activeElement?.id ?? ""`); got != "email" {
		t.Errorf("Enter on the summary's link focused %q, want the email box", got)
	}
}

// linkEnter presses Enter on the focused link. It sends the key down and up without the
// character event that chromedp.KeyEvent adds: a link follows itself on key down, and a real
// browser then drops the character, while a separate CDP character event would reach the
// element the link moved focus to (and submit its form).
func linkEnter(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
		}); err != nil {
			t.Fatalf("Enter: %v", err)
		}
	}
}
