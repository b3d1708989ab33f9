package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
)

var userSeq atomic.Int64

// user is a signed-in test user with their own cookie jar.
type user struct {
	ID     int64
	Email  string
	Client *http.Client
	app    *app
}

const testPassword = "a long enough test passphrase"

// createUser adds an account with the given role (and organisation slug for RSL officers).
func (a *app) createUser(t *testing.T, role access.Role, org string) (id int64, email string) {
	t.Helper()
	email = fmt.Sprintf("user%d@example.org", userSeq.Add(1))
	id, err := accounts.Create(context.Background(), a.pool, accounts.NewUser{
		Email: email, Name: "Test " + string(role), Role: role, OrgSlug: org, Password: testPassword,
	}, accounts.HashParams{MemoryKiB: 19456, Time: 2, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	return id, email
}

// signIn creates a user and signs them in through the real form.
func (a *app) signIn(t *testing.T, role access.Role, org string) *user {
	t.Helper()
	id, email := a.createUser(t, role, org)
	u := &user{ID: id, Email: email, app: a}
	jar, _ := cookiejar.New(nil)
	u.Client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, body := u.post(t, "/login", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d\n%s", role, resp.StatusCode, body)
	}
	return u
}

func (u *user) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	resp, err := u.Client.Get(u.app.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// post sends a form as a same-origin browser would.
func (u *user) post(t *testing.T, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u.app.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := u.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// noTwoFactor is an empty environment but for MFA_REQUIRED_ROLES=none: tests of other things
// sign in with a password alone (two_factor_test.go asks the default of its own).
func noTwoFactor(k string) string {
	if k == "MFA_REQUIRED_ROLES" {
		return "none"
	}
	return ""
}
