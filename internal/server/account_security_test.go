package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// A person sees where they are signed in and ends the other sessions; an admin ends all of
// someone's, after being asked (issue 14).
func TestSessionsListedAndEnded(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	id, email := a.createUser(t, access.HousingStaff, "")
	signInAs := func(agent string) *user {
		t.Helper()
		u := a.visitor()
		u.ID, u.Email = id, email
		req, _ := http.NewRequest(http.MethodPost, a.url+"/login", strings.NewReader(url.Values{"email": {email}, "password": {testPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("User-Agent", agent)
		resp, err := u.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: %d", resp.StatusCode)
		}
		return u
	}
	laptop := signInAs("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
	phone := signInAs("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1")

	_, body := laptop.get(t, "/account/security")
	mustContain(t, "security page", body, "Chrome on Windows", "Safari on iPhone", "(this device)", "Sign out everywhere else")
	mustNotContain(t, "security page", body, "Mozilla/5.0")
	// The button leads to a question naming the other device; asking changes nothing.
	resp, body := laptop.get(t, "/account/security/sessions")
	wantStatus(t, "ask", resp, body, http.StatusOK)
	mustContain(t, "ask", body, "Sign out everywhere else?", "Safari on iPhone", "1 other device", "cannot be undone", `name="confirm" value="1"`)
	mustNotContain(t, "ask", body, "Chrome on Windows")
	resp, body = laptop.post(t, "/account/security/sessions", url.Values{})
	wantStatus(t, "unconfirmed", resp, body, http.StatusOK)
	if _, body := phone.get(t, "/"); !strings.Contains(body, "Sign out") {
		t.Fatal("asking signed the phone out")
	}
	resp, body = laptop.post(t, "/account/security/sessions", url.Values{"confirm": {"1"}})
	wantStatus(t, "end others", resp, body, http.StatusSeeOther)
	if _, body := laptop.get(t, "/account/security"); !strings.Contains(body, "One other session ended") {
		t.Error("the result does not say what was done")
	}
	if _, body := phone.get(t, "/"); strings.Contains(body, "Sign out") {
		t.Error("the phone's session still works after signing out everywhere else")
	}
	if _, body := laptop.get(t, "/"); !strings.Contains(body, "Sign out") {
		t.Error("this device was signed out too")
	}

	// An admin asks first, then signs the person out everywhere.
	admin := a.signIn(t, access.Admin, "")
	path := "/admin/users/" + itoa64(id) + "/sessions"
	resp, body = admin.post(t, path, url.Values{})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "out everywhere?") || !strings.Contains(body, email) {
		t.Fatalf("ask: %d", resp.StatusCode)
	}
	if _, body := laptop.get(t, "/"); !strings.Contains(body, "Sign out") {
		t.Fatal("asking signed the person out")
	}
	if resp, _ := admin.post(t, path, url.Values{"confirm": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	if _, body := laptop.get(t, "/"); strings.Contains(body, "Sign out") {
		t.Error("still signed in after an admin signed the person out everywhere")
	}
	_, body = admin.get(t, "/admin/users/"+itoa64(id))
	mustContain(t, "admin's page after", body, "is signed out everywhere (1 session ended)")
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
