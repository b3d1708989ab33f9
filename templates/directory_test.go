package templates

import (
	"context"
	"strings"
	"testing"

	"dadirectory/internal/directory"
	"dadirectory/internal/site"
)

func renderDirectory(t *testing.T, p DirectoryPage) string {
	t.Helper()
	b := Base{Site: site.Settings{SiteName: "DA Directory", CouncilName: "North Lanarkshire Council",
		HelplineName: "Scotland's helpline", HelplineNumber: "08000271234", HelplineHours: "24 hours a day"}}
	var out strings.Builder
	if err := Directory(b, p).Render(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func wantHTML(t *testing.T, what, html string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(html, w) {
			t.Errorf("%s: missing %s", what, w)
		}
	}
}

var testTaxonomy = directory.Taxonomy{
	Areas:      []directory.Term{{Slug: "wishaw", Name: "Wishaw"}, {Slug: "motherwell", Name: "Motherwell"}},
	Categories: []directory.Term{{Slug: "refuge", Name: "Refuge and accommodation"}},
	Languages:  []directory.Term{{Slug: "polish", Name: "Polish"}},
}

// The results say how the search read the text: the place, how far each result reaches, a
// corrected spelling, the words left out, and for staff the contact that matched.
func TestDirectoryShowsHowTheSearchReadTheText(t *testing.T) {
	q := directory.Query{Text: "refuge wishaw tonite", Languages: []string{"polish"}}
	html := renderDirectory(t, DirectoryPage{Taxonomy: testTaxonomy, Results: directory.Results{
		Query: q, Total: 3, Pages: 1,
		Place: "Wishaw", PlaceArea: directory.Term{Slug: "wishaw", Name: "Wishaw"},
		Unmatched: []string{"tonite"}, Suggestion: "refuge wishaw tonight",
		Agencies: []directory.AgencySummary{
			{Slug: "local", Name: "Local aid", Kind: "da_agency"},
			{Slug: "council", Name: "Council team", Kind: "council", Reach: directory.ReachCouncil},
			{Slug: "national", Name: "National line", Kind: "helpline", Reach: directory.ReachNational,
				Contact: &directory.ContactMatch{RoleTitle: "Domestic abuse lead", PersonName: "Sam Demo",
					Phone: directory.Phone{Label: "Office", Number: "01698123456"}, StaffOnly: true}},
		},
	}})
	wantHTML(t, "results", html,
		"Showing services covering <strong>Wishaw</strong> first, then services for all of North Lanarkshire and national services.",
		`<a href="/directory?language=polish&amp;q=refuge+tonite">Search all areas</a>`,
		`Showing results for <a href="/directory?language=polish&amp;q=refuge+wishaw+tonight"><strong>refuge wishaw tonight</strong></a>`,
		"No organisation matched “tonite”, so these results leave it out.",
		`<span class="tag tag--reach">Covers all of North Lanarkshire</span>`,
		`<span class="tag tag--reach">National service</span>`,
		"Matching contact: <strong>Domestic abuse lead</strong>", "Sam Demo", `href="tel:+441698123456"`,
		`href="/agencies/local?back=%2Fdirectory%3Flanguage%3Dpolish%26q%3Drefuge%2Bwishaw%2Btonite"`,
		"Filter (1 applied)", `name="language" value="polish" checked`,
		`<span class="visually-hidden">Remove filter </span> <span class="filter-tag__group">Language:</span> Polish`,
	)
	if strings.Count(html, "tag--reach") != 2 {
		t.Error("a local result is labelled with its reach")
	}
}

// With no results the page still helps: the corrected spelling, all areas, the helpline, 999.
func TestDirectoryEmptyResultsAreNoDeadEnd(t *testing.T) {
	q := directory.Query{Text: "refuj in ML2", Areas: []string{"motherwell"}}
	html := renderDirectory(t, DirectoryPage{Taxonomy: testTaxonomy, Results: directory.Results{
		Query: q, Place: "ML2", PlaceArea: directory.Term{Slug: "wishaw", Name: "Wishaw"}, Suggestion: "refuge in ML2",
	}})
	wantHTML(t, "no results", html, "No organisations match your search.",
		`Did you mean <a href="/directory?area=motherwell&amp;q=refuge+in+ML2"><strong>refuge in ML2</strong></a>?`,
		`<a href="/directory?q=refuj">search all areas</a>`,
		`href="tel:+448000271234"`, "(24 hours a day)", `<a href="tel:999">999</a>`)
	if strings.Contains(html, "Showing services covering") {
		t.Error("an empty page says what it is showing first")
	}
	// Without a place, no "all areas" link; without a suggestion, no "Did you mean".
	html = renderDirectory(t, DirectoryPage{Taxonomy: testTaxonomy, Results: directory.Results{Query: directory.Query{Text: "zzz"}}})
	if strings.Contains(html, "search all areas") || strings.Contains(html, "Did you mean") {
		t.Error("an empty page offers what does not apply")
	}
	wantHTML(t, "no results without a place", html, `href="tel:+448000271234"`, `<a href="tel:999">999</a>`)
}

// The language filter shows only when the directory knows languages.
func TestDirectoryLanguageFilterOnlyWithLanguages(t *testing.T) {
	tax := testTaxonomy
	tax.Languages = nil
	if html := renderDirectory(t, DirectoryPage{Taxonomy: tax}); strings.Contains(html, `id="f-language"`) {
		t.Error("a language filter with no languages")
	}
	if html := renderDirectory(t, DirectoryPage{Taxonomy: testTaxonomy}); !strings.Contains(html, `id="f-language"`) {
		t.Error("no language filter although the directory knows languages")
	}
}

func TestWithoutPlace(t *testing.T) {
	for _, c := range []struct{ text, place, want string }{
		{"refuge in Wishaw", "Wishaw", "refuge"},
		{"Wishaw", "Wishaw", ""},
		{"refuge near ml2 4", "ML2 4", "refuge"},
		{"wishaw refuge", "Wishaw", "refuge"},
		{"refuge, Wishaw.", "Wishaw", "refuge,"},
		{"refuge", "", "refuge"},
		{"refuge in Motherwell", "Wishaw", "refuge in Motherwell"},
	} {
		if got := withoutPlace(c.text, c.place); got != c.want {
			t.Errorf("withoutPlace(%q, %q) = %q, want %q", c.text, c.place, got, c.want)
		}
	}
}

// The filters are kept once drawn (fragments.go): whatever changes what a filter shows (a
// ticked box, a renamed area, an error) must show, however often the same filters came before.
func TestKeptFiltersFollowTheirInput(t *testing.T) {
	plain := renderDirectory(t, DirectoryPage{Taxonomy: testTaxonomy})
	if again := renderDirectory(t, DirectoryPage{Taxonomy: testTaxonomy}); again != plain {
		t.Fatal("the same search drew different pages")
	}
	ticked := DirectoryPage{Taxonomy: testTaxonomy}
	ticked.Results.Query.Areas = []string{"wishaw"}
	wantHTML(t, "ticked", renderDirectory(t, ticked), `value="wishaw" checked`, `(1 selected)`)
	if strings.Contains(renderDirectory(t, DirectoryPage{Taxonomy: testTaxonomy}), `value="wishaw" checked`) {
		t.Error("a box ticked in one search stayed ticked in the next")
	}
	renamed := testTaxonomy
	renamed.Areas = []directory.Term{{Slug: "wishaw", Name: "Wishaw and Newmains"}, {Slug: "motherwell", Name: "Motherwell"}}
	wantHTML(t, "renamed", renderDirectory(t, DirectoryPage{Taxonomy: renamed}), ">Wishaw and Newmains</label>")
	wrong := DirectoryPage{Taxonomy: testTaxonomy, Errors: []FieldError{{Field: "category", Message: "Choose a type of support from the list"}}}
	wantHTML(t, "error", renderDirectory(t, wrong), "Choose a type of support from the list")
	if strings.Contains(renderDirectory(t, DirectoryPage{Taxonomy: testTaxonomy}), "Choose a type of support") {
		t.Error("an error stayed on the next search")
	}
}

// The cache is bounded: many distinct filter states never keep more than maxFragments.
func TestKeptFragmentsAreBounded(t *testing.T) {
	for i := range maxFragments * 3 {
		p := DirectoryPage{Taxonomy: directory.Taxonomy{Areas: []directory.Term{{Slug: "a" + strings.Repeat("x", i%50), Name: strings.Repeat("y", i)}}}}
		renderDirectory(t, p)
	}
	fragments.mu.RLock()
	n := len(fragments.m)
	fragments.mu.RUnlock()
	if n > maxFragments {
		t.Errorf("%d fragments kept, at most %d", n, maxFragments)
	}
}
