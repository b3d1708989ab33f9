package e2e

import (
	"strings"
	"testing"

	"dadirectory/internal/access"
)

// Searches in people's own words, as the pages show them: a place, a misspelling, a
// language, and for staff a phone number that finds a contact.
func TestSearchInOwnWordsInTheBrowser(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	text := func(selector string) string {
		return eval[string](t, ctx, `[...document.querySelectorAll(`+"`"+selector+"`"+`)].map(e => e.innerText).join("\n")`)
	}
	firstResult := func() string {
		return eval[string](t, ctx, `document.querySelector("ol.results h2, ol.results h3")?.innerText ?? ""`)
	}

	// A town narrows to the services covering it, local ones first, wide ones labelled.
	open(t, ctx, a.URL+"/directory?q=refuge+in+wishaw")
	if notes := text(".results-notes"); !strings.Contains(notes, "Showing services covering Wishaw first") {
		t.Errorf("refuge in Wishaw: notes %q", notes)
	}
	if got := firstResult(); !strings.Contains(got, "Motherwell and District Women") {
		t.Errorf("refuge in Wishaw: first result %q, want the local Women's Aid", got)
	}
	if results := text("ol.results"); !strings.Contains(results, "Covers all of North Lanarkshire") || !strings.Contains(results, "National service") {
		t.Errorf("refuge in Wishaw: wide services are not labelled:\n%s", results)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "search-place")

	// A misspelling finds what it meant, and says what it searched for.
	open(t, ctx, a.URL+"/directory?q=domestik+abuse")
	if notes := text(".results-notes"); !strings.Contains(notes, "Showing results for domestic abuse") {
		t.Errorf("domestik abuse: notes %q", notes)
	}
	if n := len(nodes(t, ctx, "ol.results > li")); n < 10 {
		t.Errorf("domestik abuse: %d results", n)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "search-typo")

	// A postcode district is a place too.
	open(t, ctx, a.URL+"/directory?q=ML2")
	firstFive := eval[string](t, ctx, `[...document.querySelectorAll("ol.results > li")].slice(0, 5).map(e => e.innerText).join("\n")`)
	if !strings.Contains(firstFive, "Motherwell and District Women") || !strings.Contains(text(".results-notes"), "Showing services covering ML2") {
		t.Errorf("ML2: first five results\n%s\nnotes %q", firstFive, text(".results-notes"))
	}

	// Languages are searched and a filter.
	open(t, ctx, a.URL+"/directory?q=polish")
	if results := text("ol.results"); !strings.Contains(results, "Motherwell and District Women") {
		t.Errorf("polish: results\n%s", results)
	}
	open(t, ctx, a.URL+"/directory?language=polish")
	if n := eval[int](t, ctx, `document.querySelectorAll("input[name=language][value=polish]:checked").length`); n != 1 {
		t.Errorf("the language filter is not offered or not checked")
	}
	if results := text("ol.results"); !strings.Contains(results, "Motherwell and District Women") || strings.Contains(results, "Samaritans") {
		t.Errorf("language=polish: results\n%s", results)
	}

	// Staff find a contact by a number written any way, and see the contact.
	a.signInAs(t, ctx, access.HousingStaff, "")
	open(t, ctx, a.URL+"/directory?q=%2B44+1632+960256")
	if got := text(".result__contact"); !strings.Contains(got, "Skyler Demo") || !strings.Contains(got, "01632 960256") {
		t.Errorf("a champion's number: contact shown %q", got)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "search-staff-number")
}
