package directory

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"

	"dadirectory/internal/searchform"
)

// A query is analysed once, in this order: phone numbers are taken out of the text; a
// postcode, town, village or area named in it becomes a place (an area filter with local
// services first); each remaining word gets what it may match (the word itself, its
// completions if it is the last word, its near spellings); runs of words that make a synonym
// phrase become one slot that any phrase of the set matches. Every slot must match, as far as
// something can (see search).

// slot is one thing the query asks for: a word, a synonym phrase or a phone number.
type slot struct {
	words []string // the query words it stands for, as folded
	lex   string   // for a one-word slot, the word's lexeme

	exact  [][]string // alternatives, each lexemes that must all be present: what was typed, then synonyms
	prefix []string   // lexemes of the words the last word may be the start of
	typos  []string   // lexemes of near spellings
	phones []string   // numbers in national form
	// typoOnly: nothing matches the words as typed, so near spellings are all the slot has,
	// and its matches rank as typo matches.
	typoOnly bool
	memo     *slotMemo // what it matches, worked out once per search (slotBits)
	// fixes are, word by word, what a misspelt word was read as ("domestic" for "domestik");
	// "" for a word read as typed.
	fixes  []string
	fixLex string // the lexeme of a one-word slot's fix
}

// analysis is a query read against one snapshot.
type analysis struct {
	slots      []slot
	place      string   // the place named, as written
	placeWords []string // its words, folded
	areas      []int64  // the areas it stands for
}

// placeConnectors are words that only tie a place to the rest ("refuge near Wishaw").
var placeConnectors = map[string]bool{"near": true, "nearby": true, "around": true, "close": true, "area": true,
	"town": true, "local": true, "postcode": true}

var phoneLike = regexp.MustCompile(`\+?\(?[0-9][0-9 ()\-]{7,}[0-9]`)

// nationalNumber turns a phone number written any way (01698 123456, +44 1698 123456,
// 1698123456) into the digits numbers are stored as, or "" when it is not one.
func nationalNumber(s string) string {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	switch {
	case strings.HasPrefix(d, "0044"):
		d = "0" + d[4:]
	case strings.HasPrefix(d, "44") && len(d) >= 12:
		d = "0" + d[2:]
	case !strings.HasPrefix(d, "0") && len(d) == 10:
		d = "0" + d
	}
	if strings.HasPrefix(d, "00") { // +44 (0)1698 ...
		d = d[1:]
	}
	if len(d) < 10 || len(d) > 11 {
		return ""
	}
	return d
}

// analyse reads text for a viewer who is staff or not: which words exist, and which are near
// spellings of words that exist, depends on what that viewer may see.
func (s *snapshot) analyse(text string, staff bool) analysis {
	var a analysis
	text = phoneLike.ReplaceAllStringFunc(text, func(m string) string {
		if n := nationalNumber(m); n != "" {
			a.slots = append(a.slots, slot{words: []string{n}, fixes: []string{""}, phones: []string{n}})
			return " "
		}
		return m
	})
	ws := searchform.Words(text)
	// Places first, so "Wishaw" is a place and not a word to match.
	var rest []string
	var places []string
	for i := 0; i < len(ws); {
		if areas, written, n := s.tax.vocab.postcodeAt(ws, i); n > 0 {
			a.addPlace(areas)
			places = append(places, written)
			i += n
			continue
		}
		if !stopWords[ws[i]] {
			if areas, n := s.tax.vocab.placeAt(ws, i); n > 0 {
				a.addPlace(areas)
				places = append(places, placeName(ws[i:i+n]))
				a.placeWords = append(a.placeWords, ws[i:i+n]...)
				i += n
				continue
			}
		}
		rest = append(rest, ws[i])
		i++
	}
	a.place = strings.Join(places, " and ")
	var words []string
	for _, w := range rest {
		if stopWords[w] || (a.areas != nil && placeConnectors[w]) {
			continue
		}
		words = append(words, w)
	}
	var textSlots []slot
	for i, w := range words {
		textSlots = append(textSlots, s.wordSlot(w, i == len(words)-1, staff))
	}
	a.slots = append(s.synonymSlots(textSlots), a.slots...)
	for i := range a.slots {
		a.slots[i].memo = &slotMemo{}
	}
	return a
}

func (a *analysis) addPlace(areas []int64) {
	for _, id := range areas {
		if !slices.Contains(a.areas, id) {
			a.areas = append(a.areas, id)
		}
	}
}

// placeName is a place as a heading names it: each word capitalised.
func placeName(ws []string) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		r, n := utf8.DecodeRuneInString(w)
		out[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(out, " ")
}

// visibleLexeme reports whether lexeme lex matches anything the viewer may see.
func (s *snapshot) visibleLexeme(lex string, staff bool) bool {
	visible := s.public
	if staff {
		visible = s.live
	}
	for _, pt := range s.parts() {
		if p := pt.post[lex]; p != nil && p.any.Intersects(visible) {
			return true
		}
		if staff {
			if b := pt.contactPost[lex]; b != nil && b.Intersects(visible) {
				return true
			}
		}
	}
	return false
}

// inSomeName reports whether lexeme lex is in the name of a document the viewer may see.
func (s *snapshot) inSomeName(lex string, staff bool) bool {
	visible := s.public
	if staff {
		visible = s.live
	}
	for _, pt := range s.parts() {
		if p := pt.post[lex]; p != nil && p.name.Intersects(visible) {
			return true
		}
	}
	return false
}

// wordSlot is what one word may match.
func (s *snapshot) wordSlot(w string, last, staff bool) slot {
	lex := stem(w)
	sl := slot{words: []string{w}, lex: lex}
	sl.exact = [][]string{{lex}}
	found := s.visibleLexeme(lex, staff)
	seen := map[string]bool{lex: true}
	if last {
		// The last word may be unfinished: "refug", "stalkin".
		for _, pt := range s.parts() {
			lo, hi := prefixRange(pt.words, w)
			for i := lo; i < hi; i++ {
				if l := pt.wordLex[i]; !seen[l] && s.visibleLexeme(l, staff) {
					seen[l] = true
					sl.prefix = append(sl.prefix, l)
				}
			}
		}
		found = found || len(sl.prefix) > 0
	}
	// Near spellings: for a word nothing matches, the only way to read it; for a word found
	// as typed, they count in names only, so a word already in names needs none ("Airdrie
	// Independent Advocacy" asks for no typo walk at all).
	budget := typoBudget(w)
	if found && s.inSomeName(lex, staff) {
		budget = 0
	}
	best, bestDist, bestDocs := "", 3, uint64(0)
	for _, pt := range s.parts() {
		nearWords(pt.words, w, budget, func(i, d int) {
			l := pt.wordLex[i]
			if l == lex || !s.visibleLexeme(l, staff) {
				return
			}
			if !seen[l] {
				seen[l] = true
				sl.typos = append(sl.typos, l)
			}
			// The correction to suggest: the nearest, then the most used.
			var n uint64
			if p := pt.post[l]; p != nil {
				n = p.any.GetCardinality()
			}
			if d < bestDist || (d == bestDist && n > bestDocs) {
				best, bestDist, bestDocs = pt.words[i], d, n
			}
		})
	}
	sl.fixes = []string{""}
	// Stems meet where words do not: "woman" is two letters from "womens" but one from its
	// stem, "women". Only asked when the words gave nothing, as it rarely adds to them.
	for _, pt := range s.parts() {
		if len(sl.typos) > 0 {
			break
		}
		nearWords(pt.lexemes, lex, budget, func(i, _ int) {
			if l := pt.lexemes[i]; l != lex && !seen[l] && s.visibleLexeme(l, staff) {
				seen[l] = true
				sl.typos = append(sl.typos, l)
			}
		})
	}
	if !found && len(sl.typos) > 0 {
		sl.typoOnly, sl.fixes[0] = true, best
	}
	return sl
}

// key is the lexeme a slot's word is read as for synonym phrases: as typed, or its correction.
func (sl *slot) key() string {
	if sl.fixes[0] != "" {
		return sl.fixLex
	}
	if sl.typoOnly {
		return sl.typos[0]
	}
	return stem(sl.words[0])
}

// synonymSlots joins runs of word slots that make a synonym phrase, longest first, into one
// slot any phrase of its set matches. The words' own completions and near spellings stay
// with a one-word phrase.
func (s *snapshot) synonymSlots(in []slot) []slot {
	v := &s.tax.vocab
	var out []slot
	// phraseAt finds the longest phrase of l words at i, read as typed or, failing that, as
	// corrected ("scared of my partner" is a phrase even if "scared" is in no entry).
	phraseAt := func(i, l int) ([]string, int, bool) {
		for _, corrected := range []bool{false, true} {
			keys := make([]string, l)
			for j := range keys {
				keys[j] = in[i+j].lex
				if corrected {
					keys[j] = in[i+j].key()
				}
			}
			if set, ok := v.phrases[strings.Join(keys, " ")]; ok {
				return keys, set, corrected
			}
		}
		return nil, 0, false
	}
	for i := 0; i < len(in); {
		matched := false
		for l := min(v.phraseLen, len(in)-i); l > 0; l-- {
			keys, set, corrected := phraseAt(i, l)
			if keys == nil {
				continue
			}
			sl := slot{}
			for _, w := range in[i : i+l] {
				sl.words = append(sl.words, w.words...)
				if corrected {
					sl.fixes = append(sl.fixes, w.fixes...)
					sl.typoOnly = sl.typoOnly || w.typoOnly
				} else {
					sl.fixes = append(sl.fixes, "")
				}
			}
			if l == 1 {
				sl.prefix, sl.typos = in[i].prefix, in[i].typos
			}
			sl.exact = append(sl.exact, keys)
			for _, p := range v.sets[set] {
				if !slices.Equal(p, keys) {
					sl.exact = append(sl.exact, p)
				}
			}
			out = append(out, sl)
			i += l
			matched = true
			break
		}
		if !matched {
			out = append(out, in[i])
			i++
		}
	}
	return out
}

// quality is how well a slot matched: as typed, through a synonym, as the start of a word, or
// by a near spelling.
type quality int

const (
	qExact quality = iota
	qSynonym
	qPrefix
	qTypo
	qTypoSynonym
)

// slotBits is the documents in which slot sl matches at quality q in class c, for a viewer
// who is staff or not. The result may be shared with the index or the slot's memo: callers
// must not change it.
func (s *snapshot) slotBits(sl *slot, q quality, c class, staff bool) *roaring.Bitmap {
	if sl.typoOnly && q < qTypo {
		return empty
	}
	if sl.memo == nil {
		sl.memo = &slotMemo{}
	}
	m := sl.memo
	if b := m.combined[q][c]; b != nil {
		return b
	}
	part := func(k int) *roaring.Bitmap {
		if m.parts[k][c] == nil {
			m.parts[k][c] = s.slotPart(sl, k, c, staff)
		}
		return m.parts[k][c]
	}
	var bs []*roaring.Bitmap
	switch q {
	case qExact:
		bs = []*roaring.Bitmap{part(partTyped)}
	case qSynonym:
		bs = []*roaring.Bitmap{part(partTyped), part(partSynonyms)}
	case qPrefix:
		bs = []*roaring.Bitmap{part(partTyped), part(partSynonyms), part(partPrefix)}
	case qTypo:
		bs = []*roaring.Bitmap{part(partTyped), part(partPrefix), part(partTypos)}
	default:
		bs = []*roaring.Bitmap{part(partTyped), part(partSynonyms), part(partPrefix), part(partTypos)}
	}
	bs = slices.DeleteFunc(bs, (*roaring.Bitmap).IsEmpty)
	var out *roaring.Bitmap
	switch len(bs) {
	case 0:
		out = empty
	case 1:
		out = bs[0]
	default:
		out = roaring.FastOr(bs...)
	}
	m.combined[q][c] = out
	return out
}

// empty is a bitmap with nothing in it, never to be changed.
var empty = roaring.New()

// slotMemo keeps what a slot matches, by part of the slot and class, for one search: the
// tiers ask for overlapping unions of the same few sets many times.
type slotMemo struct {
	parts    [4][3]*roaring.Bitmap
	combined [qTypoSynonym + 1][3]*roaring.Bitmap
}

// The parts of a slot.
const (
	partTyped    = iota // the words as typed (or as read, for a misspelling), and numbers
	partSynonyms        // the other phrases of its synonym set
	partPrefix          // the words the last word may be the start of
	partTypos           // near spellings
)

// slotPart is the documents in which part k of slot sl matches in class c.
func (s *snapshot) slotPart(sl *slot, k int, c class, staff bool) *roaring.Bitmap {
	var bs []*roaring.Bitmap
	for _, pt := range s.parts() {
		switch k {
		case partTyped, partSynonyms:
			alts := sl.exact
			if len(alts) > 0 && k == partTyped {
				alts = alts[:1]
			} else if len(alts) > 0 {
				alts = alts[1:]
			}
			for _, alt := range alts {
				if len(alt) == 1 {
					bs = pt.lexemeBits(bs, alt[0], c, staff)
					continue
				}
				all := make([]*roaring.Bitmap, 0, len(alt))
				for _, l := range alt {
					one := pt.lexemeBits(nil, l, c, staff)
					if len(one) == 0 {
						all = nil
						break
					}
					all = append(all, roaring.FastOr(one...))
				}
				if len(all) > 0 {
					bs = append(bs, roaring.FastAnd(all...))
				}
			}
			if k == partTyped && c != inName {
				for _, n := range sl.phones {
					bs = append(bs, pt.phoneBits(n, staff))
				}
			}
		case partPrefix:
			for _, l := range sl.prefix {
				bs = pt.lexemeBits(bs, l, c, staff)
			}
		case partTypos:
			// Near spellings count in names always ("womans aid" finds Women's Aid), and
			// everywhere only for a word nothing else matches, so a typo never floods results.
			tc := inName
			if sl.typoOnly {
				tc = c
			}
			for _, l := range sl.typos {
				bs = pt.lexemeBits(bs, l, tc, staff)
			}
		}
	}
	switch len(bs) {
	case 0:
		return empty
	case 1:
		return bs[0]
	}
	return roaring.FastOr(bs...)
}

// lexemeBits appends the documents lexeme l is in, in class c; for staff, contacts' role
// titles and names count as summary text.
func (pt *part) lexemeBits(bs []*roaring.Bitmap, l string, c class, staff bool) []*roaring.Bitmap {
	if p := pt.post[l]; p != nil {
		bs = append(bs, p.get(c))
	}
	if staff && c != inName {
		if b := pt.contactPost[l]; b != nil {
			bs = append(bs, b)
		}
	}
	return bs
}

// phoneBits is the documents reached on number n.
func (pt *part) phoneBits(n string, staff bool) *roaring.Bitmap {
	out := roaring.New()
	k, ok := phoneKey(n)
	if !ok {
		return out
	}
	i, _ := slices.BinarySearchFunc(pt.phones, k, func(e phoneEntry, k uint64) int { return cmp.Compare(e.number, k) })
	for ; i < len(pt.phones) && pt.phones[i].number == k; i++ {
		if staff || !pt.phones[i].staffOnly {
			out.Add(pt.phones[i].doc)
		}
	}
	return out
}
