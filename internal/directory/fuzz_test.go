package directory

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseQuery: any query string gives a Query or an InputError, never a panic, and what it
// accepts is within the limits the search relies on.
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
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > maxQueryRunes || q.Page < 1 || q.Page > maxPage {
			t.Fatalf("accepted out-of-range query %+v", q)
		}
		for _, s := range append(append(q.Areas, q.Categories...), q.Audiences...) {
			if !validSlug(s) {
				t.Fatalf("accepted bad slug %q", s)
			}
		}
	})
}

// FuzzTsquery: whatever people type, the text handed to to_tsquery holds only words and the
// operators we put there, so it can never be a tsquery syntax error or injection.
func FuzzTsquery(f *testing.F) {
	for _, s := range []string{"dv & refuge:*", "'; DROP TABLE", "((a|b))", "Women’s Aid", "ß\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := tsquery(words(text), nil, nil)
		for _, w := range strings.FieldsFunc(got, func(r rune) bool { return strings.ContainsRune("()&|: *", r) }) {
			for _, r := range w {
				if strings.ContainsRune("'\\!<>-", r) {
					t.Fatalf("tsquery %q contains %q", got, r)
				}
			}
		}
	})
}
