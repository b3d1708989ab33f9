package searchform

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"dadirectory/internal/edit"
)

// read reads a form with one slug filter (area) and one filter from a list (kind: a or b).
func read(v url.Values) (text string, areas, kinds []string, page int, err error) {
	f := Read(v)
	text = f.Text()
	areas = f.Slugs("area", Messages{NotListed: "Choose an area from the list.", TooMany: "Choose fewer areas."})
	kinds = f.Choices("kind", func(k string) bool { return k == "a" || k == "b" }, "Choose a kind from the list.")
	page = f.Page()
	return text, areas, kinds, page, f.Err()
}

func TestRead(t *testing.T) {
	t.Parallel()
	text, areas, kinds, page, err := read(url.Values{"q": {"  refuge\x00 aid\t"}, "area": {"wishaw", "", "motherwell", "wishaw"},
		"kind": {"b", "b"}, "page": {"3"}})
	if err != nil || text != "refuge  aid" || !slices.Equal(areas, []string{"wishaw", "motherwell"}) ||
		!slices.Equal(kinds, []string{"b"}) || page != 3 {
		t.Errorf("got %q %v %v %d %v", text, areas, kinds, page, err)
	}
	if _, _, _, page, err := read(url.Values{}); page != 1 || err != nil {
		t.Errorf("empty form: page %d, %v", page, err)
	}
}

// Each problem names its field with the message people see; reading carries on, so the form
// can show everything else as typed, and the first problem is the one reported.
func TestReadRefuses(t *testing.T) {
	t.Parallel()
	many := url.Values{}
	for i := range MaxValues + 1 {
		many.Add("area", "area-"+strconv.Itoa(i))
	}
	for _, c := range []struct {
		v              url.Values
		field, message string
	}{
		{url.Values{"q": {"bad \xff text"}}, "q", "Search text contains characters we cannot read. Type it again."},
		{url.Values{"q": {strings.Repeat("é", MaxTextRunes+1)}}, "q", "Search text must be 200 characters or fewer."},
		{url.Values{"area": {"Not A Slug"}}, "area", "Choose an area from the list."},
		{url.Values{"area": {"-a"}}, "area", "Choose an area from the list."},
		{many, "area", "Choose fewer areas."},
		{url.Values{"kind": {"c"}}, "kind", "Choose a kind from the list."},
		{url.Values{"page": {"0"}}, "page", "That results page does not exist."},
		{url.Values{"page": {"1001"}}, "page", "That results page does not exist."},
		{url.Values{"page": {"two"}}, "page", "That results page does not exist."},
		{url.Values{"area": {"<b>"}, "page": {"-1"}}, "area", "Choose an area from the list."},
	} {
		text, areas, _, page, err := read(c.v)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field || ie.Message != c.message {
			t.Errorf("%v: %v, want %s: %s", c.v, err, c.field, c.message)
		}
		if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxTextRunes || len(areas) > MaxValues || page != 1 {
			t.Errorf("%v: kept %q %v page %d", c.v, text, areas, page)
		}
	}
	if text, _, _, _, _ := read(url.Values{"q": {"bad \xff text"}}); text != "bad  text" {
		t.Errorf("unreadable text kept as %q", text)
	}
}

func TestPageURL(t *testing.T) {
	t.Parallel()
	fields := []Field{{"open24", []string{"1"}}, {"area", []string{"motherwell", "wishaw"}}, {"kind", nil}}
	if got := PageURL("/directory", 3, "refuge", fields...); got != "/directory?area=motherwell&area=wishaw&open24=1&page=3&q=refuge" {
		t.Errorf("page 3: %s", got)
	}
	if got := PageURL("/directory", 1, "a&b"); got != "/directory?q=a%26b" {
		t.Errorf("page 1: %s", got)
	}
	if got := PageURL("/resources", 1, ""); got != "/resources" {
		t.Errorf("nothing chosen: %s", got)
	}
	if got := Encode("", 2, Field{"owner", []string{"o'brien & co"}}); got != "owner=o%27brien+%26+co&page=2" {
		t.Errorf("encoded: %s", got)
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	got := Words("Women’s AID, (Motherwell) & L.G.B.T+ café")
	want := "womens aid motherwell l g b t café"
	if strings.Join(got, " ") != want {
		t.Errorf("Words = %q, want %q", got, want)
	}
	if got := Words(strings.Repeat("word ", 20)); len(got) != MaxWords {
		t.Errorf("%d words kept", len(got))
	}
}

// FuzzForm: whatever a query string holds, a search form reads within its limits or says
// which field to change, never panics, and what it accepts round-trips through its links.
func FuzzForm(f *testing.F) {
	for _, s := range []string{"q=womens+aid&area=motherwell&kind=a", "page=0", "kind=a&kind=a", "q=%ff%fe", "area=-a-",
		"page=1000", "page=1e9999", "q=%00%1b%7f", "area=../../etc", "area='; DROP TABLE agencies;--", "q=<script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		text, areas, kinds, page, err := read(v)
		if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxTextRunes || strings.ContainsFunc(text, unicode.IsControl) ||
			text != strings.TrimSpace(text) || page < 1 || page > MaxPage || len(areas) > MaxValues {
			t.Fatalf("kept out of range: %q %v page %d", text, areas, page)
		}
		for _, s := range areas {
			if !edit.ValidSlug(s) {
				t.Fatalf("kept slug %q", s)
			}
		}
		for _, k := range kinds {
			if k != "a" && k != "b" {
				t.Fatalf("kept kind %q", k)
			}
		}
		if err != nil {
			if ie, ok := err.(*InputError); !ok || !slices.Contains([]string{"q", "area", "kind", "page"}, ie.Field) || ie.Message == "" {
				t.Fatalf("error %#v", err)
			}
			return
		}
		// Links write what was read as url.Values would, and read back the same.
		link := Encode(text, page, Field{"kind", kinds}, Field{"area", areas})
		want := url.Values{"area": areas, "kind": kinds}
		if text != "" {
			want.Set(TextField, text)
		}
		if page > 1 {
			want.Set(PageField, strconv.Itoa(page))
		}
		for k, vs := range want {
			if len(vs) == 0 {
				delete(want, k)
			}
		}
		if link != want.Encode() {
			t.Fatalf("link %q, url.Values gives %q", link, want.Encode())
		}
		back, err := url.ParseQuery(link)
		if err != nil {
			t.Fatal(err)
		}
		text2, areas2, kinds2, page2, err := read(back)
		if err != nil || text2 != text || !slices.Equal(areas2, areas) || !slices.Equal(kinds2, kinds) || page2 != page {
			t.Fatalf("round trip %q %v %v %d -> %q %v %v %d %v", text, areas, kinds, page, text2, areas2, kinds2, page2, err)
		}
	})
}
