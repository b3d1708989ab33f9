package server

import (
	"context"
	"encoding/hex"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
)

// setupLink finds the one-time link on the page an admin sees after inviting or resetting:
// on the configured public address (BASE_URL, 127.0.0.1:8080 in tests), with its token.
var setupLink = regexp.MustCompile(`value="http://127\.0\.0\.1:8080/account/setup\?token=([A-Za-z0-9_-]{43})"`)

func linkToken(t *testing.T, body string) string {
	t.Helper()
	m := setupLink.FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("want one setup link on the page, found %d\n%s", len(m), body)
	}
	return m[0][1]
}

// invite has admin invite a new account through the form and returns its id and link token.
func invite(t *testing.T, admin *user, email string, role access.Role) (int64, string) {
	t.Helper()
	resp, body := admin.post(t, "/admin/users", url.Values{"name": {"Pat Newcomer"}, "email": {email}, "role": {string(role)}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invite: status %d\n%s", resp.StatusCode, body)
	}
	var id int64
	if err := admin.app.pool.QueryRow(context.Background(), `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id, linkToken(t, body)
}

// openLink opens a password link as a browser does: the token leaves the address bar at once
// (a redirect, the token kept in a cookie for the setup page only), then the page shows.
func (u *user) openLink(t *testing.T, token string) (*http.Response, string) {
	t.Helper()
	resp, body := u.get(t, "/account/setup?token="+url.QueryEscape(token))
	if resp.StatusCode != http.StatusSeeOther {
		return resp, body // not a token at all: answered at once
	}
	if loc := resp.Header.Get("Location"); loc != "/account/setup" {
		t.Fatalf("opening a link redirects to %q, want /account/setup without the token", loc)
	}
	c := resp.Header.Get("Set-Cookie")
	if !strings.HasPrefix(c, "setup_token=") || !strings.Contains(c, "Path=/account/setup") || !strings.Contains(c, "HttpOnly") {
		t.Fatalf("the token's cookie: %q", c)
	}
	return u.get(t, "/account/setup")
}

// visitor is a browser with a cookie jar that has not signed in.
func (a *app) visitor() *user {
	jar, _ := cookiejar.New(nil)
	return &user{app: a, Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// tokenNowhere checks the plain token is in no table (as text, or as bytes) and no log line.
func (a *app) tokenNowhere(t *testing.T, token string) {
	t.Helper()
	ctx := context.Background()
	rows, err := a.pool.Query(ctx, `SELECT quote_ident(table_name) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, tbl := range tables {
		var n int
		err := a.pool.QueryRow(ctx, `SELECT count(*) FROM `+tbl+` x WHERE strpos(x::text, $1) > 0 OR strpos(x::text, $2) > 0`,
			token, hex.EncodeToString([]byte(token))).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Errorf("table %s holds the plain token", tbl)
		}
	}
	if strings.Contains(a.log.String(), token) || strings.Contains(a.log.String(), token[:20]) {
		t.Error("the token is in the logs")
	}
}

func TestInvitationLinkSetsThePasswordOnceAndSignsIn(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")

	resp, body := admin.get(t, "/admin/users/new")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invite form: %d", resp.StatusCode)
	}
	mustContain(t, "invite form", body, `name="email"`, `name="name"`, `name="role"`, `name="organisation"`, `name="champion_entry"`)
	resp, body = admin.post(t, "/admin/users", url.Values{"name": {"Pat"}, "email": {"not-an-address"}, "role": {"rsl_officer"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad invite: %d", resp.StatusCode)
	}
	mustContain(t, "bad invite", body, "There is a problem", `href="#email"`, `href="#organisation"`, `value="not-an-address"`, `value="Pat"`)

	id, token := invite(t, admin, "pat.newcomer@example.org", access.HousingStaff)
	_, body = admin.get(t, "/admin/users/"+strconv.FormatInt(id, 10))
	mustContain(t, "account page", body, "Invited: has not set a password yet", "A password link works until")
	mustNotContain(t, "account page", body, token)

	// The person opens the link: no cookie until they are signed in.
	pat := a.visitor()
	resp, body = pat.openLink(t, token)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("setup page: %d, cookie %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	mustContain(t, "setup page", body, "Set up your account", "pat.newcomer@example.org", `name="token" value="`+token+`"`,
		`autocomplete="new-password"`)

	// Refused passwords keep the link and never come back in the page.
	for _, c := range []struct{ pw, confirm, field string }{
		{"short", "short", "password"},
		{"", "", "password"},
		{"a long enough new passphrase", "a long enough new passphrasE", "confirm"},
		{"password1234", "password1234", "password"},
	} {
		resp, body = pat.post(t, "/account/setup", url.Values{"token": {token}, "password": {c.pw}, "confirm": {c.confirm}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%q: status %d", c.pw, resp.StatusCode)
		}
		mustContain(t, "refused password", body, `href="#`+c.field+`"`)
		if c.pw != "" {
			mustNotContain(t, "refused password", body, `value="`+c.pw+`"`)
		}
	}

	resp, _ = pat.post(t, "/account/setup", url.Values{"token": {token}, "password": {"a long enough new passphrase"},
		"confirm": {"a long enough new passphrase"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("set password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = pat.get(t, "/")
	mustContain(t, "home after setup", body, "Pat Newcomer", "Sign out")

	// Once only: the link is gone, for looking and for using.
	other := a.visitor()
	for _, send := range []func() (*http.Response, string){
		func() (*http.Response, string) { return other.openLink(t, token) },
		func() (*http.Response, string) {
			return other.post(t, "/account/setup", url.Values{"token": {token}, "password": {"a takeover passphrase"}, "confirm": {"a takeover passphrase"}})
		},
	} {
		resp, body := send()
		if resp.StatusCode != http.StatusGone {
			t.Errorf("used link: status %d", resp.StatusCode)
		}
		mustContain(t, "used link", body, "Ask an administrator for a new link")
	}
	// And the password works through the real sign-in form.
	fresh := a.visitor()
	if resp, _ := fresh.post(t, "/login", url.Values{"email": {"pat.newcomer@example.org"}, "password": {"a long enough new passphrase"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the new password: %d", resp.StatusCode)
	}
	a.tokenNowhere(t, token)
}

func TestExpiredUnknownAndReplacedLinks(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	admin := a.signIn(t, access.Admin, "")
	id, token := invite(t, admin, "late.comer@example.org", access.Champion)
	if _, err := a.pool.Exec(context.Background(), `UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	v := a.visitor()
	if resp, body := v.openLink(t, token); resp.StatusCode != http.StatusGone || !strings.Contains(body, "expired") {
		t.Errorf("expired link: %d", resp.StatusCode)
	}
	resp, _ := v.post(t, "/account/setup", url.Values{"token": {token}, "password": {"a long enough new passphrase"}, "confirm": {"a long enough new passphrase"}})
	if resp.StatusCode != http.StatusGone {
		t.Errorf("expired link used: %d", resp.StatusCode)
	}
	for _, q := range []string{"", "?token=", "?token=abc", "?token=" + strings.Repeat("x", 43), "?token=" + token[:42]} {
		resp, body := a.visitor().get(t, "/account/setup"+q)
		if resp.StatusCode == http.StatusSeeOther { // a plausible token: its page is next
			resp, body = a.visitor().openLink(t, strings.TrimPrefix(q, "?token="))
		}
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Ask an administrator for a new link") {
			t.Errorf("%q: status %d", q, resp.StatusCode)
		}
	}

	// A reset link replaces the older one; only the newest works.
	path := "/admin/users/" + strconv.FormatInt(id, 10) + "/reset"
	resp, body := admin.post(t, path, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	first := linkToken(t, body)
	_, body = admin.post(t, path, nil)
	second := linkToken(t, body)
	if resp, _ := a.visitor().openLink(t, first); resp.StatusCode != http.StatusGone {
		t.Errorf("replaced link: %d", resp.StatusCode)
	}
	if resp, _ := a.visitor().openLink(t, second); resp.StatusCode != http.StatusOK {
		t.Errorf("newest link: %d", resp.StatusCode)
	}
	for _, tok := range []string{token, first, second} {
		a.tokenNowhere(t, tok)
	}
}
