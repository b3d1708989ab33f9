package directory

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"dadirectory/internal/postgres"
	"dadirectory/internal/vocab"
)

// vocabulary is the index's compiled copy of the search vocabulary (internal/vocab): synonym
// phrases by their lexemes, and place names and postcode prefixes by the areas they stand for.
// It is loaded with the taxonomy and replaced whole when either changes.
type vocabulary struct {
	sets       [][][]string   // each set's phrases, each phrase its lexemes
	phrases    map[string]int // a phrase's lexemes joined by spaces -> its set
	phraseLen  int            // the most lexemes in a phrase
	places     map[string][]int64
	placeWords []string // one-word place names of 7 letters or more, sorted, for near spellings
	placeLen   int      // the most words in a place name
	postcodes  map[string][]int64
}

func loadVocabulary(ctx context.Context, q postgres.Querier, areas termSet) (vocabulary, error) {
	raw, err := vocab.Load(ctx, q)
	if err != nil {
		return vocabulary{}, err
	}
	return compileVocabulary(raw, areas), nil
}

// compileVocabulary files the vocabulary for the analysis of queries.
func compileVocabulary(raw vocab.Vocabulary, areas termSet) vocabulary {
	v := vocabulary{phrases: map[string]int{}, places: map[string][]int64{}, postcodes: map[string][]int64{}}
	for _, set := range raw.Synonyms {
		var phrases [][]string
		for _, p := range set {
			lex := lexemesOf(p)
			key := strings.Join(lex, " ")
			if len(lex) == 0 {
				continue
			}
			if _, dup := v.phrases[key]; dup {
				continue // a phrase in two sets belongs to the first
			}
			v.phrases[key] = len(v.sets)
			phrases = append(phrases, lex)
			v.phraseLen = max(v.phraseLen, len(lex))
		}
		v.sets = append(v.sets, phrases)
	}
	addPlace := func(name string, area int64) {
		ws := foldWords(name)
		if len(ws) == 0 {
			return
		}
		key := strings.Join(ws, " ")
		if !slices.Contains(v.places[key], area) {
			v.places[key] = append(v.places[key], area)
		}
		v.placeLen = max(v.placeLen, len(ws))
		// Only long names forgive a typo: short ones sit a letter away from everyday words
		// ("Pather" and "father", "Stane" and "state").
		if len(ws) == 1 && len(key) >= 7 && !slices.Contains(v.placeWords, key) {
			v.placeWords = append(v.placeWords, key)
		}
	}
	// An area's own name is a place too ("Northern Corridor", without its bracketed list).
	for _, t := range areas.current {
		name, _, _ := strings.Cut(t.Name, "(")
		addPlace(name, areas.bySlug[t.Slug])
	}
	for _, p := range raw.Places {
		addPlace(p.Name, p.AreaID)
	}
	for _, p := range raw.Postcode {
		key := strings.Join(strings.Fields(p.Name), " ")
		if !slices.Contains(v.postcodes[key], p.AreaID) {
			v.postcodes[key] = append(v.postcodes[key], p.AreaID)
		}
	}
	slices.Sort(v.placeWords)
	return v
}

var (
	outwardCode = regexp.MustCompile(`^[a-z]{1,2}[0-9][a-z0-9]?$`)
	inwardCode  = regexp.MustCompile(`^[0-9]([a-z]{2})?$`)
	fullCode    = regexp.MustCompile(`^([a-z]{1,2}[0-9][a-z0-9]?)([0-9])[a-z]{2}$`)
)

// postcodeAt reads a postcode, district or sector at words[i] ("ml1", "ml1 4", "ml1 4ab",
// "ml14ab") and returns the areas it stands for, as written and the words it took; n is 0
// when there is none the vocabulary knows.
func (v *vocabulary) postcodeAt(words []string, i int) (areas []int64, written string, n int) {
	w := words[i]
	district, sector := "", ""
	switch {
	case outwardCode.MatchString(w):
		district, n = w, 1
		if i+1 < len(words) && inwardCode.MatchString(words[i+1]) {
			sector, n = w+" "+words[i+1][:1], 2
		}
	case fullCode.MatchString(w):
		m := fullCode.FindStringSubmatch(w)
		district, sector, n = m[1], m[1]+" "+m[2], 1
	default:
		return nil, "", 0
	}
	written = strings.ToUpper(strings.Join(words[i:i+n], " "))
	if a := v.postcodes[strings.ToUpper(sector)]; sector != "" && a != nil {
		return a, written, n
	}
	if a := v.postcodes[strings.ToUpper(district)]; a != nil {
		return a, written, n
	}
	return nil, "", 0
}

// placeAt reads the longest place name starting at words[i], allowing a typo in a long
// one-word name ("cumbernuld").
func (v *vocabulary) placeAt(words []string, i int) (areas []int64, n int) {
	for l := min(v.placeLen, len(words)-i); l > 0; l-- {
		if a := v.places[strings.Join(words[i:i+l], " ")]; a != nil {
			return a, l
		}
	}
	best, bestDist := "", 3
	nearWords(v.placeWords, words[i], typoBudget(words[i]), func(j, d int) {
		if d < bestDist {
			best, bestDist = v.placeWords[j], d
		}
	})
	if best != "" {
		return v.places[best], 1
	}
	return nil, 0
}
