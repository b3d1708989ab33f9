package library

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

const maxSlug = 80

// reservedSlugs would read as pages of their own under /resources/ and /admin/resources/.
var reservedSlugs = map[string]bool{"new": true, "topics": true}

// slugFor makes the URL name of a title: lower case ASCII letters and digits in words joined
// by hyphens, apostrophes dropped ("Women's Aid" -> "womens-aid"), accents removed, at most 80
// characters cut at a word boundary. A title with nothing usable gives "resource".
func slugFor(title string) string {
	// Decompose and drop combining marks, so "é" becomes "e" rather than a separator.
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, title)
	if err != nil {
		folded = title
	}
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(folded) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if gap && b.Len() > 0 {
				b.WriteByte('-')
			}
			gap = false
			b.WriteRune(r)
		case r == '\'' || r == '’' || r == '‘' || r == '`':
			// dropped without a gap: "women's" -> "womens"
		case r == '&':
			if b.Len() > 0 {
				b.WriteString("-and")
			}
			gap = true
		default:
			gap = true
		}
	}
	s := b.String()
	if len(s) > maxSlug {
		s = s[:maxSlug]
		if i := strings.LastIndexByte(s, '-'); i > 0 {
			s = s[:i]
		}
	}
	if s == "" {
		return "resource"
	}
	return s
}
