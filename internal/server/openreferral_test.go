package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/openreferral"
	"dadirectory/internal/openreferral/hsdsschema"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

func hsds(t *testing.T) *hsdsschema.Schemas {
	t.Helper()
	s, err := hsdsschema.Load("../openreferral/testdata")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const orBase = "/openreferral/v3"

// orGet fetches an open data path with no cookie, checks the headers every answer carries and
// returns the response and body.
func orGet(t *testing.T, a *app, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	resp, body := a.do(t, http.MethodGet, orBase+path, nil, header)
	h := resp.Header
	if h.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("%s: Access-Control-Allow-Origin %q", path, h.Get("Access-Control-Allow-Origin"))
	}
	if len(resp.Cookies()) > 0 {
		t.Errorf("%s: sets a cookie", path)
	}
	if resp.StatusCode != http.StatusNotModified && !strings.HasPrefix(h.Get("Content-Type"), "application/") {
		t.Errorf("%s: Content-Type %q", path, h.Get("Content-Type"))
	}
	return resp, body
}

// orOK fetches path, wants 200 with an ETag and Last-Modified, and returns the body.
func orOK(t *testing.T, a *app, path string) string {
	t.Helper()
	resp, body := orGet(t, a, path, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d\n%s", path, resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s: Content-Type %q", path, resp.Header.Get("Content-Type"))
	}
	if resp.Header.Get("ETag") == "" {
		t.Errorf("%s: no ETag", path)
	}
	return body
}

type orPage struct {
	TotalItems int               `json:"total_items"`
	TotalPages int               `json:"total_pages"`
	PageNumber int               `json:"page_number"`
	Size       int               `json:"size"`
	FirstPage  bool              `json:"first_page"`
	LastPage   bool              `json:"last_page"`
	Empty      bool              `json:"empty"`
	Contents   []json.RawMessage `json:"contents"`
}

// orList fetches a page, validates it and each item against item's schema, and returns it.
func orList(t *testing.T, a *app, s *hsdsschema.Schemas, path, item string) orPage {
	t.Helper()
	body := orOK(t, a, path)
	if _, err := s.ValidatePage(item, []byte(body)); err != nil {
		t.Fatalf("%s: %v\n%.2000s", path, err, body)
	}
	var p orPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func idsOf(t *testing.T, items []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, c := range items {
		var x struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(c, &x); err != nil {
			t.Fatal(err)
		}
		out = append(out, x.ID)
	}
	return out
}

func publicServiceIDs(t *testing.T, a *app) []string {
	t.Helper()
	rows, err := a.pool.Query(context.Background(), `SELECT a.service_uuid::text FROM agencies a WHERE `+directory.PublicAgency+` ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return ids
}

// Every endpoint's answer is valid against the standard's schemas.
func TestOpenReferralEndpointsValidate(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	s := hsds(t)
	ctx := context.Background()

	var root struct {
		Version, Profile, OpenAPIURL string
		Publisher                    struct{ Name, URL string }
	}
	body := orOK(t, a, "/")
	if err := json.Unmarshal([]byte(body), &root); err != nil || root.Version != "3.0" || root.Profile == "" ||
		!strings.Contains(body, `"openapi_url":"https://`) || root.Publisher.Name != "North Lanarkshire Council" {
		t.Errorf("root: %v %s", err, body)
	}

	all := publicServiceIDs(t, a)
	p := orList(t, a, s, "/services", "service_list")
	if p.TotalItems != len(all) || p.Size != min(50, len(all)) || !p.FirstPage || p.PageNumber != 1 || p.Empty {
		t.Errorf("services page: %+v (%d public)", p, len(all))
	}
	orList(t, a, s, "/services?minimal=true&per_page=1000", "service_list")
	full := orList(t, a, s, "/services?full=true&per_page=1000", "service")
	if got := idsOf(t, full.Contents); len(got) != len(all) || !p.LastPage == (len(all) <= 50) {
		t.Errorf("full services: %d items, want %d", len(got), len(all))
	}
	last := orList(t, a, s, "/services?per_page=7&page="+strconv.Itoa((len(all)+6)/7), "service_list")
	if !last.LastPage || last.FirstPage || last.Size != len(all)-7*((len(all)+6)/7-1) {
		t.Errorf("last page: %+v", last)
	}
	past := orList(t, a, s, "/services?page=1000", "service_list")
	if past.Size != 0 || past.Empty || !past.LastPage {
		t.Errorf("past the end: %+v", past)
	}

	// One fully nested service: Women's Aid has contacts, areas, categories and a schedule.
	var svc, org, slug string
	if err := a.pool.QueryRow(ctx, `SELECT a.service_uuid::text, a.uuid::text, a.slug FROM agencies a
		WHERE `+directory.PublicAgency+` AND EXISTS (SELECT 1 FROM contacts c WHERE c.agency_id = a.id AND c.main AND c.visibility = 'public')
		  AND EXISTS (SELECT 1 FROM agency_areas j WHERE j.agency_id = a.id) AND reviewed_at IS NOT NULL
		ORDER BY a.slug LIMIT 1`).Scan(&svc, &org, &slug); err != nil {
		t.Fatal(err)
	}
	body = orOK(t, a, "/services/"+svc)
	if err := s.Validate("service", []byte(body)); err != nil {
		t.Fatalf("service: %v\n%s", err, body)
	}
	var one openreferral.Service
	json.Unmarshal([]byte(body), &one)
	if one.ID != svc || one.OrganizationID != org || one.Organization == nil || len(one.Contacts) == 0 || len(one.Phones) == 0 ||
		len(one.ServiceAreas) == 0 || len(one.Attributes) == 0 || one.AssuredDate == "" || one.LastModified == "" {
		t.Errorf("service %s is not fully nested: %s", slug, body)
	}

	orgs := orList(t, a, s, "/organizations?per_page=1000", "organization_list")
	if orgs.TotalItems != len(all) {
		t.Errorf("organizations: %d, want %d", orgs.TotalItems, len(all))
	}
	orList(t, a, s, "/organizations?full=true&per_page=3", "organization")
	body = orOK(t, a, "/organizations/"+org)
	if err := s.Validate("organization", []byte(body)); err != nil || !strings.Contains(body, svc) ||
		!strings.Contains(body, `"uri":"http://127.0.0.1:8080/agencies/`+slug+`"`) {
		t.Errorf("organization: %v\n%s", err, body)
	}
	sal := orList(t, a, s, "/service_at_locations?per_page=1000", "service_at_location_list")
	if sal.TotalItems != len(all) {
		t.Errorf("service_at_locations: %d, want %d", sal.TotalItems, len(all))
	}

	tax := orList(t, a, s, "/taxonomies", "taxonomy")
	if tax.TotalItems != 3 {
		t.Errorf("taxonomies: %+v", tax)
	}
	for _, id := range idsOf(t, tax.Contents) {
		if err := s.Validate("taxonomy", []byte(orOK(t, a, "/taxonomies/"+id))); err != nil {
			t.Error(err)
		}
	}
	terms := orList(t, a, s, "/taxonomy_terms?per_page=1000", "taxonomy_term")
	var areas int
	a.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM areas WHERE retired_at IS NULL) + (SELECT count(*) FROM categories WHERE retired_at IS NULL)
		+ (SELECT count(*) FROM audiences WHERE retired_at IS NULL)`).Scan(&areas)
	if terms.TotalItems != areas {
		t.Errorf("taxonomy_terms: %d, want %d", terms.TotalItems, areas)
	}
	term := idsOf(t, terms.Contents)[0]
	if err := s.Validate("taxonomy_term", []byte(orOK(t, a, "/taxonomy_terms/"+term))); err != nil {
		t.Error(err)
	}
	areaTerms := orList(t, a, s, "/taxonomy_terms?taxonomy_id="+openreferral.AreasID, "taxonomy_term")
	if areaTerms.TotalItems == 0 || areaTerms.TotalItems >= terms.TotalItems {
		t.Errorf("area terms: %d of %d", areaTerms.TotalItems, terms.TotalItems)
	}
}

// Staff-only contacts and agencies and archived agencies are absent from every answer: not
// a name, not a number.
func TestOpenReferralPublishesOnlyPublic(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	// An archived public agency, a staff-only contact of a public agency, a staff-only agency.
	mustExec(t, a.pool, `UPDATE agencies SET archived_at = now() WHERE slug = 'galop'`)
	mustExec(t, a.pool, `INSERT INTO contacts (agency_id, role_title, person_name, phones, email, visibility)
		SELECT id, 'Secret duty line', 'Quentin Hiddenperson', '[{"label":"Duty","number":"01632960999"}]', 'quentin.hidden@example.org', 'staff'
		FROM agencies WHERE slug = 'monklands-womens-aid'`)
	var staffAgency, staffService, archivedService string
	if err := a.pool.QueryRow(ctx, `SELECT name, service_uuid::text FROM agencies WHERE visibility = 'staff' AND archived_at IS NULL LIMIT 1`).
		Scan(&staffAgency, &staffService); err != nil {
		t.Fatal(err)
	}
	a.pool.QueryRow(ctx, `SELECT service_uuid::text FROM agencies WHERE slug = 'galop'`).Scan(&archivedService)
	if err := a.srv.directory.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	var secrets []string
	rows, _ := a.pool.Query(ctx, `SELECT c.role_title, c.person_name, c.email, p->>'number' FROM contacts c
		CROSS JOIN jsonb_array_elements(c.phones) p WHERE c.visibility = 'staff' AND c.person_name <> ''`)
	for rows.Next() {
		var role, person, email, number string
		rows.Scan(&role, &person, &email, &number)
		secrets = append(secrets, person, email, number, number[:5]+" "+number[5:])
	}
	rows.Close()
	secrets = append(secrets, "Galop", staffAgency, staffService, archivedService, "Quentin", "960999")
	if len(secrets) < 10 {
		t.Fatalf("demo data has too few staff-only contacts to test: %v", secrets)
	}
	everything := []string{"/services?full=true&per_page=1000", "/services?format=ndjson&full=true", "/organizations?full=true&per_page=1000",
		"/service_at_locations?full=true&per_page=1000", "/services?search=" + url.QueryEscape(staffAgency) + "&full=true",
		"/services?search=Quentin&full=true", "/services?search=galop"}
	for _, p := range everything {
		resp, body := orGet(t, a, p, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %q", p, s)
			}
		}
	}
	for _, id := range []string{staffService, archivedService} {
		if resp, body := orGet(t, a, "/services/"+id, nil); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"status":404`) {
			t.Errorf("hidden service %s: %d %s", id, resp.StatusCode, body)
		}
	}
	// Signed in as staff makes no difference: the API has no session.
	u := a.signInAs(t, access.Admin, "")
	if _, body := u.get(t, orBase+"/services/"+staffService); !strings.Contains(body, `"status":404`) {
		t.Errorf("a signed-in admin reads a staff-only service: %s", body)
	}
}

// ndjson streams every public service, one valid object a line.
func TestOpenReferralNDJSONStreamsEveryService(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	s := hsds(t)
	for _, p := range []string{"", "&full=true", "&search=support"} {
		resp, body := orGet(t, a, "/services?format=ndjson"+p, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		schema := "service_list"
		if p == "&full=true" {
			schema = "service"
		}
		var got []string
		sc := bufio.NewScanner(strings.NewReader(body))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if err := s.Validate(schema, sc.Bytes()); err != nil {
				t.Fatalf("%s line %d: %v", p, len(got)+1, err)
			}
			got = append(got, idsOf(t, []json.RawMessage{sc.Bytes()})...)
		}
		want := publicServiceIDs(t, a)
		if p == "&search=support" {
			page := orList(t, a, s, "/services?per_page=1000&search=support", "service_list")
			want = idsOf(t, page.Contents)
			if len(want) == 0 {
				t.Fatal("nothing matches support")
			}
		} else {
			slices.Sort(got)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d services streamed, want %d", p, len(got), len(want))
		}
	}
}

// The search is the site's: same results, same order; the filters narrow as they say.
func TestOpenReferralSearchAndFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	s := hsds(t)
	ctx := context.Background()
	res, err := a.srv.directory.Search(ctx, access.Viewer{}, directory.Query{Text: "refuge", Page: 1})
	if err != nil || len(res.Agencies) == 0 {
		t.Fatal(err, res.Total)
	}
	page := orList(t, a, s, "/services?search=refuge&per_page=1000", "service_list")
	if page.TotalItems != res.Total {
		t.Errorf("search refuge: %d, the site finds %d", page.TotalItems, res.Total)
	}
	for i, c := range page.Contents[:len(res.Agencies)] {
		var x openreferral.Service
		json.Unmarshal(c, &x)
		if x.Name != res.Agencies[i].Name {
			t.Errorf("search refuge result %d: %q, the site shows %q", i, x.Name, res.Agencies[i].Name)
		}
	}

	var areaTerm, orgID string
	var inArea int
	a.pool.QueryRow(ctx, `SELECT t.uuid::text, (SELECT count(*) FROM agency_areas j JOIN agencies a ON a.id = j.agency_id
		WHERE j.area_id = t.id AND `+directory.PublicAgency+`) FROM areas t WHERE t.slug = 'motherwell'`).Scan(&areaTerm, &inArea)
	a.pool.QueryRow(ctx, `SELECT uuid::text FROM agencies WHERE slug = 'monklands-womens-aid'`).Scan(&orgID)
	for _, path := range []string{"/services?full=true&per_page=1000&taxonomy_term_id=" + areaTerm,
		"/services?full=true&per_page=1000&search=support&taxonomy_term_id=" + areaTerm} {
		p := orList(t, a, s, path, "service")
		if p.TotalItems == 0 || (!strings.Contains(path, "search") && p.TotalItems != inArea) {
			t.Errorf("%s: %d, want %d", path, p.TotalItems, inArea)
		}
		for _, c := range p.Contents {
			if !strings.Contains(string(c), `"taxonomy_term_id":"`+areaTerm+`"`) {
				t.Errorf("%s: a service without the term: %.300s", path, c)
			}
		}
	}
	byArea := orList(t, a, s, "/services?per_page=1000&taxonomy_id="+openreferral.AreasID, "service_list")
	if byArea.TotalItems < inArea {
		t.Errorf("taxonomy_id areas: %d", byArea.TotalItems)
	}
	for _, path := range []string{"/services?organization_id=" + orgID, "/services?search=women&organization_id=" + orgID} {
		if p := orList(t, a, s, path, "service_list"); p.TotalItems != 1 || !strings.Contains(string(p.Contents[0]), orgID) {
			t.Errorf("%s: %+v", path, p)
		}
	}
	for path, want := range map[string]int{
		"/services?modified_after=2000-01-01":                             len(publicServiceIDs(t, a)),
		"/services?modified_after=2999-01-01T00:00:00Z":                   0,
		"/services?search=refuge&modified_after=2999-01-01":               0,
		"/services?taxonomy_term_id=3f7b145d-84af-42d7-8fae-eaca714b02b2": 0,
		"/services?search=zzqqxx":                                         0,
	} {
		if p := orList(t, a, s, path, "service_list"); p.TotalItems != want || (want == 0 && !p.Empty) {
			t.Errorf("%s: %d, want %d", path, p.TotalItems, want)
		}
	}
}

// Bad parameters get a JSON 400 naming them; unknown ids and paths a JSON 404.
func TestOpenReferralRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for path, param := range map[string]string{
		"/services?per_page=1001":                       "per_page",
		"/services?per_page=abc":                        "per_page",
		"/services?page=0":                              "page",
		"/services?page=1&page=2":                       "page",
		"/services?modified_after=yesterday":            "modified_after",
		"/services?taxonomy_term_id=nope":               "taxonomy_term_id",
		"/services?taxonomy_id=1":                       "taxonomy_id",
		"/services?organization_id=x":                   "organization_id",
		"/services?format=xml":                          "format",
		"/services?minimal=maybe":                       "minimal",
		"/services?full=yes":                            "full",
		"/services?search=%ff":                          "search",
		"/services?search=" + strings.Repeat("a", 1000): "search",
		"/organizations?per_page=0":                     "per_page",
		"/taxonomy_terms?taxonomy_id=abc":               "taxonomy_id",
		"/service_at_locations?page=-1":                 "page",
	} {
		resp, body := orGet(t, a, path, nil)
		var p struct {
			Status    int
			Parameter string
			Message   string
		}
		if err := json.Unmarshal([]byte(body), &p); err != nil || resp.StatusCode != http.StatusBadRequest || p.Parameter != param ||
			!strings.Contains(p.Message, param) {
			t.Errorf("%.60s: %d %s, want 400 naming %s", path, resp.StatusCode, body, param)
		}
	}
	for _, path := range []string{"/services/3f7b145d-84af-42d7-8fae-eaca714b02b2", "/services/not-a-uuid",
		"/organizations/3f7b145d-84af-42d7-8fae-eaca714b02b2", "/taxonomies/nope", "/taxonomy_terms/3f7b145d-84af-42d7-8fae-eaca714b02b2",
		"/nothing-here"} {
		resp, body := orGet(t, a, path, nil)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"status":404`) || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
	resp, body := a.do(t, http.MethodPost, orBase+"/services", nil, nil)
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(body, `"status":405`) {
		t.Errorf("POST: %d %s", resp.StatusCode, body)
	}
	resp, _ = a.do(t, http.MethodOptions, orBase+"/services", nil, map[string]string{"Origin": "https://elsewhere.example",
		"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "if-none-match"})
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "If-None-Match") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

// ETag and Last-Modified give 304s until the directory changes; a rename keeps every id.
func TestOpenReferralConditionalAndStableIDs(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := context.Background()
	var svc, org string
	a.pool.QueryRow(ctx, `SELECT service_uuid::text, uuid::text FROM agencies WHERE slug = 'monklands-womens-aid'`).Scan(&svc, &org)
	for _, path := range []string{"/services/" + svc, "/services?search=refuge", "/taxonomy_terms"} {
		resp, body := orGet(t, a, path, nil)
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if resp.StatusCode != 200 || etag == "" || lm == "" {
			t.Fatalf("%s: %d etag %q last-modified %q", path, resp.StatusCode, etag, lm)
		}
		for _, h := range []map[string]string{{"If-None-Match": etag}, {"If-Modified-Since": lm}} {
			resp, again := orGet(t, a, path, h)
			if resp.StatusCode != http.StatusNotModified || again != "" || resp.Header.Get("ETag") != etag {
				t.Errorf("%s with %v: %d, want 304", path, h, resp.StatusCode)
			}
		}
		if resp, again := orGet(t, a, path, map[string]string{"If-None-Match": `W/"other"`}); resp.StatusCode != 200 || again != body {
			t.Errorf("%s with another ETag: %d", path, resp.StatusCode)
		}
	}

	resp, _ := orGet(t, a, "/services/"+svc, nil)
	etag := resp.Header.Get("ETag")
	before, _ := time.Parse(http.TimeFormat, resp.Header.Get("Last-Modified"))
	time.Sleep(1100 * time.Millisecond) // Last-Modified counts whole seconds
	mustExec(t, a.pool, `UPDATE agencies SET name = 'Monklands Women''s Aid (renamed)', slug = slug, version = version + 1, updated_at = now()
		WHERE slug = 'monklands-womens-aid'`)
	if err := a.srv.directory.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	resp, body := orGet(t, a, "/services/"+svc, map[string]string{"If-None-Match": etag})
	after, _ := time.Parse(http.TimeFormat, resp.Header.Get("Last-Modified"))
	var one openreferral.Service
	json.Unmarshal([]byte(body), &one)
	if resp.StatusCode != 200 || one.ID != svc || one.OrganizationID != org || one.Name != "Monklands Women's Aid (renamed)" ||
		one.Organization == nil || one.Organization.ID != org || !after.After(before) {
		t.Errorf("after a rename: %d %s (last modified %v, before %v)", resp.StatusCode, body, after, before)
	}
	found := false
	for _, c := range one.Contacts {
		found = found || (c.ID != "" && len(c.Phones) > 0)
	}
	if !found {
		t.Errorf("no contact with phones: %s", body)
	}
	// The same ids on another read: phones and attributes are derived, not random.
	_, again := orGet(t, a, "/services/"+svc+"?", nil)
	if again != body {
		t.Error("a second read differs")
	}
}

// Past the limit a client gets 429 with Retry-After; another client is not affected.
func TestOpenReferralRateLimit(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	a := startAppWith(t, pool, map[string]string{"OPEN_DATA_RATE_LIMIT": "5"})
	for i := range 5 {
		if resp, _ := orGet(t, a, "/taxonomies", nil); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := orGet(t, a, "/taxonomies", nil)
	wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != http.StatusTooManyRequests || err != nil || wait < 1 || wait > 60 || !strings.Contains(body, `"status":429`) {
		t.Errorf("past the limit: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	// The site's pages are not limited.
	if resp, _ := a.get(t, "/directory"); resp.StatusCode != 200 {
		t.Errorf("the site is limited too: %d", resp.StatusCode)
	}
	l := &rateLimiter{perMinute: 60}
	now := time.Now()
	for range 60 {
		l.allow("192.0.2.1", now)
	}
	if ok, _ := l.allow("192.0.2.1", now); ok {
		t.Error("61st request in the same instant allowed")
	}
	if ok, _ := l.allow("192.0.2.2", now); !ok {
		t.Error("another address refused")
	}
	if ok, _ := l.allow("192.0.2.1", now.Add(1100*time.Millisecond)); !ok {
		t.Error("not refilled after a second")
	}
}

// TestOpenDataCacheKeepsWithinItsBounds: answers come back whole from their packed form, a new
// version is never answered from an older one, and the cache stays within its bytes and
// entries however many distinct answers pass through it.
func TestOpenDataCacheKeepsWithinItsBounds(t *testing.T) {
	var c openDataCache
	body := bytes.Repeat([]byte(`{"id":"7f0c","name":"a service with words that pack"},`), 1500) // 80 KB
	for i := range 3 * openDataCacheEntries {
		b := append(fmt.Appendf(nil, "[%d,", i), body...)
		c.put(fmt.Sprintf("/services?page=%d", i), 3, openDataEntry{etag: "e"}, b)
		if c.bytes > openDataCacheBytes || len(c.entries) > openDataCacheEntries {
			t.Fatalf("after %d answers the cache holds %d bytes in %d entries", i+1, c.bytes, len(c.entries))
		}
	}
	last := fmt.Sprintf("/services?page=%d", 3*openDataCacheEntries-1)
	e, ok := c.get(last, 3, true)
	if !ok {
		t.Fatal("the answer just kept is not there")
	}
	var buf bytes.Buffer
	got, err := e.unpack(&buf)
	if want := append(fmt.Appendf(nil, "[%d,", 3*openDataCacheEntries-1), body...); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the kept answer comes back as %d bytes (%v), want %d", len(got), err, len(want))
	}
	if cap(e.s2) > len(e.s2)+64 {
		t.Fatalf("an answer packed to %d bytes holds %d", len(e.s2), cap(e.s2))
	}
	if _, ok := c.get(last, 4, true); ok {
		t.Fatal("an answer kept at one version was served at the next")
	}
	if _, ok := c.get(last, 3, false); ok {
		t.Fatal("an answer was served while the index was out of touch")
	}
}
