package directory

import (
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/kljensen/snowball/english"
)

// The index holds the lexemes PostgreSQL's 'english' configuration made of each agency's
// text (the search_vector column), so agency text is analysed in one place. Query words are
// analysed here the same way: folded (see searchform.Words), stop words dropped, Snowball English
// stemmed, which is the stemmer PostgreSQL's english_stem dictionary uses.

// stopWords is PostgreSQL's english.stop list: these words are never in search_vector, so a
// query word among them cannot be required to match.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`i me my myself we our ours ourselves you your yours
		yourself yourselves he him his himself she her hers herself it its itself they them
		their theirs themselves what which who whom this that these those am is are was were be
		been being have has had having do does did doing a an the and but if or because as until
		while of at by for with about against between into through during before after above
		below to from up down in out on off over under again further then once here there when
		where why how all any both each few more most other some such no nor not only own same
		so than too very s t can will just don should now`) {
		m[w] = true
	}
	return m
}()

// stem is the lexeme a folded query word becomes.
func stem(w string) string { return english.Stem(w, true) }

// minTypoLen is the shortest stem a typo is forgiven in: shorter words have too many near
// neighbours ("aid", "aim", "air") for a guess to help.
const minTypoLen = 4

// deletions calls fn with every string made by deleting one character of w (by rune).
func deletions(w string, fn func(string)) {
	for i, r := range w {
		fn(w[:i] + w[i+len(string(r)):])
	}
}

// nearWords returns the lexemes one typo from w: a letter missing, extra, wrong or two
// letters swapped. It looks them up in byDeletion, which maps each lexeme and each of its
// one-deletion variants to the lexeme (the symmetric-delete method: two words a typo apart
// share a one-deletion variant), then confirms the distance, because sharing a variant can
// also mean two separate edits.
func nearWords(w string, byDeletion map[string][]string, fn func(string)) {
	if len(w) < minTypoLen {
		return
	}
	seen := map[string]bool{w: true}
	check := func(variant string) {
		for _, cand := range byDeletion[variant] {
			if seen[cand] {
				continue
			}
			seen[cand] = true
			if d := levenshtein.ComputeDistance(w, cand); d <= 1 || (d == 2 && isSwap(w, cand)) {
				fn(cand)
			}
		}
	}
	check(w)
	deletions(w, check)
}

// isSwap reports whether a and b differ only by two neighbouring letters swapped.
func isSwap(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// addDeletions files lexeme under itself and its one-deletion variants.
func addDeletions(byDeletion map[string][]string, lexeme string) {
	if len(lexeme) < minTypoLen-1 {
		return
	}
	byDeletion[lexeme] = append(byDeletion[lexeme], lexeme)
	deletions(lexeme, func(v string) { byDeletion[v] = append(byDeletion[v], lexeme) })
}
