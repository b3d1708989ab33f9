package directory

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// PageSize is how many agencies a results page shows.
const PageSize = 20

const (
	maxQueryRunes = 200  // longer than any real search; refused with a message
	maxWords      = 12   // further words add nothing but cost
	maxPage       = 1000 // 20,000 results deep is far enough
	maxValues     = 20   // repeated values of one filter
)

// Query is one directory search: free text and filters, as the /directory form sends them.
// Filter values are slugs; several values of one filter mean any of them.
type Query struct {
	Text       string
	Areas      []string
	Categories []string
	Audiences  []string
	Kinds      []string
	Open24     bool
	Page       int
}

// InputError is a problem with what the person asked for, in words they can act on.
type InputError struct {
	Field   string // the form field, so the page can point at it
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// IsEmpty reports whether the query asks for nothing in particular (so it lists everything).
func (q Query) IsEmpty() bool {
	return strings.TrimSpace(q.Text) == "" && len(q.Areas)+len(q.Categories)+len(q.Audiences)+len(q.Kinds) == 0 && !q.Open24
}

// ParseQuery reads a Query from the /directory form. Bad input gives an *InputError and the
// Query as far as it could be read, so the page can show the form with the person's values.
func ParseQuery(v url.Values) (Query, error) {
	q := Query{Page: 1}
	var firstErr error
	fail := func(field, msg string) {
		if firstErr == nil {
			firstErr = &InputError{Field: field, Message: msg}
		}
	}
	text := v.Get("q")
	switch {
	case !utf8.ValidString(text):
		fail("q", "Search text contains characters we cannot read. Type it again.")
		text = strings.ToValidUTF8(text, "")
	case utf8.RuneCountInString(text) > maxQueryRunes:
		fail("q", fmt.Sprintf("Search text must be %d characters or fewer.", maxQueryRunes))
		text = string([]rune(text)[:maxQueryRunes])
	}
	q.Text = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text))

	slugs := func(field string) []string {
		var out []string
		seen := map[string]bool{}
		for _, s := range v[field] {
			if s == "" || seen[s] {
				continue
			}
			if !validSlug(s) {
				fail(field, "Choose "+fieldNoun(field)+" from the list.")
				continue
			}
			seen[s] = true
			out = append(out, s)
		}
		if len(out) > maxValues {
			fail(field, "Choose fewer "+fieldNoun(field)+"s.")
			out = out[:maxValues]
		}
		return out
	}
	q.Areas = slugs("area")
	q.Categories = slugs("category")
	q.Audiences = slugs("audience")
	for _, k := range slugsKinds(v["kind"]) {
		if Kind(k).Label() == k {
			fail("kind", "Choose a type of organisation from the list.")
			continue
		}
		q.Kinds = append(q.Kinds, k)
	}
	switch v.Get("open24") {
	case "", "0":
	case "1", "on", "true":
		q.Open24 = true
	default:
		fail("open24", "Choose whether to show only services open 24 hours.")
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxPage {
			fail("page", "That results page does not exist.")
		} else {
			q.Page = n
		}
	}
	return q, firstErr
}

func slugsKinds(vals []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range vals {
		if s != "" && !seen[s] && len(out) < len(Kinds) {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func fieldNoun(field string) string {
	switch field {
	case "category":
		return "a type of support"
	case "audience":
		return "who the service is for"
	default:
		return "an " + field
	}
}

// validSlug checks the URL-name shape every slug has: ^[a-z0-9]+(-[a-z0-9]+)*$, 80 at most.
func validSlug(s string) bool {
	if s == "" || len(s) > 80 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// Values turns the query back into form values, for links to other pages of results.
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	v["area"] = q.Areas
	v["category"] = q.Categories
	v["audience"] = q.Audiences
	v["kind"] = q.Kinds
	if q.Open24 {
		v.Set("open24", "1")
	}
	for k, vals := range v {
		if len(vals) == 0 {
			delete(v, k)
		}
	}
	return v
}

// PageURL is the /directory address of page n of these results.
func (q Query) PageURL(n int) string {
	v := q.Values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/directory"
	}
	return "/directory?" + v.Encode()
}

// words folds search text the way the index folds agency text (see fold_text in the
// migrations): compatibility-normalised, lower case, apostrophes dropped so "women's" meets
// "womens"; anything but letters and digits separates words.
func words(text string) []string {
	text = norm.NFKC.String(text)
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	ws := strings.Fields(b.String())
	if len(ws) > maxWords {
		ws = ws[:maxWords]
	}
	return ws
}
