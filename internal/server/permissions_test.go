package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/config"
	"dadirectory/internal/postgres/pgtest"
)

// The permission matrix: every route the router has, for every kind of visitor, with the
// answer expected. A route added without a row here fails TestPermissionMatrix, so nothing
// new is reachable by accident (deny by default is checked, not assumed). Each row names one
// status (and, for a redirect, its target) per role, and a row whose request changes data
// also watches that data: it must change for the roles allowed and stay as it was for the
// others, so a refusal that lets the change through, or an answer with nothing behind it,
// fails.

// matrixRoles are the visitors of the matrix, anonymous first.
var matrixRoles = []access.Role{access.Anonymous, access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin}

func roleName(r access.Role) string {
	if r == access.Anonymous {
		return "anonymous"
	}
	return string(r)
}

// outcome is an expected answer: its status, where a redirect goes, and whether the request
// changes what its check watches.
type outcome struct {
	status   int
	location string // checked when not ""
	changes  bool
}

func (o outcome) String() string {
	s := fmt.Sprint(o.status)
	if o.location != "" {
		s += " to " + o.location
	}
	if o.changes {
		s += ", changing what the check watches"
	}
	return s
}

// changed is o, with the request changing what the check watches.
func (o outcome) changed() outcome {
	o.changes = true
	return o
}

var (
	ok200 = outcome{status: http.StatusOK}
	no404 = outcome{status: http.StatusNotFound}
	// The refusals of someone allowed to use a form: what they sent was not a form the site
	// would send (400), was sent against a version that is not the current one or is refused
	// as it stands (409), or failed validation (422). Each row says which, exactly.
	bad400      = outcome{status: http.StatusBadRequest}
	conflict409 = outcome{status: http.StatusConflict}
	invalid422  = outcome{status: http.StatusUnprocessableEntity}
)

func redirectTo(loc string) outcome {
	return outcome{status: http.StatusSeeOther, location: loc}
}

// toSignIn is what an anonymous visitor gets on a staff page.
func toSignIn(path string) outcome { return redirectTo("/login?next=" + url.QueryEscape(path)) }

// check is one request of the matrix and its expected answer per role.
type check struct {
	method, path string
	want         map[access.Role]outcome
	fresh        bool // the request ends the session: use a newly signed-in user
	// form is the body of a POST (nil: an empty form), read just before each role's request,
	// so it can carry the row's current version. The check of an action sends the form the
	// site would, so that a refusal can only be because of who asks.
	form func(t *testing.T) url.Values
	// before runs just before each role's request, given a way to send other requests as
	// that role: to book the place the request then cancels, say.
	before func(t *testing.T, as roleSender)
	// state reads what the request may change; when set, it is read before and after each
	// role's request, and must have changed exactly when that role's outcome says so. A row
	// that changes data must have one, so that an answer cannot pass while nothing happened
	// (or while a refused role's request went through).
	state func(t *testing.T) string
}

// sending gives c the form it posts.
func (c check) sending(form func(t *testing.T) url.Values) check {
	c.form = form
	return c
}

// watching gives c the state its request may change.
func (c check) watching(state func(t *testing.T) string) check {
	c.state = state
	return c
}

// roleSender sends a request to the app as one role and returns the status and Location.
type roleSender func(method, path string, form url.Values) (int, string)

// preparing gives c what runs before each role's request.
func (c check) preparing(before func(t *testing.T, as roleSender)) check {
	c.before = before
	return c
}

// dbText reads what a check watches: the one value sql selects, as text ("" for NULL).
func dbText(pool *pgxpool.Pool, sql string, args ...any) func(t *testing.T) string {
	return func(t *testing.T) string {
		t.Helper()
		var s *string
		if err := pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
			t.Fatalf("read %q: %v", sql, err)
		}
		if s == nil {
			return ""
		}
		return *s
	}
}

// versionForm is the form of an action that needs only the row's current version, which sql
// selects.
func versionForm(pool *pgxpool.Pool, sql string, args ...any) func(t *testing.T) url.Values {
	return func(t *testing.T) url.Values {
		t.Helper()
		var v int
		if err := pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
			t.Fatalf("version %q: %v", sql, err)
		}
		return url.Values{"version": {strconv.Itoa(v)}}
	}
}

// everyone expects the same answer for every role.
func everyone(method, path string, o outcome) check {
	c := check{method: method, path: path, want: map[access.Role]outcome{}}
	for _, r := range matrixRoles {
		c.want[r] = o
	}
	return c
}

// only is a staff page: anonymous visitors are sent to sign in, allowed roles get o, and every
// other signed-in role 404, as if the page did not exist.
func only(method, path string, o outcome, allowed ...access.Role) check {
	c := everyone(method, path, no404)
	c.want[access.Anonymous] = toSignIn(path)
	for _, r := range allowed {
		c.want[r] = o
	}
	return c
}

// with changes one role's expectation.
func (c check) with(r access.Role, o outcome) check {
	c.want = maps.Clone(c.want)
	c.want[r] = o
	return c
}

// featureMatrices are the rows of feature areas (training, the library, admin curation), each
// kept beside that feature's tests and registered from an init function there. A function
// may query pool for the real ids it puts into URLs, and make the rows its checks change
// (each check its own, so that no row's outcome depends on the order they run in).
var featureMatrices []func(t *testing.T, pool *pgxpool.Pool) map[string][]check

// demoIDs are the real rows the matrix puts into URLs.
type demoIDs struct {
	staticCSS   string // hashed stylesheet URL
	staffAgency string // slug of a staff-only agency
	ownContact  int64  // a contact of the RSL officer's organisation
	ownDelete   int64  // another one, for the delete check
	otherOrg    int64  // a contact of another organisation
}

// matrixOrg is the organisation of the matrix's RSL officer.
const matrixOrg = "clyde-valley-housing-association"

// matrix is the expected outcome of every route, keyed "METHOD /pattern" as chi registers it
// ("*" for a pattern answering every method). pool is only used while the checks run.
func matrix(ids demoIDs, pool *pgxpool.Pool) map[string][]check {
	rsl, champ, admin := access.RSLOfficer, access.Champion, access.Admin
	own := fmt.Sprintf("/my/organisation/contacts/%d", ids.ownContact)
	other := fmt.Sprintf("/my/organisation/contacts/%d", ids.otherOrg)
	del := fmt.Sprintf("/my/organisation/contacts/%d/delete", ids.ownDelete)
	otherDel := fmt.Sprintf("/my/organisation/contacts/%d/delete", ids.otherOrg)
	signedIn := everyone("GET", "/login", redirectTo("/")).with(access.Anonymous, ok200)
	contactVersion := func(id int64) func(*testing.T) url.Values {
		return versionForm(pool, `SELECT version FROM contacts WHERE id = $1`, id)
	}
	contactState := func(id int64) func(*testing.T) string {
		return dbText(pool, `SELECT concat_ws(' ', version, archived_at) FROM contacts WHERE id = $1`, id)
	}
	// Signing out ends the session: its row goes.
	logout := everyone("POST", "/logout", redirectTo("/").changed()).with(access.Anonymous, redirectTo("/")).
		watching(dbText(pool, `SELECT count(*)::text FROM sessions`))
	logout.fresh = true
	return map[string][]check{
		"GET /healthz":   {everyone("GET", "/healthz", ok200)},
		"GET /readyz":    {everyone("GET", "/readyz", ok200)},
		"GET /static/*":  {everyone("GET", ids.staticCSS, ok200), everyone("GET", "/static/nothing.css", no404)},
		"GET /":          {everyone("GET", "/", ok200)},
		"GET /directory": {everyone("GET", "/directory", ok200), everyone("GET", "/directory?q=refuge&area=motherwell", ok200)},
		"GET /agencies/{slug}": {
			everyone("GET", "/agencies/galop", ok200),
			everyone("GET", "/agencies/"+ids.staffAgency, ok200).with(access.Anonymous, no404),
			everyone("GET", "/agencies/no-such-agency", no404),
		},
		"GET /agencies/{slug}/print": {
			everyone("GET", "/agencies/galop/print", ok200),
			everyone("GET", "/agencies/"+ids.staffAgency+"/print", ok200).with(access.Anonymous, no404),
			everyone("GET", "/agencies/no-such-agency/print", no404),
		},
		"GET /contacts":       {everyone("GET", "/contacts", ok200)},
		"GET /contacts/print": {everyone("GET", "/contacts/print", ok200)},
		"GET /safety":         {everyone("GET", "/safety", ok200)},
		"GET /login":          {signedIn},
		"POST /login":         {everyone("POST", "/login", invalid422)},
		// With mail off (as here) the page says to ask an administrator, whatever is sent.
		// A "still correct" link is its own authority: without a real one, nothing is there.
		"GET /review/confirm":  {everyone("GET", "/review/confirm?token=nonsense", no404)},
		"POST /review/confirm": {everyone("POST", "/review/confirm", no404)},
		"GET /login/forgot":    {everyone("GET", "/login/forgot", ok200)},
		// The second step of signing in, with no first step behind it: back to the first.
		// Single sign-on is off in the matrix's app (sso_test.go walks it when on).
		"GET /login/oidc":          {everyone("GET", "/login/oidc", no404)},
		"GET /login/oidc/callback": {everyone("GET", "/login/oidc/callback?code=x&state=y", no404)},
		"GET /login/code":          {everyone("GET", "/login/code", redirectTo("/login"))},
		"POST /login/code":         {everyone("POST", "/login/code", redirectTo("/login"))},
		"POST /login/forgot":       {everyone("POST", "/login/forgot", ok200)},
		"POST /logout":             {logout},

		"GET /my/organisation":  {only("GET", "/my/organisation", ok200, rsl)},
		"POST /my/organisation": {only("POST", "/my/organisation", invalid422, rsl)},
		// Confirming the details are current marks them reviewed.
		"POST /my/organisation/confirm": {only("POST", "/my/organisation/confirm", redirectTo("/my/organisation").changed(), rsl).
			sending(versionForm(pool, `SELECT version FROM agencies WHERE slug = $1`, matrixOrg)).
			watching(dbText(pool, `SELECT concat_ws(' ', version, reviewed_at) FROM agencies WHERE slug = $1`, matrixOrg))},
		"GET /my/organisation/contacts/new":   {only("GET", "/my/organisation/contacts/new", ok200, rsl)},
		"POST /my/organisation/contacts":      {only("POST", "/my/organisation/contacts", invalid422, rsl)},
		"GET /my/organisation/contacts/{id}":  {only("GET", own, ok200, rsl), only("GET", other, no404, rsl), only("GET", "/my/organisation/contacts/abc", no404, rsl)},
		"POST /my/organisation/contacts/{id}": {only("POST", own, invalid422, rsl), only("POST", other, no404, rsl)},
		// Deleting (archiving) a contact, with the version the page showed: the officer's own
		// goes, another organisation's stays.
		"POST /my/organisation/contacts/{id}/delete": {
			only("POST", otherDel, no404, rsl).sending(contactVersion(ids.otherOrg)).watching(contactState(ids.otherOrg)),
			only("POST", del, ok200, rsl).sending(contactVersion(ids.ownDelete)).watching(contactState(ids.ownDelete)), // not confirmed: asks
			only("POST", otherDel, no404, rsl).sending(confirming(contactVersion(ids.otherOrg))).watching(contactState(ids.otherOrg)),
			only("POST", del, redirectTo("/my/organisation").changed(), rsl).sending(confirming(contactVersion(ids.ownDelete))).watching(contactState(ids.ownDelete)),
		},
		"GET /my/organisation/contacts/{id}/delete": {only("GET", own+"/delete", ok200, rsl), only("GET", otherDel, no404, rsl)},
		// Only the officer's own removal can be undone: a live contact, or another
		// organisation's, has nothing of theirs to put back.
		"POST /my/organisation/contacts/{id}/restore": {
			only("POST", own+"/restore", no404, rsl).sending(contactVersion(ids.ownContact)).watching(contactState(ids.ownContact)),
			only("POST", other+"/restore", no404, rsl).sending(contactVersion(ids.otherOrg)).watching(contactState(ids.otherOrg)),
		},

		// Every signed-in person may watch what they can see; a staff-only agency too.
		"GET /my/watching": {only("GET", "/my/watching", ok200, access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin)},
		"POST /agencies/{slug}/watch": {
			only("POST", "/agencies/galop/watch", redirectTo("/agencies/galop"), access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin),
			only("POST", "/agencies/no-such-agency/watch", no404, access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin),
		},
		"GET /my/champion":  {only("GET", "/my/champion", ok200, champ)},
		"POST /my/champion": {only("POST", "/my/champion", bad400, champ)},

		"GET /admin/audit": {only("GET", "/admin/audit", ok200, admin), only("GET", "/admin/audit?from=nonsense", bad400, admin)},
	}
}

// registeredRoutes walks the router: "METHOD /pattern", with a pattern answering every
// method given once as "* /pattern".
func registeredRoutes(t *testing.T, r chi.Router) []string {
	t.Helper()
	methods := map[string][]string{}
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		methods[route] = append(methods[route], method)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for route, ms := range methods {
		if len(ms) >= 9 && slices.Contains(ms, "CONNECT") && slices.Contains(ms, "TRACE") {
			out = append(out, "* "+route)
			continue
		}
		for _, m := range ms {
			out = append(out, m+" "+route)
		}
	}
	sort.Strings(out)
	return out
}

// matrixGaps returns the routes without a row, and the rows without a route.
func matrixGaps(routes []string, table map[string][]check) (missing, stale []string) {
	for _, r := range routes {
		if _, ok := table[r]; !ok {
			missing = append(missing, r)
		}
	}
	for k := range table {
		if !slices.Contains(routes, k) {
			stale = append(stale, k)
		}
	}
	sort.Strings(stale)
	return missing, stale
}

// A route added to the router without a row in the matrix is caught.
func TestPermissionMatrixCatchesNewRoutes(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(noTwoFactor)
	if err != nil {
		t.Fatal(err)
	}
	// The routes need no data, but a Server needs a database: it starts its search index.
	srv, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), pgtest.New(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	r := srv.routes()
	r.Get("/admin/something-new", func(http.ResponseWriter, *http.Request) {})
	r.Post("/agencies/{slug}", func(http.ResponseWriter, *http.Request) {})
	// Feature matrices need a database to fill in their ids, so they are left out here: their
	// routes show as missing too, and the two new ones must be among them.
	missing, stale := matrixGaps(registeredRoutes(t, r), matrix(demoIDs{}, nil))
	if !slices.Contains(missing, "GET /admin/something-new") || !slices.Contains(missing, "POST /agencies/{slug}") || len(stale) != 0 {
		t.Errorf("missing %v, stale %v", missing, stale)
	}
}

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	cfg, err := config.Load(noTwoFactor)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), a.pool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	const org = matrixOrg
	ids := demoIDs{staticCSS: srv.assets.URL("site.css")}
	err = a.pool.QueryRow(ctx, `SELECT
		(SELECT slug FROM agencies WHERE visibility = 'staff' AND archived_at IS NULL ORDER BY slug LIMIT 1),
		(SELECT min(c.id) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = $1),
		(SELECT max(c.id) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = $1),
		(SELECT min(c.id) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = 'link-group')`, org).
		Scan(&ids.staffAgency, &ids.ownContact, &ids.ownDelete, &ids.otherOrg)
	if err != nil || ids.ownContact == ids.ownDelete {
		t.Fatalf("demo data: %v %+v", err, ids)
	}
	table := matrix(ids, a.pool)
	for _, feature := range featureMatrices {
		for k, checks := range feature(t, a.pool) {
			if _, dup := table[k]; dup {
				t.Fatalf("permission matrix row %s given twice", k)
			}
			table[k] = checks
		}
	}

	// Every route has a rule, and every rule a route.
	missing, stale := matrixGaps(registeredRoutes(t, srv.routes()), table)
	for _, r := range missing {
		t.Errorf("route %s has no row in the permission matrix: add one saying who may use it", r)
	}
	for _, k := range stale {
		t.Errorf("permission matrix row %s matches no route", k)
	}
	if t.Failed() {
		t.FailNow()
	}

	clients := map[access.Role]func() *http.Client{access.Anonymous: anonymousClient}
	for _, r := range matrixRoles[1:] {
		u := a.signInAs(t, r, org)
		clients[r] = func() *http.Client { return u.Client }
	}
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, c := range table[k] {
			for _, role := range matrixRoles {
				want, ok := c.want[role]
				if !ok {
					t.Errorf("%s %s: no expectation for %s", c.method, c.path, roleName(role))
					continue
				}
				client := clients[role]()
				if c.fresh && role != access.Anonymous {
					client = a.signInAs(t, role, org).Client
				}
				if want.changes && c.state == nil {
					t.Errorf("%s %s: %s is to change something, but the check watches nothing", c.method, c.path, roleName(role))
				}
				if c.before != nil {
					c.before(t, func(method, path string, form url.Values) (int, string) {
						return send(t, client, method, a.url+path, form)
					})
				}
				var form url.Values
				if c.form != nil {
					form = c.form(t)
				}
				var was string
				if c.state != nil {
					was = c.state(t)
				}
				status, loc := send(t, client, c.method, a.url+c.path, form)
				if status != want.status || (want.location != "" && loc != want.location) {
					t.Errorf("%-5s %-45s %-13s got %d %s, want %v", c.method, c.path, roleName(role), status, loc, want)
				}
				if c.state != nil {
					switch now := c.state(t); {
					case want.changes && now == was:
						t.Errorf("%-5s %-45s %-13s changed nothing (%q), want a change", c.method, c.path, roleName(role), now)
					case !want.changes && now != was:
						t.Errorf("%-5s %-45s %-13s changed %q to %q, want no change", c.method, c.path, roleName(role), was, now)
					}
				}
			}
		}
	}
}

// signInAs signs in a user of role; a champion is given a champion entry to keep, as the
// dev accounts are.
func (a *app) signInAs(t *testing.T, role access.Role, org string) *user {
	t.Helper()
	if role != access.RSLOfficer {
		org = ""
	}
	u := a.signIn(t, role, org)
	if role == access.Champion {
		_, err := a.pool.Exec(context.Background(), `UPDATE users SET contact_id =
			(SELECT id FROM contacts WHERE kind = 'champion' ORDER BY id LIMIT 1) WHERE id = $1`, u.ID)
		if err != nil {
			t.Fatal(err)
		}
	}
	return u
}

func anonymousClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// send makes one request as a same-origin browser would (for a POST, form, which may be
// empty) and returns the status and Location.
func send(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
