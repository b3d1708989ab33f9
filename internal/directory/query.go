package directory

import (
	"net/url"
	"strings"

	"dadirectory/internal/searchform"
)

// PageSize is how many agencies a results page shows.
const PageSize = 20

// Query is one directory search: free text and filters, as the /directory form sends them.
// Filter values are slugs; several values of one filter mean any of them.
type Query struct {
	Text       string
	Areas      []string
	Categories []string
	Audiences  []string
	Kinds      []string
	Languages  []string // slugs of Taxonomy.Languages
	Open24     bool
	Page       int
}

// IsEmpty reports whether the query asks for nothing in particular (so it lists everything).
func (q Query) IsEmpty() bool {
	return strings.TrimSpace(q.Text) == "" && len(q.Areas)+len(q.Categories)+len(q.Audiences)+len(q.Kinds)+len(q.Languages) == 0 && !q.Open24
}

// The messages of the filters: a value not on the list, and more values than a form offers.
var (
	areaMessages     = searchform.Messages{NotListed: "Choose an area from the list.", TooMany: "Choose fewer areas."}
	categoryMessages = searchform.Messages{NotListed: "Choose a type of support from the list.", TooMany: "Choose fewer types of support."}
	audienceMessages = searchform.Messages{NotListed: "Choose who the service is for from the list.", TooMany: "Choose fewer groups of people."}
	languageMessages = searchform.Messages{NotListed: "Choose a language from the list.", TooMany: "Choose fewer languages."}
)

// ParseQuery reads a Query from the /directory form. Bad input gives a
// *searchform.InputError and the Query as far as it could be read, so the page can show the
// form with the person's values.
func ParseQuery(v url.Values) (Query, error) {
	f := searchform.Read(v)
	q := Query{Text: f.Text()}
	q.Areas = f.Slugs("area", areaMessages)
	q.Categories = f.Slugs("category", categoryMessages)
	q.Audiences = f.Slugs("audience", audienceMessages)
	q.Languages = f.Slugs("language", languageMessages)
	q.Kinds = f.Choices("kind", func(k string) bool { return Kind(k).Label() != k },
		"Choose a type of organisation from the list.")
	switch v.Get("open24") {
	case "", "0":
	case "1", "on", "true":
		q.Open24 = true
	default:
		f.Fail("open24", "Choose whether to show only services open 24 hours.")
	}
	q.Page = f.Page()
	return q, f.Err()
}

// open24Values is how a link says "open 24 hours only".
var open24Values = []string{"1"}

// filters are the query's fields other than the text and the page, for links.
func (q Query) filters() [6]searchform.Field {
	var open24 []string
	if q.Open24 {
		open24 = open24Values
	}
	return [6]searchform.Field{{Name: "area", Values: q.Areas}, {Name: "category", Values: q.Categories},
		{Name: "audience", Values: q.Audiences}, {Name: "language", Values: q.Languages}, {Name: "kind", Values: q.Kinds},
		{Name: "open24", Values: open24}}
}

// PageURL is the /directory address of page n of these results.
func (q Query) PageURL(n int) string {
	f := q.filters()
	return searchform.PageURL("/directory", n, q.Text, f[:]...)
}

// DownloadURL is the /directory.csv address of these results: every page of them, as CSV.
func (q Query) DownloadURL() string {
	f := q.filters()
	return searchform.PageURL("/directory.csv", 1, q.Text, f[:]...)
}
