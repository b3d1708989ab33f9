package training

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// slugShaped reports whether s could be a slug: lower-case letters, digits and single inner
// hyphens, at most 80 bytes. Anything else names nothing, and is never sent to PostgreSQL,
// which refuses a NUL or invalid UTF-8 with an error rather than "no such row".
func slugShaped(s string) bool {
	if s == "" || len(s) > 80 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// Slugify makes a URL name from a title: lower case ASCII letters and digits joined by single
// hyphens, apostrophes dropped ("Women's" gives "womens"), "&" read as "and", accents
// removed, at most max characters and never ending in a hyphen.
func Slugify(title string, max int) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, title)
	if err != nil {
		folded = title
	}
	folded = strings.NewReplacer("'", "", "’", "", "‘", "", "`", "", "&", " and ").Replace(strings.ToLower(folded))
	var b strings.Builder
	hyphen := false
	for _, r := range folded {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	s := b.String()
	if len(s) > max {
		s = s[:max]
		if i := strings.LastIndexByte(s, '-'); i > max/2 {
			s = s[:i] // end at a word boundary when one is near
		}
		s = strings.TrimRight(s, "-")
	}
	return s
}
