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
// new is reachable by accident (deny by default is checked, not assumed).

// matrixRoles are the visitors of the matrix, anonymous first.
var matrixRoles = []access.Role{access.Anonymous, access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin}

func roleName(r access.Role) string {
	if r == access.Anonymous {
		return "anonymous"
	}
	return string(r)
}

// outcome is an expected answer: one of statuses and, for a redirect, where it goes.
type outcome struct {
	statuses []int
	location string // checked when not ""
}

func (o outcome) String() string {
	s := fmt.Sprint(o.statuses)
	if o.location != "" {
		s += " to " + o.location
	}
	return s
}

var (
	ok200 = outcome{statuses: []int{http.StatusOK}}
	no404 = outcome{statuses: []int{http.StatusNotFound}}
	// formRefused is an empty form sent by someone allowed to send it: checked and refused
	// (400, 409 or 422), never saved with nothing in it, never a 500.
	formRefused = outcome{statuses: []int{http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity}}
	// formHandled also allows a redirect, for actions that need no fields (confirm, delete).
	formHandled = outcome{statuses: []int{http.StatusSeeOther, http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity}}
)

func redirectTo(loc string) outcome {
	return outcome{statuses: []int{http.StatusSeeOther}, location: loc}
}

// toSignIn is what an anonymous visitor gets on a staff page.
func toSignIn(path string) outcome { return redirectTo("/login?next=" + url.QueryEscape(path)) }

// check is one request of the matrix and its expected answer per role.
type check struct {
	method, path string
	want         map[access.Role]outcome
	fresh        bool // the request ends the session: use a newly signed-in user
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
// may query pool for the real ids it puts into URLs.
var featureMatrices []func(t *testing.T, pool *pgxpool.Pool) map[string][]check

// demoIDs are the real rows the matrix puts into URLs.
type demoIDs struct {
	staticCSS   string // hashed stylesheet URL
	staffAgency string // slug of a staff-only agency
	ownContact  int64  // a contact of the RSL officer's organisation
	ownDelete   int64  // another one, for the delete check
	otherOrg    int64  // a contact of another organisation
}

// matrix is the expected outcome of every route, keyed "METHOD /pattern" as chi registers it
// ("*" for a pattern answering every method).
func matrix(ids demoIDs) map[string][]check {
	rsl, champ, admin := access.RSLOfficer, access.Champion, access.Admin
	own := fmt.Sprintf("/my/organisation/contacts/%d", ids.ownContact)
	other := fmt.Sprintf("/my/organisation/contacts/%d", ids.otherOrg)
	del := fmt.Sprintf("/my/organisation/contacts/%d/delete", ids.ownDelete)
	otherDel := fmt.Sprintf("/my/organisation/contacts/%d/delete", ids.otherOrg)
	signedIn := everyone("GET", "/login", redirectTo("/")).with(access.Anonymous, ok200)
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
		"GET /contacts":       {everyone("GET", "/contacts", ok200)},
		"GET /contacts/print": {everyone("GET", "/contacts/print", ok200)},
		"GET /safety":         {everyone("GET", "/safety", ok200)},
		"GET /login":          {signedIn},
		"POST /login":         {everyone("POST", "/login", outcome{statuses: []int{http.StatusUnprocessableEntity}})},
		"POST /logout":        {func() check { c := everyone("POST", "/logout", redirectTo("/")); c.fresh = true; return c }()},

		"GET /my/organisation":                       {only("GET", "/my/organisation", ok200, rsl)},
		"POST /my/organisation":                      {only("POST", "/my/organisation", formRefused, rsl)},
		"POST /my/organisation/confirm":              {only("POST", "/my/organisation/confirm", formHandled, rsl)},
		"GET /my/organisation/contacts/new":          {only("GET", "/my/organisation/contacts/new", ok200, rsl)},
		"POST /my/organisation/contacts":             {only("POST", "/my/organisation/contacts", formRefused, rsl)},
		"GET /my/organisation/contacts/{id}":         {only("GET", own, ok200, rsl), only("GET", other, no404, rsl), only("GET", "/my/organisation/contacts/abc", no404, rsl)},
		"POST /my/organisation/contacts/{id}":        {only("POST", own, formRefused, rsl), only("POST", other, no404, rsl)},
		"POST /my/organisation/contacts/{id}/delete": {only("POST", otherDel, no404, rsl), only("POST", del, formHandled, rsl)},

		"GET /my/champion":  {only("GET", "/my/champion", ok200, champ)},
		"POST /my/champion": {only("POST", "/my/champion", formRefused, champ)},

		"GET /admin/audit": {only("GET", "/admin/audit", ok200, admin), only("GET", "/admin/audit?from=nonsense", outcome{statuses: []int{http.StatusBadRequest}}, admin)},
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
	cfg, err := config.Load(func(string) string { return "" })
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
	missing, stale := matrixGaps(registeredRoutes(t, r), matrix(demoIDs{}))
	if !slices.Contains(missing, "GET /admin/something-new") || !slices.Contains(missing, "POST /agencies/{slug}") || len(stale) != 0 {
		t.Errorf("missing %v, stale %v", missing, stale)
	}
}

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), a.pool)
	if err != nil {
		t.Fatal(err)
	}

	const org = "clyde-valley-housing-association"
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
	table := matrix(ids)
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
				status, loc := send(t, client, c.method, a.url+c.path)
				if !slices.Contains(want.statuses, status) || (want.location != "" && loc != want.location) {
					t.Errorf("%-5s %-45s %-13s got %d %s, want %v", c.method, c.path, roleName(role), status, loc, want)
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

// send makes one request as a same-origin browser would (an empty form for a POST) and
// returns the status and Location.
func send(t *testing.T, c *http.Client, method, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(""))
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
