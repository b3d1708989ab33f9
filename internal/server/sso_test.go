package server

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"dadirectory/internal/access"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
	"dadirectory/internal/sso"
)

// ssoProvider is a real OpenID provider on loopback (mockoidc). When rewrite is set, it
// reads those parameters of our requests as other values: tokens for another client (the
// wrong audience), or with another nonce, as a confused or hostile provider would.
type ssoProvider struct {
	*mockoidc.MockOIDC
	clientID string
	rewrite  atomic.Pointer[map[string]string]
}

func startProvider(t *testing.T) *ssoProvider {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &ssoProvider{MockOIDC: m, clientID: m.ClientID}
	_ = m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if rw := p.rewrite.Load(); rw != nil {
				for k, v := range *rw {
					q := r.URL.Query()
					if q.Has(k) {
						q.Set(k, v)
						r.URL.RawQuery = q.Encode()
					}
					if r.Method == http.MethodPost && r.ParseForm() == nil && r.PostForm.Has(k) {
						r.PostForm.Set(k, v)
						r.Form.Set(k, v)
					}
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return p
}

// newAppSSO is an app with single sign-on through p, and the default second-factor rule.
func newAppSSO(t *testing.T, p *ssoProvider) *app {
	t.Helper()
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return startAppWith(t, pool, map[string]string{
		"OIDC_ISSUER": p.Issuer(), "OIDC_CLIENT_ID": p.clientID, "OIDC_CLIENT_SECRET": p.ClientSecret,
		"OIDC_NAME":          "Sign in with your North Lanarkshire Council account",
		"OIDC_ROLE_MAP":      "DA-Admins=admin,Housing-Champions=champion,Housing=housing_staff",
		"MFA_REQUIRED_ROLES": "admin,rsl_officer",
	})
}

// toProvider starts a council sign-in in u's browser and has the provider answer as who;
// it returns the callback the provider sends the browser to.
func toProvider(t *testing.T, p *ssoProvider, u *user, who *mockoidc.MockUser) *url.URL {
	t.Helper()
	resp, _ := u.get(t, "/login/oidc?next=/directory")
	auth, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || !strings.HasPrefix(auth.String(), p.AuthorizationEndpoint()) {
		t.Fatalf("begin: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" ||
		q.Get("redirect_uri") != "http://127.0.0.1:8080"+sso.CallbackPath {
		t.Fatalf("the authorisation request lacks PKCE, nonce, state or the callback: %v", q)
	}
	p.QueueUser(who)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	back, err := noFollow.Get(auth.String())
	if err != nil {
		t.Fatal(err)
	}
	back.Body.Close()
	cb, err := url.Parse(back.Header.Get("Location"))
	if err != nil || cb.Path != sso.CallbackPath {
		t.Fatalf("the provider answered %d to %q", back.StatusCode, back.Header.Get("Location"))
	}
	return cb
}

func callback(t *testing.T, u *user, cb *url.URL) (*http.Response, string) {
	t.Helper()
	return u.get(t, sso.CallbackPath+"?"+cb.RawQuery)
}

func person(email string, verified bool, groups ...string) *mockoidc.MockUser {
	return &mockoidc.MockUser{Subject: "sub-" + strings.ToLower(email), Email: email, EmailVerified: verified, PreferredUsername: "Council Person", Groups: groups}
}

// The whole flow against a real provider: a first sign-in makes the account with the role
// its groups give, the role follows the groups, and every way the answer can be wrong is
// refused (issue 14).
func TestSingleSignOn(t *testing.T) {
	t.Parallel()
	p := startProvider(t)
	a := newAppSSO(t, p)
	ctx := context.Background()

	if _, body := a.visitor().get(t, "/login"); !strings.Contains(body, "Sign in with your North Lanarkshire Council account") {
		t.Fatal("the sign-in page has no council sign-in button")
	}

	// First sign-in: a housing officer, made an account as housing staff.
	u := a.visitor()
	resp, body := callback(t, u, toProvider(t, p, u, person("Officer@North-Lanarkshire.gov.uk", true, "Finance", "Housing")))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/directory" {
		t.Fatalf("first sign-in: %d to %q\n%.400s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	var id int64
	var role string
	if err := a.pool.QueryRow(ctx, `SELECT id, role FROM users WHERE email = 'officer@north-lanarkshire.gov.uk'`).Scan(&id, &role); err != nil || role != "housing_staff" {
		t.Fatalf("the account made: role %q (%v)", role, err)
	}
	if resp, _ := u.get(t, "/account/security"); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed in through the council: %d", resp.StatusCode)
	}

	// The groups change: the role follows, and the old session (with the old role) ends.
	admin := a.visitor()
	if resp, _ := callback(t, admin, toProvider(t, p, admin, person("officer@north-lanarkshire.gov.uk", true, "DA-Admins", "Housing"))); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", resp.StatusCode)
	}
	// An admin through single sign-on is not asked for this site's own second factor: the
	// council's provider asks its own.
	if resp, _ := admin.get(t, "/admin/users"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the admin's pages after the groups changed: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := u.get(t, "/account/security"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session of the old role outlived the change: %d", resp.StatusCode)
	}
	var audited int
	if err := a.pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity_id = $1 AND action IN ('user.create', 'user.role_from_groups')`, id).
		Scan(&audited); err != nil || audited != 2 {
		t.Errorf("creation and role change audited %d times (%v)", audited, err)
	}

	refused := func(name string, want int, cb *url.URL, u *user) {
		t.Helper()
		resp, body := callback(t, u, cb)
		if resp.StatusCode != want || !strings.Contains(body, `class="error-summary"`) {
			t.Errorf("%s: %d, want %d with the reason", name, resp.StatusCode, want)
		}
		if resp, _ := u.get(t, "/account/security"); resp.StatusCode == http.StatusOK {
			t.Errorf("%s: signed in all the same", name)
		}
	}
	// In no mapped group: refused, and no account made.
	v := a.visitor()
	refused("no mapped group", http.StatusForbidden, toProvider(t, p, v, person("finance@north-lanarkshire.gov.uk", true, "Finance")), v)
	var n int
	if err := a.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE email = 'finance@north-lanarkshire.gov.uk'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("an account was made for someone in no mapped group")
	}
	// An email the provider has not verified.
	v = a.visitor()
	refused("unverified email", http.StatusForbidden, toProvider(t, p, v, person("new@north-lanarkshire.gov.uk", false, "Housing")), v)

	// A wrong state: the answer is not for this browser's sign-in.
	v = a.visitor()
	cb := toProvider(t, p, v, person("officer@north-lanarkshire.gov.uk", true, "Housing"))
	bad := *cb
	q := bad.Query()
	q.Set("state", "not-the-state-this-browser-began-with")
	bad.RawQuery = q.Encode()
	refused("wrong state", http.StatusBadRequest, &bad, v)
	// Another browser bringing this browser's answer: no cookie, refused.
	refused("another browser", http.StatusBadRequest, cb, a.visitor())

	// A replayed answer: the same callback twice. The first works; the second finds its
	// sign-in used up.
	v = a.visitor()
	cb = toProvider(t, p, v, person("officer@north-lanarkshire.gov.uk", true, "Housing"))
	if resp, _ := callback(t, v, cb); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in before the replay: %d", resp.StatusCode)
	}
	// Even a browser holding that sign-in's state (a copied cookie) finds it used up.
	x := a.visitor()
	appURL, _ := url.Parse(a.url + "/login/oidc")
	x.Client.Jar.SetCookies(appURL, []*http.Cookie{{Name: "sso_state", Value: cb.Query().Get("state"), Path: "/login/oidc"}})
	refused("replayed answer", http.StatusBadRequest, cb, x)
	w := a.visitor()
	// A replayed code under a fresh sign-in of its own: the provider refuses the code.
	fresh := toProvider(t, p, w, person("officer@north-lanarkshire.gov.uk", true, "Housing"))
	q = fresh.Query()
	q.Set("code", cb.Query().Get("code"))
	fresh.RawQuery = q.Encode()
	refused("replayed code", http.StatusUnauthorized, fresh, w)

	// A token for another client (the wrong audience).
	other := "another-client-of-the-same-provider"
	p.rewrite.Store(&map[string]string{"client_id": other})
	p.ClientID = other
	v = a.visitor()
	refused("wrong audience", http.StatusUnauthorized, toProvider(t, p, v, person("officer@north-lanarkshire.gov.uk", true, "Housing")), v)
	p.ClientID = p.clientID
	// A token carrying another nonce (one replayed from another sign-in).
	p.rewrite.Store(&map[string]string{"nonce": "a-nonce-from-another-sign-in"})
	v = a.visitor()
	refused("wrong nonce", http.StatusUnauthorized, toProvider(t, p, v, person("officer@north-lanarkshire.gov.uk", true, "Housing")), v)
	p.rewrite.Store(nil)

	// RSL officers keep their passwords: their email through the council is refused.
	_, rslEmail := a.createUser(t, access.RSLOfficer, matrixOrg)
	v = a.visitor()
	refused("an RSL officer's account", http.StatusForbidden, toProvider(t, p, v, person(rslEmail, true, "Housing")), v)
	// A local account first used through single sign-on keeps that identity: the same email
	// from another identity (the address given to someone new) is refused.
	v = a.visitor()
	other2 := person("officer@north-lanarkshire.gov.uk", true, "Housing")
	other2.Subject = "someone-else"
	refused("another identity with the same email", http.StatusForbidden, toProvider(t, p, v, other2), v)
}

// Without OIDC_ISSUER there is no council sign-in: no button, and its paths do not exist.
func TestSingleSignOnOffByDefault(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	v := a.visitor()
	if _, body := v.get(t, "/login"); strings.Contains(body, "/login/oidc") {
		t.Error("a council sign-in button with single sign-on off")
	}
	for _, path := range []string{"/login/oidc", sso.CallbackPath + "?code=x&state=y"} {
		if resp, _ := v.get(t, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
}
