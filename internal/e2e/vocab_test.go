package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"dadirectory/internal/access"
)

// TestSynonymSetsInTheBrowser: an admin adds a synonym set through the form (after a refused
// first try that keeps what they typed), edits it, loses a race to a second admin and is shown
// the merge, then removes it after the page that says what removing does. Every page passes
// axe.
func TestSynonymSetsInTheBrowser(t *testing.T) {
	a := newApp(t)
	first, second := newTab(t), newTab(t)
	a.signInAs(t, first, access.Admin, "")
	a.signInAs(t, second, access.Admin, "")

	if got := open(t, first, a.URL+"/admin"); got != 200 {
		t.Fatalf("/admin: %d", got)
	}
	if got := submitForm(t, first, chromedp.Click(chromedp.CSS(`nav.admin-nav a[href="/admin/synonyms"]`))); got != 200 {
		t.Fatalf("the Synonyms link: %d", got)
	}
	if !strings.Contains(text(t, first, "main"), "domestic abuse · domestic violence · DA · DV") {
		t.Errorf("the list lacks the seeded set: %q", text(t, first, "main"))
	}
	checkAccessible(t, first)
	screenshots(t, first, "synonyms-list")

	if got := submitForm(t, first, chromedp.Click(chromedp.CSS(`main a[href="/admin/synonyms/new"]`))); got != 200 {
		t.Fatalf("the add link: %d", got)
	}
	save := func(ctx context.Context, action, phrases string) int64 {
		t.Helper()
		do(t, ctx, chromedp.SetValue(chromedp.ID("phrases"), phrases))
		return submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="`+action+`"] button[type="submit"]`)))
	}
	typed := "befriending\n<b>peer support</b>"
	if got := save(first, "/admin/synonyms/new", typed); got != 422 {
		t.Fatalf("a refused set: %d, want 422", got)
	}
	if got := eval[string](t, first, `document.getElementById("phrases").value`); got != typed {
		t.Errorf("the form holds %q, want what was typed", got)
	}
	if s := text(t, first, ".error-summary"); !strings.Contains(s, "Line 2") || !strings.Contains(s, "angle brackets") {
		t.Errorf("error summary %q", s)
	}
	checkAccessible(t, first)
	screenshots(t, first, "synonym-errors")

	if got := save(first, "/admin/synonyms/new", "befriending\npeer support"); got != 200 {
		t.Fatalf("adding: %d", got)
	}
	if f := text(t, first, ".flash"); !strings.Contains(f, "Added the synonym set: befriending · peer support") {
		t.Errorf("flash %q", f)
	}
	var id int64
	if err := a.pool.QueryRow(t.Context(), `SELECT id FROM synonym_sets WHERE 'peer support' = ANY(phrases)`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	editPath := fmt.Sprintf("/admin/synonyms/%d/edit", id)

	// Both admins open the set; the second saves first.
	for _, tab := range []context.Context{first, second} {
		if got := open(t, tab, a.URL+editPath); got != 200 {
			t.Fatalf("%s: %d", editPath, got)
		}
	}
	if got := save(second, editPath, "befriending\npeer support\nbuddy"); got != 200 {
		t.Fatalf("the first edit: %d", got)
	}
	if got := save(first, editPath, "befriending\npeer support\nmentoring"); got != 409 {
		t.Fatalf("the stale edit: %d, want 409", got)
	}
	panel := text(t, first, ".conflict")
	for _, want := range []string{"Someone else saved changes", "Browser Test admin saved them on", "befriending · peer support · buddy",
		"Your version: befriending · peer support · mentoring"} {
		if !strings.Contains(panel, want) {
			t.Errorf("conflict panel lacks %q: %q", want, panel)
		}
	}
	if !eval[bool](t, first, `document.activeElement === document.querySelector(".conflict")`) {
		t.Error("the conflict panel does not have the focus")
	}
	checkAccessible(t, first)
	screenshots(t, first, "synonym-conflict")
	if got := save(first, editPath, "befriending\npeer support\nbuddy\nmentoring"); got != 200 {
		t.Fatalf("saving again: %d", got)
	}

	// Removing asks first.
	if got := open(t, first, a.URL+editPath); got != 200 {
		t.Fatal(got)
	}
	if got := submitForm(t, first, chromedp.Click(chromedp.CSS(fmt.Sprintf(`main a[href="/admin/synonyms/%d/remove"]`, id)))); got != 200 {
		t.Fatalf("the remove link: %d", got)
	}
	if m := text(t, first, "main"); !strings.Contains(m, "Searches for “befriending” will no longer find organisations described only as “peer support”, “buddy” or “mentoring”") {
		t.Errorf("the remove page does not say what removing does: %q", m)
	}
	checkAccessible(t, first)
	screenshots(t, first, "synonym-remove")
	if got := submitForm(t, first, chromedp.Click(chromedp.CSS(`main form[action$="/remove"] button[type="submit"]`))); got != 200 {
		t.Fatalf("removing: %d", got)
	}
	var n int
	if err := a.pool.QueryRow(t.Context(), `SELECT count(*) FROM synonym_sets WHERE id = $1`, id).Scan(&n); err != nil || n != 0 {
		t.Errorf("the set is still there: %d %v", n, err)
	}
}

// TestAreaPlacesInTheBrowser: an admin opens an area's places, is told which are listed under
// other areas too, types a full postcode and is told to enter its district, then saves.
func TestAreaPlacesInTheBrowser(t *testing.T) {
	a := newApp(t)
	ctx := newTab(t)
	a.signInAs(t, ctx, access.Admin, "")
	if got := open(t, ctx, a.URL+"/admin/places"); got != 200 {
		t.Fatalf("/admin/places: %d", got)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "places-list")
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main a[href="/admin/places/bellshill/edit"]`))); got != 200 {
		t.Fatalf("the edit link: %d", got)
	}
	if o := text(t, ctx, "main"); !strings.Contains(o, "Motherwell lists the whole district ML1: postcodes in ML1 4 find this area first") {
		t.Errorf("no overlap note: %q", o)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "places-edit")

	saveAs := func(places, postcodes string) int64 {
		t.Helper()
		do(t, ctx, chromedp.SetValue(chromedp.ID("places"), places), chromedp.SetValue(chromedp.ID("postcodes"), postcodes))
		return submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/admin/places/bellshill/edit"] button[type="submit"]`)))
	}
	places := eval[string](t, ctx, `document.getElementById("places").value`) + "\nMossend Village"
	if got := saveAs(places, "ML4 1\nML4 3\nML1 4\nML4 2AB"); got != 422 {
		t.Fatalf("a full postcode: %d, want 422", got)
	}
	if s := text(t, ctx, ".error-summary"); !strings.Contains(s, `Line 4, “ML4 2AB”: this is a full postcode. Enter its district, such as "ML1", or sector, such as "ML1 4".`) {
		t.Errorf("error summary %q", s)
	}
	if got := eval[string](t, ctx, `document.getElementById("places").value`); got != places {
		t.Errorf("the places typed were lost: %q", got)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "places-errors")

	if got := saveAs(places, "ml4 1\nML4 3\nML1 4\nml4 2"); got != 200 {
		t.Fatalf("saving: %d", got)
	}
	if f := text(t, ctx, ".flash"); !strings.Contains(f, "Saved the places of Bellshill.") {
		t.Errorf("flash %q", f)
	}
	var pcs string
	if err := a.pool.QueryRow(t.Context(), `SELECT array_to_string(p.postcodes, '|') FROM area_places p JOIN areas a ON a.id = p.area_id
		WHERE a.slug = 'bellshill'`).Scan(&pcs); err != nil || pcs != "ML4 1|ML4 3|ML1 4|ML4 2" {
		t.Errorf("saved postcodes %q (%v)", pcs, err)
	}
	if o := text(t, ctx, "main"); !strings.Contains(o, "ML4 2 is also listed under Mossend and Viewpark") {
		t.Errorf("no overlap note for ML4 2: %q", o)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "places-saved")
}
