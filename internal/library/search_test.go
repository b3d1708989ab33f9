package library_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/library"
	"dadirectory/internal/searchform"
)

func slugsOf(rs []library.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Slug
	}
	return out
}

func search(t *testing.T, s *library.Store, v access.Viewer, query string) library.Results {
	t.Helper()
	vals, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	q, err := library.ParseQuery(vals)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	res, err := s.Search(context.Background(), v, q)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return res
}

// Staff-only resources never reach an anonymous visitor, in lists, facets or by slug; every
// signed-in role sees them.
func TestVisibility(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	all := search(t, s, access.Public, "")
	for _, r := range all.Resources {
		if r.StaffOnly {
			t.Errorf("anonymous sees staff resource %s", r.Slug)
		}
		if r.Owner != nil && r.Owner.Slug == "north-lanarkshire-marac" {
			t.Errorf("anonymous sees the staff-only owner of %s", r.Slug)
		}
	}
	if !slices.Contains(slugsOf(all.Resources), "housing-domestic-abuse-policy") {
		t.Errorf("public resource missing: %v", slugsOf(all.Resources))
	}
	if _, err := s.Get(ctx, access.Public, "marac-operating-protocol"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("anonymous get staff resource: %v", err)
	}
	if _, err := s.FileOf(ctx, access.Public, "marac-operating-protocol"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("anonymous get staff file: %v", err)
	}
	facets, err := s.Facets(ctx, access.Public)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range facets.Owners {
		if o.Slug == "north-lanarkshire-marac" {
			t.Error("anonymous facets name a staff-only organisation")
		}
	}
	var q library.Query
	q.Owners = []string{"north-lanarkshire-marac"}
	q.Page = 1
	var unknown *searchform.UnknownFilterError
	if _, err := s.Search(ctx, access.Public, q); !errors.As(err, &unknown) {
		t.Errorf("anonymous filter by staff-only owner: %v", err)
	}

	for _, role := range access.Roles {
		v := viewerOf(t, pool, role, map[access.Role]string{access.RSLOfficer: "link-group"}[role])
		res := search(t, s, v, "")
		if res.Total <= all.Total || !slices.Contains(slugsOf(res.Resources), "marac-operating-protocol") {
			t.Errorf("%s sees %d (public %d): %v", role, res.Total, all.Total, slugsOf(res.Resources))
		}
		r, err := s.Get(ctx, v, "marac-operating-protocol")
		if err != nil || r.File == nil || r.File.ContentType != "application/pdf" || r.Owner == nil {
			t.Errorf("%s get staff resource: %+v %v", role, r, err)
		}
	}
}

func TestSearchAndFilters(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	staff := viewerOf(t, pool, access.HousingStaff, "")
	for query, want := range map[string]string{
		"q=dash":                        "dash-risk-checklist",
		"q=Dash+checklist":              "dash-risk-checklist",
		"q=women's+aid":                 "scottish-womens-aid",
		"q=womens":                      "scottish-womens-aid",
		"q=protocol&kind=guidance":      "marac-operating-protocol",
		"q=checklst":                    "dash-risk-checklist", // a typo, by trigram similarity
		"topic=staying-safe-online":     "tech-safety-guide",
		"owner=north-lanarkshire-marac": "marac-referral-form",
		"q=safe+together":               "safe-and-together-model",
		"q=children":                    "safe-and-together-model", // by its topic's name
	} {
		res := search(t, s, staff, query)
		if !slices.Contains(slugsOf(res.Resources), want) {
			t.Errorf("%s: %v, want %s among them", query, slugsOf(res.Resources), want)
		}
	}
	for _, r := range search(t, s, staff, "kind=leaflet&kind=video").Resources {
		if r.Kind != "leaflet" && r.Kind != "video" {
			t.Errorf("kind filter let through %s (%s)", r.Slug, r.Kind)
		}
	}
	for _, r := range search(t, s, staff, "topic=marac&owner=north-lanarkshire-marac").Resources {
		if !slices.Contains(r.TopicSlugs(), "marac") || r.Owner.Slug != "north-lanarkshire-marac" {
			t.Errorf("topic and owner filter let through %s", r.Slug)
		}
	}
	if res := search(t, s, staff, "q=zzzzqqqq"); res.Total != 0 {
		t.Errorf("nonsense found %v", slugsOf(res.Resources))
	}
	if res := search(t, s, staff, "q=the"); res.Total == 0 {
		t.Error("a stop word alone should list everything")
	}
	// The title match comes first.
	if res := search(t, s, staff, "q=marac"); len(res.Resources) == 0 || res.Resources[0].Slug != "marac-operating-protocol" && res.Resources[0].Slug != "marac-referral-form" {
		t.Errorf("marac: %v", slugsOf(res.Resources))
	}
	var unknown *searchform.UnknownFilterError
	if _, err := s.Search(context.Background(), staff, library.Query{Topics: []string{"no-such-topic"}, Page: 1}); !errors.As(err, &unknown) || unknown.Field != "topic" {
		t.Errorf("unknown topic: %v", err)
	}
}

func TestParseQueryRefusesBadInput(t *testing.T) {
	t.Parallel()
	for query, field := range map[string]string{
		"q=%ff%fe":         "q",
		"kind=recipe":      "kind",
		"kind=<script>":    "kind",
		"topic=Not+A+Slug": "topic",
		"owner=../etc":     "owner",
		"page=0":           "page",
		"page=abc":         "page",
		"q=" + url.QueryEscape(strings.Repeat("é", 201)): "q",
	} {
		vals, _ := url.ParseQuery(query)
		_, err := library.ParseQuery(vals)
		var ie *searchform.InputError
		if !errors.As(err, &ie) || ie.Field != field {
			t.Errorf("%s: %v, want an error for %s", query, err, field)
		}
	}
	q, err := library.ParseQuery(url.Values{"q": {" dash\x00 "}, "kind": {"form_checklist", "form_checklist"}, "page": {"2"}})
	if err != nil || q.Text != "dash" || len(q.Kinds) != 1 || q.Page != 2 {
		t.Errorf("%+v %v", q, err)
	}
	if got := q.PageURL(3); got != "/resources?kind=form_checklist&page=3&q=dash" {
		t.Errorf("page url %s", got)
	}
}

// Abbreviations find what they stand for, as in the directory: "DA" finds the housing
// domestic abuse policy, whose title has no "DA" in it.
func TestSearchExpandsAbbreviations(t *testing.T) {
	t.Parallel()
	s, _ := demoStore(t)
	for _, q := range []string{"q=DA+policy", "q=da", "q=DV"} {
		res := search(t, s, access.Public, q)
		if !slices.Contains(slugsOf(res.Resources), "housing-domestic-abuse-policy") {
			t.Errorf("%s: %v", q, slugsOf(res.Resources))
		}
	}
	// The expansion is an alternative, not a requirement: the word itself still finds.
	if res := search(t, s, access.Public, "q=marac"); res.Total == 0 {
		t.Error("marac: nothing found")
	}
}
