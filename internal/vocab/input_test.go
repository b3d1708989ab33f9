package vocab

import (
	"strings"
	"testing"
)

func TestCleanPhrases(t *testing.T) {
	long := strings.Repeat("a", 61)
	many := strings.Repeat("x\n", 0)
	for i := range 41 {
		many += "phrase " + strings.Repeat("b", i+1) + "\n"
	}
	cases := []struct {
		name, in string
		want     []string // nil: refused
		msg      string   // part of a message when refused
	}{
		{"two phrases, spaces collapsed", "  domestic   abuse \r\n\n\tDV\t\n", []string{"domestic abuse", "DV"}, ""},
		{"allowed punctuation", "LGBTQ+\nhonour-based abuse\nwomen’s aid\nA&E\n999", []string{"LGBTQ+", "honour-based abuse", "women's aid", "A&E", "999"}, ""},
		{"accented letters", "Gàidhlig\nGaelic", []string{"Gàidhlig", "Gaelic"}, ""},
		{"exactly 60 characters", strings.Repeat("a", 60) + "\nb", []string{strings.Repeat("a", 60), "b"}, ""},
		{"empty", "", nil, "at least two phrases"},
		{"blank lines only", " \n\n \t", nil, "at least two phrases"},
		{"one phrase", "stalking", nil, "at least one more phrase"},
		{"oversized phrase", long + "\nb", nil, "60 characters or fewer (this has 61)"},
		{"41 phrases", many, nil, "at most 40 phrases"},
		{"too many lines", strings.Repeat("a\n", 2000), nil, "at most 40 phrases"},
		{"duplicate, other case", "DV\ndomestic abuse\ndv", nil, "Line 3, “dv”: this is already on line 1"},
		{"duplicate after collapsing spaces", "domestic  abuse\ndomestic abuse", nil, "already on line 1"},
		{"invalid UTF-8", "domestic abuse\nok \xff\xfe", nil, "characters we cannot read"},
		{"script tag", "<script>alert(1)</script>\nDV", nil, "remove angle brackets"},
		{"HTML entity", "a &amp; b\nc", nil, "the character \";\""},
		{"SQL metacharacters", "'; DROP TABLE synonym_sets;--\nDV", nil, "the character \";\""},
		{"quote and backslash", "a\\b\nc", nil, "the character"},
		{"NUL", "a\x00b\nc", nil, "hidden control character"},
		{"escape", "a\x1b[31mb\nc", nil, "hidden control character"},
		{"direction override", "abc\u202egpj\nc", nil, "hidden control character"},
		{"zero-width joiner", "a\u200db\nc", nil, "hidden control character"},
		{"emoji", "help 🙂\nc", nil, "the character"},
		{"punctuation only", "+\nDV", nil, "Line 1, “+”: a phrase needs at least one letter or digit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, errs := CleanPhrases(SetInput{Phrases: c.in})
			if c.want != nil {
				if len(errs) > 0 || strings.Join(got, "|") != strings.Join(c.want, "|") {
					t.Fatalf("got %q, %v; want %q", got, errs, c.want)
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("accepted %q", got)
			}
			all := errs.Error()
			if !strings.Contains(all, c.msg) {
				t.Errorf("messages %q lack %q", all, c.msg)
			}
			for _, e := range errs {
				if e.Field != "phrases" {
					t.Errorf("error on field %q", e.Field)
				}
				if strings.ContainsAny(e.Message, "\x00\x1b\u202e") {
					t.Errorf("message repeats a control character: %q", e.Message)
				}
			}
		})
	}
}

func TestCleanPhrasesListsEachBadLineOnce(t *testing.T) {
	in := strings.Repeat("<b>\n", 12) + "ok"
	_, errs := CleanPhrases(SetInput{Phrases: in})
	if len(errs) != maxLineErrors+1 || !strings.Contains(errs[maxLineErrors].Message, "4 more lines") {
		t.Errorf("%d messages: %v", len(errs), errs)
	}
}

func TestCleanPlaces(t *testing.T) {
	cases := []struct {
		name                string
		places, postcodes   string
		wantPlaces, wantPCs string // joined with |; "!" refused
		field, msg          string
	}{
		{"normalised and deduped", " Wishaw \nNEWMAINS\nnewmains\nBo’ness\nSt. Andrews\nNewton-on-Ayr", "ml2\n ML1   4 \nml1 4\ng67\nEH10", "Wishaw|NEWMAINS|Bo'ness|St. Andrews|Newton-on-Ayr", "ML2|ML1 4|G67|EH10", "", ""},
		{"empty is allowed", "", "", "", "", "", ""},
		{"full postcode", "", "ML1 4AB", "!", "!", "postcodes", `full postcode. Enter its district, such as "ML1", or sector, such as "ML1 4"`},
		{"full postcode without space", "", "ml14ab", "!", "!", "postcodes", "full postcode"},
		{"not a postcode", "", "Motherwell", "!", "!", "postcodes", `enter a postcode district, such as "ML1"`},
		{"partial unit", "", "ML1 4A", "!", "!", "postcodes", "enter a postcode district"},
		{"SQL in postcode", "", "ML1'; DROP TABLE area_places;--", "!", "!", "postcodes", "enter a postcode district"},
		{"script in place", "<script>alert(1)</script>", "", "!", "!", "places", "angle brackets"},
		{"punctuation only", "- .", "", "!", "!", "places", "needs at least one letter"},
		{"ampersand in place", "Airdrie & Coatbridge", "", "!", "!", "places", `the character "&"`},
		{"oversized place", strings.Repeat("a", 81), "", "!", "!", "places", "80 characters or fewer"},
		{"invalid UTF-8", "ok\xff", "", "!", "!", "places", "cannot read"},
		{"NUL", "a\x00b", "", "!", "!", "places", "hidden control character"},
		{"201 places", manyLines("Place", 201), "", "!", "!", "places", "at most 200 place names"},
		{"201 postcodes", "", manyPostcodes(201), "!", "!", "postcodes", "at most 200 postcode districts"},
		{"200 places", manyLines("Place", 200), "", manyLinesJoined("Place", 200), "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, errs := CleanPlaces(PlacesInput{Places: c.places, Postcodes: c.postcodes})
			if c.wantPlaces != "!" {
				if len(errs) > 0 || strings.Join(got.Places, "|") != c.wantPlaces || strings.Join(got.Postcodes, "|") != c.wantPCs {
					t.Fatalf("got %q %q %v", got.Places, got.Postcodes, errs)
				}
				return
			}
			if !errs.Has(c.field) || !strings.Contains(errs.Error(), c.msg) {
				t.Errorf("errors %v, want %s: %q", errs, c.field, c.msg)
			}
		})
	}
}

func manyLines(prefix string, n int) string {
	return strings.ReplaceAll(manyLinesJoined(prefix, n), "|", "\n")
}

func manyLinesJoined(prefix string, n int) string {
	var out []string
	for i := range n {
		out = append(out, prefix+" "+strings.Repeat("x", i/26+1)+string(rune('a'+i%26)))
	}
	return strings.Join(out, "|")
}

func manyPostcodes(n int) string {
	var out []string
	for i := range n {
		out = append(out, "G"+string(rune('0'+i%10))+string(rune('A'+i/10%26))+" "+string(rune('0'+i/260)))
	}
	return strings.Join(out, "\n")
}

func TestOverlapMessages(t *testing.T) {
	all := []AreaPlaces{
		{AreaSlug: "motherwell", AreaName: "Motherwell", Places: Places{Places: []string{"Motherwell", "Carfin"}, Postcodes: []string{"ML1"}}},
		{AreaSlug: "bellshill", AreaName: "Bellshill", Places: Places{Places: []string{"Bellshill"}, Postcodes: []string{"ML1 4", "ML4 1"}}},
		{AreaSlug: "wishaw", AreaName: "Wishaw", Places: Places{Postcodes: []string{"ML2"}}},
	}
	got := overlaps("bellshill", Places{Places: []string{"carfin"}, Postcodes: []string{"ML1 4", "ML2", "ML4 1"}}, all)
	var msgs []string
	for _, o := range got {
		msgs = append(msgs, o.Message())
	}
	want := []string{
		"carfin is also a place of Motherwell: a search naming it finds services covering either area first.",
		"Motherwell lists the whole district ML1: postcodes in ML1 4 find this area first, since a sector beats a district.",
		"ML2 is also listed under Wishaw: a postcode in ML2 finds services covering either area first.",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	got = overlaps("motherwell", Places{Postcodes: []string{"ML1"}}, all)
	if len(got) != 1 || got[0].Message() != "Bellshill lists the sector ML1 4, within ML1: postcodes in ML1 4 find Bellshill first, the rest of ML1 this area." {
		t.Errorf("district with a sector elsewhere: %+v", got)
	}
}
