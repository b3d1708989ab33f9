package directory

import (
	"math/rand/v2"
	"net/url"
	"testing"
	"unicode/utf8"

	"dadirectory/internal/edit"
	"dadirectory/internal/searchform"
)

// FuzzParseQuery: any query string gives a Query or an InputError, never a panic, and what it
// accepts is within the limits the search relies on. The shared reading of text, slugs and
// page has its own target (searchform's FuzzForm); this one covers the directory's fields.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"q=womens+aid&area=motherwell", "page=0", "kind=rsl&kind=rsl", "q=%ff%fe", "area=-a-", "open24=1&page=1000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseQuery(v)
		if err != nil {
			if _, ok := err.(*searchform.InputError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > searchform.MaxTextRunes || q.Page < 1 || q.Page > searchform.MaxPage {
			t.Fatalf("accepted out-of-range query %+v", q)
		}
		for _, s := range append(append(q.Areas, q.Categories...), q.Audiences...) {
			if !edit.ValidSlug(s) {
				t.Fatalf("accepted bad slug %q", s)
			}
		}
	})
}

// FuzzIndexSearch: whatever text and filters people send, searching the index never panics,
// never shows the public a staff-only agency, and its counts agree with its pages.
func FuzzIndexSearch(f *testing.F) {
	for _, s := range []string{"womens aid", "dv & refuge:*", "'; DROP TABLE agencies;--", "\x00\xff", "a b c d e f g h i j k l m",
		"the", "lanarkshir", "s", "ß\u0301", "<script>"} {
		f.Add(s, uint8(1), false)
	}
	r := rand.New(rand.NewPCG(7, 8))
	s := buildSnapshot(1, randomDocs(r, 300, 1), testTaxonomy())
	f.Fuzz(func(t *testing.T, text string, page uint8, staff bool) {
		q := Query{Text: text, Page: 1 + int(page)%5}
		res, _, err := s.search(staff, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total < 0 || res.Pages != (res.Total+PageSize-1)/PageSize || len(res.Agencies) > PageSize {
			t.Fatalf("total %d pages %d page of %d", res.Total, res.Pages, len(res.Agencies))
		}
		if q.Page <= res.Pages && len(res.Agencies) == 0 {
			t.Fatalf("page %d of %d is empty", q.Page, res.Pages)
		}
		for _, a := range res.Agencies {
			if !staff && a.StaffOnly {
				t.Fatalf("public search showed staff-only %s", a.Slug)
			}
		}
	})
}
