package directory

import (
	"strings"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"

	"dadirectory/internal/searchform"
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

// eachWord calls fn with each word of text folded as searchform.Words folds a query (lower
// case, apostrophes dropped, anything but letters and digits a break), without its limit on
// the number of words. The word shares a scratch buffer: fn must copy it to keep it. Text
// that is all ASCII, as most entries are, is split without normalising.
func eachWord(text []byte, fn func(w []byte)) {
	ascii := true
	for _, c := range text {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		for _, w := range foldWords(string(text)) {
			fn([]byte(w))
		}
		return
	}
	var buf [64]byte
	w := buf[:0]
	for _, c := range text {
		switch {
		case c == '\'' || c == '`':
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			w = append(w, c)
		case 'A' <= c && c <= 'Z':
			w = append(w, c+'a'-'A')
		default:
			if len(w) > 0 {
				fn(w)
				w = w[:0]
			}
		}
	}
	if len(w) > 0 {
		fn(w)
	}
}

// foldWords folds text like searchform.Words, with no limit on the number of words.
func foldWords(text string) []string { return searchform.AllWords(text) }

// lexemesOf are the lexemes of text that PostgreSQL's english configuration would make: its
// words without stop words, stemmed.
func lexemesOf(text string) []string {
	var out []string
	for _, w := range foldWords(text) {
		if !stopWords[w] {
			out = append(out, stem(w))
		}
	}
	return out
}
