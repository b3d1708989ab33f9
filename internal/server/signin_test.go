package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/config"
)

// startAppWith starts the app over pool with settings from env (the rest default).
func startAppWith(t *testing.T, pool *pgxpool.Pool, env map[string]string) *app {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return noTwoFactor(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	return startAppConfig(t, pool, cfg)
}

// startAppConfig starts the app with cfg as it is (for settings no variable sets, like Dev).
func startAppConfig(t *testing.T, pool *pgxpool.Pool, cfg config.Config) *app {
	t.Helper()
	logs := &syncBuffer{}
	srv, err := New(cfg, slog.New(slog.NewJSONHandler(logs, nil)), pool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close) // after the test server closes, before the database is dropped
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &app{url: ts.URL, pool: pool, log: logs, srv: srv}
}

// postLogin sends the sign-in form as a same-origin browser would, with extra headers and an
// optional session cookie; it returns the response (body read) and its body.
func (a *app) postLogin(t *testing.T, form url.Values, cookie *http.Cookie, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.url+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := anonymousClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func creds(email, password string) url.Values {
	return url.Values{"email": {email}, "password": {password}}
}

// sessionCookie is the session cookie a response sets, or nil.
func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "session" || c.Name == "__Host-session" {
			return c
		}
	}
	return nil
}

// getWith requests path as a fresh client carrying only cookie: a copied cookie replayed.
func (a *app) getWith(t *testing.T, path string, cookie *http.Cookie) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.url+path, nil)
	req.AddCookie(cookie)
	resp, err := anonymousClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

var errorSummary = regexp.MustCompile(`(?s)<ul class="error-summary__list">.*?</ul>`)

func TestSignInSetsAStrictCookie(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, email := a.createUser(t, access.HousingStaff, "")
	resp, _ := a.postLogin(t, creds(email, testPassword), nil, nil)
	c := sessionCookie(resp)
	if resp.StatusCode != http.StatusSeeOther || c == nil {
		t.Fatalf("sign in: %d, cookie %v", resp.StatusCode, c)
	}
	if c.Name != "session" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Errorf("cookie over http: %s", resp.Header.Get("Set-Cookie"))
	}
	if c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("cookie outlives the browser: %s", resp.Header.Get("Set-Cookie"))
	}

	// Served over https: Secure, and the __Host- prefix (Path=/, no Domain).
	s := startAppWith(t, a.pool, map[string]string{"BASE_URL": "https://da.example.gov.uk"})
	resp, _ = s.postLogin(t, creds(email, testPassword), nil, nil)
	c = sessionCookie(resp)
	if resp.StatusCode != http.StatusSeeOther || c == nil {
		t.Fatalf("sign in over https: %d, cookie %v", resp.StatusCode, c)
	}
	if c.Name != "__Host-session" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
		t.Errorf("cookie over https: %s", resp.Header.Get("Set-Cookie"))
	}
}

func TestSignInRenewsTheToken(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, email := a.createUser(t, access.Admin, "")
	// A token planted before sign-in (session fixation) is not the one after.
	planted := &http.Cookie{Name: "session", Value: "planted-by-someone-else-0123456789abcdef"}
	resp, _ := a.postLogin(t, creds(email, testPassword), planted, nil)
	first := sessionCookie(resp)
	if first == nil || first.Value == planted.Value {
		t.Fatalf("planted token kept: %v", first)
	}
	// Signing in again on a live session gives a new token, and the old one stops working.
	resp, _ = a.postLogin(t, creds(email, testPassword), first, nil)
	second := sessionCookie(resp)
	if second == nil || second.Value == first.Value {
		t.Fatalf("token not renewed at sign-in: %v", second)
	}
	if status, _ := a.getWith(t, "/admin/audit", second); status != http.StatusOK {
		t.Errorf("new token: %d", status)
	}
	if status, loc := a.getWith(t, "/admin/audit", first); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
		t.Errorf("old token still works: %d %s", status, loc)
	}
}

func TestSignOutEndsTheSessionEverywhere(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, tc := range []struct {
		role access.Role
		org  string
		path string
	}{{access.Admin, "", "/admin/audit"}, {access.RSLOfficer, "clyde-valley-housing-association", "/my/organisation"}} {
		u := a.signIn(t, tc.role, tc.org)
		base, _ := url.Parse(a.url)
		cookies := u.Client.Jar.Cookies(base)
		if len(cookies) != 1 {
			t.Fatalf("%s: cookies %v", tc.role, cookies)
		}
		copied := cookies[0]
		if status, _ := a.getWith(t, tc.path, copied); status == http.StatusSeeOther {
			t.Fatalf("%s: copied cookie does not work even before sign-out", tc.role)
		}
		resp, _ := u.post(t, "/logout", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Errorf("%s: sign out: %d %s", tc.role, resp.StatusCode, resp.Header.Get("Location"))
		}
		var left int
		a.pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, copied.Value).Scan(&left)
		if left != 0 {
			t.Errorf("%s: session row left in the store after sign-out", tc.role)
		}
		status, loc := a.getWith(t, tc.path, copied)
		if want := "/login?next=" + url.QueryEscape(tc.path); status != http.StatusSeeOther || loc != want {
			t.Errorf("%s: copied cookie after sign-out: %d %s, want 303 to %s", tc.role, status, loc, want)
		}
	}
}

func TestFailedSignInsLookTheSame(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, email := a.createUser(t, access.HousingStaff, "")
	_, inactive := a.createUser(t, access.HousingStaff, "")
	a.pool.Exec(context.Background(), `UPDATE users SET active = false WHERE email = $1`, inactive)
	var firstStatus int
	var firstMsg string
	for i, form := range []url.Values{
		creds("nobody-here@example.org", testPassword), // unknown email
		creds(email, "not the right passphrase"),       // wrong password
		creds(inactive, testPassword),                  // deactivated account, right password
	} {
		resp, body := a.postLogin(t, form, nil, nil)
		msg := errorSummary.FindString(body)
		if i == 0 {
			firstStatus, firstMsg = resp.StatusCode, msg
			if resp.StatusCode != http.StatusUnauthorized || msg == "" {
				t.Fatalf("unknown email: %d %q", resp.StatusCode, msg)
			}
		}
		if resp.StatusCode != firstStatus || msg != firstMsg {
			t.Errorf("case %d: %d %q; want the same as for an unknown email: %d %q", i, resp.StatusCode, msg, firstStatus, firstMsg)
		}
		if resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("case %d: a failed sign-in sets a cookie", i)
		}
		if !strings.Contains(body, `value="`+form.Get("email")+`"`) || strings.Contains(body, form.Get("password")) {
			t.Errorf("case %d: email not kept, or password shown back", i)
		}
	}
}

func TestDeactivationAndEpochEndSessionsAtOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	for _, change := range []string{
		`UPDATE users SET active = false WHERE id = $1`,
		`UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`,
	} {
		u := a.signIn(t, access.Admin, "")
		if resp, _ := u.get(t, "/admin/audit"); resp.StatusCode != http.StatusOK {
			t.Fatalf("before: %d", resp.StatusCode)
		}
		if _, err := a.pool.Exec(ctx, change, u.ID); err != nil {
			t.Fatal(err)
		}
		resp, _ := u.get(t, "/admin/audit")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fadmin%2Faudit" {
			t.Errorf("%s: next request %d %s, want 303 to sign in", change, resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body := u.get(t, "/"); strings.Contains(body, `action="/logout"`) {
			t.Errorf("%s: still shown as signed in", change)
		}
		// Undoing the change does not bring the session back: it was destroyed.
		a.pool.Exec(ctx, `UPDATE users SET active = true, session_epoch = 1 WHERE id = $1`, u.ID)
		if resp, _ := u.get(t, "/admin/audit"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: session came back: %d", change, resp.StatusCode)
		}
	}
}

func TestSignInGoesOnlyToLocalPages(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, email := a.createUser(t, access.Admin, "")
	for next, want := range map[string]string{
		"//evil.example":          "/",
		"https://evil.example":    "/",
		`/\evil.example`:          "/",
		"/\t/evil.example":        "/",
		"javascript:alert(1)":     "/",
		"evil.example":            "/",
		"":                        "/",
		"/login?next=//evil":      "/",
		"/admin/audit?org=galop":  "/admin/audit?org=galop",
		"/agencies/galop#contact": "/agencies/galop#contact",
	} {
		form := creds(email, testPassword)
		form.Set("next", next)
		resp, _ := a.postLogin(t, form, nil, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("next=%q: %d to %q, want %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
		// The form carries only a safe next, and a signed-in visitor is sent only there.
		_, body := a.get(t, "/login?next="+url.QueryEscape(next))
		if !strings.Contains(body, `name="next" value="`+strings.ReplaceAll(want, "&", "&amp;")+`"`) {
			t.Errorf("next=%q: sign-in form does not carry %q", next, want)
		}
		if status, loc := a.getWith(t, "/login?next="+url.QueryEscape(next), sessionCookie(resp)); status != http.StatusSeeOther || loc != want {
			t.Errorf("next=%q signed in: %d to %q, want %q", next, status, loc, want)
		}
	}
}

func TestSignInAndOutAreAudited(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	const wrong = "Wrong-Horse-Battery-Staple-77"
	u := a.signIn(t, access.RSLOfficer, "clyde-valley-housing-association")
	a.postLogin(t, creds(u.Email, wrong), nil, nil)
	a.postLogin(t, creds("stranger@example.org", wrong), nil, nil)
	u.post(t, "/logout", nil)

	rows, err := a.pool.Query(ctx, `SELECT action, coalesce(actor_id, 0), coalesce(entity_id, 0), coalesce(agency_id, 0) <> 0, coalesce(after->>'email', '')
		FROM audit_events WHERE action LIKE 'auth.%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var action, email string
		var actor, entity int64
		var agency bool
		rows.Scan(&action, &actor, &entity, &agency, &email)
		got = append(got, action+" actor="+strconv.FormatBool(actor == u.ID)+" entity="+strconv.FormatBool(entity == u.ID)+
			" agency="+strconv.FormatBool(agency)+" email="+email)
	}
	want := []string{
		"auth.sign_in actor=true entity=true agency=true email=",
		"auth.sign_in_failed actor=true entity=true agency=false email=" + u.Email,
		"auth.sign_in_failed actor=false entity=false agency=false email=",
		"auth.sign_out actor=true entity=true agency=true email=",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var leaked int
	a.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE concat(before::text, after::text) ILIKE '%' || $1 || '%'
		OR concat(before::text, after::text) ILIKE '%' || $2 || '%' OR concat(before::text, after::text) ILIKE '%argon2%'`, wrong, testPassword).Scan(&leaked)
	if leaked != 0 {
		t.Errorf("%d audit events hold a password or hash", leaked)
	}
}

func TestCrossSiteSignInIsRefused(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, email := a.createUser(t, access.HousingStaff, "")
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "", "Origin": "https://evil.example"}} {
		resp, body := a.postLogin(t, creds(email, testPassword), nil, h)
		if resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil || !strings.Contains(body, "another website") {
			t.Errorf("%v: %d, cookie %v; want 403 and no session", h, resp.StatusCode, sessionCookie(resp))
		}
	}
	var n int
	a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action LIKE 'auth.sign_in%'`).Scan(&n)
	if n != 0 {
		t.Errorf("a refused cross-site sign-in reached the authenticator (%d events)", n)
	}
}

func TestSignInLogsNoPasswordsOrEmails(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	const wrong = "Correct-Horse-Battery-Wrong-42"
	u := a.signIn(t, access.Admin, "")
	for range 6 {
		a.postLogin(t, creds(u.Email, wrong), nil, nil)
	}
	a.postLogin(t, creds("someone-else@example.org", wrong), nil, nil)
	u.post(t, "/logout", nil)
	logs := a.log.String()
	if !strings.Contains(logs, `"msg":"signed in"`) || !strings.Contains(logs, `"msg":"signed out"`) {
		t.Fatalf("sign-in and sign-out not logged:\n%s", logs)
	}
	for _, secret := range []string{testPassword, wrong, u.Email, "someone-else@example.org", "argon2"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log holds %q", secret)
		}
	}
}
