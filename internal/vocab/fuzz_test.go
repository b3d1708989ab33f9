package vocab

import (
	"strings"
	"testing"
	"unicode/utf8"

	"dadirectory/internal/validate/formtest"
)

// FuzzCleanPhrases: what the synonym form accepts is 2 to 40 distinct phrases of allowed
// characters, each within its length, and cleaning it again changes nothing.
func FuzzCleanPhrases(f *testing.F) {
	for _, s := range formtest.Seeds {
		f.Add("domestic abuse\n" + s)
	}
	f.Add("LGBTQ+\nA&E\nwomen’s aid")
	f.Fuzz(func(t *testing.T, value string) {
		out, errs := CleanPhrases(SetInput{Phrases: value})
		for _, e := range errs {
			if e.Field != "phrases" || !utf8.ValidString(e.Message) {
				t.Fatalf("error %+v", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		if len(out) < MinPhrases || len(out) > MaxPhrases {
			t.Fatalf("accepted %d phrases", len(out))
		}
		seen := map[string]bool{}
		for _, p := range out {
			if p == "" || utf8.RuneCountInString(p) > MaxPhraseLen || strings.TrimSpace(p) != p || strings.Contains(p, "  ") ||
				seen[strings.ToLower(p)] || formtest.HasTag(p) {
				t.Fatalf("accepted %q", p)
			}
			if _, bad := badRune(p, phraseRune); bad {
				t.Fatalf("accepted %q", p)
			}
			seen[strings.ToLower(p)] = true
		}
		again, errs := CleanPhrases(InputOf(out))
		if len(errs) > 0 || strings.Join(again, "\n") != strings.Join(out, "\n") {
			t.Fatalf("not stable: %q -> %q %v", out, again, errs)
		}
	})
}

// FuzzCleanPlaces: accepted places are short names of allowed characters and postcodes are
// districts or sectors, each list without repeats, and cleaning again changes nothing.
func FuzzCleanPlaces(f *testing.F) {
	for _, s := range formtest.Seeds {
		f.Add(s, "ML1")
		f.Add("Wishaw", s)
	}
	f.Add("Bo’ness\nSt. Andrews", "ml1  4\nG67")
	f.Fuzz(func(t *testing.T, places, postcodes string) {
		out, errs := CleanPlaces(PlacesInput{Places: places, Postcodes: postcodes})
		if len(errs) > 0 {
			return
		}
		for _, p := range out.Places {
			if _, bad := badRune(p, placeRune); bad || p == "" || utf8.RuneCountInString(p) > MaxPlaceLen {
				t.Fatalf("accepted place %q", p)
			}
		}
		for _, p := range out.Postcodes {
			if !district.MatchString(p) && !(sector.MatchString(p) && strings.Contains(p, " ")) {
				t.Fatalf("accepted postcode %q", p)
			}
		}
		if len(out.Places) > MaxPlaces || len(out.Postcodes) > MaxPostcodes {
			t.Fatal("too many accepted")
		}
		again, errs := CleanPlaces(out.Input())
		if len(errs) > 0 || strings.Join(again.Places, "\n") != strings.Join(out.Places, "\n") ||
			strings.Join(again.Postcodes, "\n") != strings.Join(out.Postcodes, "\n") {
			t.Fatalf("not stable: %+v -> %+v %v", out, again, errs)
		}
	})
}
