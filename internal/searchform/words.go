package searchform

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Words folds search text the way fold_text (migrations) folds what is searched:
// compatibility-normalised, lower case, apostrophes dropped so "women's" meets "womens";
// anything but letters and digits separates words. It keeps the first MaxWords.
func Words(text string) []string {
	ws := AllWords(text)
	if len(ws) > MaxWords {
		ws = ws[:MaxWords]
	}
	return ws
}

// AllWords folds text as Words does, keeping every word: for what is searched, not queries.
func AllWords(text string) []string {
	text = norm.NFKC.String(text)
	var b strings.Builder
	for _, r := range text {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}
