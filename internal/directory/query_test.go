package directory

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"dadirectory/internal/searchform"
)

func TestParseQuery(t *testing.T) {
	q, err := ParseQuery(url.Values{"q": {"  refuge "}, "area": {"motherwell", "wishaw", "motherwell"},
		"kind": {"rsl"}, "open24": {"1"}, "page": {"2"}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "refuge" || len(q.Areas) != 2 || q.Kinds[0] != "rsl" || !q.Open24 || q.Page != 2 {
		t.Errorf("got %+v", q)
	}
	if got := q.PageURL(3); got != "/directory?area=motherwell&area=wishaw&kind=rsl&open24=1&page=3&q=refuge" {
		t.Errorf("PageURL = %s", got)
	}
}

func TestParseQueryRejects(t *testing.T) {
	for field, v := range map[string]url.Values{
		"q":        {"q": {strings.Repeat("a", 201)}},
		"area":     {"area": {"Not A Slug"}},
		"category": {"category": {"<script>"}},
		"kind":     {"kind": {"spaceship"}},
		"open24":   {"open24": {"maybe"}},
		"page":     {"page": {"-1"}},
	} {
		_, err := ParseQuery(v)
		var ie *searchform.InputError
		if !errors.As(err, &ie) || ie.Field != field || ie.Message == "" {
			t.Errorf("%v: err = %v, want InputError on %s", v, err, field)
		}
	}
	if _, err := ParseQuery(url.Values{"q": {"bad \xff utf8"}}); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

func TestParseQueryTooManyValuesReadsWell(t *testing.T) {
	many := func(prefix string) []string {
		var out []string
		for i := range 21 {
			out = append(out, prefix+"-"+strings.Repeat("x", i+1))
		}
		return out
	}
	for field, want := range map[string]string{
		"area": "Choose fewer areas.", "category": "Choose fewer types of support.", "audience": "Choose fewer groups of people.",
	} {
		_, err := ParseQuery(url.Values{field: many(field)})
		var ie *searchform.InputError
		if !errors.As(err, &ie) || ie.Field != field || ie.Message != want {
			t.Errorf("21 %ss: %v, want %q", field, err, want)
		}
	}
}
