package directory

import (
	"slices"
	"strings"
	"testing"

	"dadirectory/internal/vocab"
)

func TestNationalNumberReadsNumbersWrittenAnyWay(t *testing.T) {
	for in, want := range map[string]string{
		"01698 123456": "01698123456", "+44 1698 123456": "01698123456", "1698123456": "01698123456",
		"0044 (0)1698-123456": "01698123456", "+44 (0) 1698 123456": "01698123456", "0044 1698 123456": "01698123456", "(01698) 123 456": "01698123456",
		"0800 027 1234": "08000271234", "999": "", "12345": "", "0123456789012": "",
	} {
		if got := nationalNumber(in); got != want {
			t.Errorf("nationalNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

// vocabSnapshot is a snapshot of a few documents with a vocabulary: Wishaw (area 1, with
// Newmains and ML2) and Motherwell (area 2, with ML1 but ML1 4 going to Wishaw for the test),
// and a synonym set for domestic abuse.
func vocabSnapshot() *snapshot {
	tax := testTaxonomy()
	tax.areas.current[0].Name, tax.areas.current[1].Name = "Wishaw", "Motherwell (and district)"
	tax.vocab = compileVocabulary(vocab.Vocabulary{
		Synonyms: [][]string{{"domestic abuse", "domestic violence", "DV", "coercive control", "scared of my partner"}},
		Places:   []vocab.Place{{Name: "Newmains", AreaID: 1}, {Name: "New Stevenston", AreaID: 2}},
		Postcode: []vocab.Place{{Name: "ML2", AreaID: 1}, {Name: "ML1", AreaID: 2}, {Name: "ML1 4", AreaID: 1}},
	}, tax.areas)
	return buildSnapshot(1, []*loadedDoc{
		{doc: doc{id: 1, slug: "refuge", name: "Refuge", areas: []int64{1}}, public: true, lexA: []string{"refug"},
			lexB: []string{"domest", "abus"}, words: "refuge domestic abuse"},
		{doc: doc{id: 2, slug: "stalking", name: "Stalking line", areas: []int64{2}}, public: true,
			lexA: []string{"stalk", "line"}, words: "stalking line"},
	}, tax)
}

func TestAnalyseReadsPlacesPostcodesSynonymsAndNumbers(t *testing.T) {
	s := vocabSnapshot()
	for _, c := range []struct {
		text, place string
		areas       []int64
		slots       []string // each slot's words
	}{
		{"refuge in Wishaw", "Wishaw", []int64{1}, []string{"refuge"}},
		{"refuge near newmains", "Newmains", []int64{1}, []string{"refuge"}},
		{"stalking Motherwell", "Motherwell", []int64{2}, []string{"stalking"}},
		{"new stevenston", "New Stevenston", []int64{2}, nil},
		{"ML2 7AB", "ML2 7AB", []int64{1}, nil},
		{"ml14ab", "ML14AB", []int64{1}, nil},
		{"ML1 2", "ML1 2", []int64{2}, nil},
		{"G1 refuge", "", nil, []string{"g1", "refuge"}},
		{"wishw", "", nil, []string{"wishw"}}, // short place names forgive no typo
		{"domestic violence", "", nil, []string{"domestic violence"}},
		{"scared of my partner", "", nil, []string{"scared partner"}},
		{"call 01632 960256 please", "", nil, []string{"call", "please", "01632960256"}},
	} {
		a := s.analyse(c.text, false)
		var slots []string
		for _, sl := range a.slots {
			slots = append(slots, strings.Join(sl.words, " "))
		}
		if a.place != c.place || !slices.Equal(a.areas, c.areas) || !slices.Equal(slots, c.slots) {
			t.Errorf("%q: place %q areas %v slots %q; want %q %v %q", c.text, a.place, a.areas, slots, c.place, c.areas, c.slots)
		}
	}
}

func TestPlaceSearchShowsLocalServicesFirst(t *testing.T) {
	s := vocabSnapshot()
	res, _, err := s.search(false, Query{Text: "Newmains", Page: 1})
	if err != nil || res.Total != 1 || res.Agencies[0].Slug != "refuge" || res.Place != "Newmains" || res.PlaceArea.Name != "Wishaw" {
		t.Errorf("Newmains: %v %+v", err, res)
	}
	res, _, _ = s.search(false, Query{Text: "domestic violence", Page: 1})
	if res.Total != 1 || res.Agencies[0].Slug != "refuge" {
		t.Errorf("domestic violence: %+v", res.Agencies)
	}
	res, _, _ = s.search(false, Query{Text: "stalking tonight", Page: 1})
	if res.Total != 1 || !slices.Equal(res.Unmatched, []string{"tonight"}) {
		t.Errorf("stalking tonight: %+v unmatched %v", res.Agencies, res.Unmatched)
	}
	res, _, _ = s.search(false, Query{Text: "refuge stalking", Page: 1})
	if res.Total != 2 || !res.Partial {
		t.Errorf("refuge stalking: %d partial %v", res.Total, res.Partial)
	}
	res, _, _ = s.search(false, Query{Text: "stalkng", Page: 1})
	if res.Total != 1 || res.Suggestion != "stalking" {
		t.Errorf("stalkng: %d suggestion %q", res.Total, res.Suggestion)
	}
}

// FuzzAnalyse: whatever people type, reading it against a vocabulary never panics and every
// slot stands for some of the words.
func FuzzAnalyse(f *testing.F) {
	for _, s := range []string{"refuge in wishaw", "ML1 4AB", "+44 1632 960256", "é", "ml", "new", "\xff\xfe", "domestic violence dv"} {
		f.Add(s)
	}
	s := vocabSnapshot()
	f.Fuzz(func(t *testing.T, text string) {
		a := s.analyse(text, true)
		for _, sl := range a.slots {
			if len(sl.words) == 0 || len(sl.fixes) != len(sl.words) {
				t.Fatalf("%q: slot %+v", text, sl)
			}
		}
		if _, _, err := s.search(true, Query{Text: text, Page: 1}); err != nil {
			t.Fatal(err)
		}
	})
}
