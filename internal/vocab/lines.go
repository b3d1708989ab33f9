package vocab

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// What the vocabulary forms share: a textarea holds one entry a line. Each line is cleaned
// the same way (spaces trimmed and collapsed, curly apostrophes made straight) and then
// checked against the characters its list allows.

// maxLines bounds how many lines a textarea is read for, so a pasted book is refused with one
// message rather than thousands.
const maxLines = 1000

// line is one non-blank line of a textarea, cleaned, with its 1-based number as typed.
type line struct {
	No   int
	Text string
}

// splitLines reads a textarea: the non-blank lines, each trimmed with its runs of spaces and
// tabs made one space. ok is false when value is not valid UTF-8 (nothing is read then) or
// holds more than maxLines lines.
func splitLines(value string) (lines []line, ok bool) {
	if !utf8.ValidString(value) {
		return nil, false
	}
	raw := strings.Split(strings.ReplaceAll(value, "\r\n", "\n"), "\n")
	if len(raw) > maxLines {
		return nil, false
	}
	for i, l := range raw {
		l = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\u00a0' }), " ")
		l = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u2013", "-", "\u2011", "-").Replace(l)
		if l != "" {
			lines = append(lines, line{No: i + 1, Text: l})
		}
	}
	return lines, true
}

// badRune returns the first rune of s that allowed refuses, and whether there is one.
func badRune(s string, allowed func(rune) bool) (rune, bool) {
	for _, r := range s {
		if !allowed(r) {
			return r, true
		}
	}
	return 0, false
}

// letterOrDigit allows the letters of any alphabet (with their accents, composed or not) and
// digits.
func letterOrDigit(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r)
}

// quote shows a line back to the person in a message: in quotation marks, cut short when long,
// with what cannot be shown (control characters) as a placeholder.
func quote(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return '\uFFFD'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 30 {
		s = string([]rune(s)[:29]) + "…"
	}
	return "\u201c" + s + "\u201d"
}

// describeRune names a refused character in words a person can act on.
func describeRune(r rune) string {
	switch {
	case r == '<' || r == '>':
		return "angle brackets (< >)"
	case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		return "a hidden control character"
	case unicode.IsPrint(r):
		return fmt.Sprintf("the character %q", string(r))
	}
	return "a character that cannot be shown"
}

// lineError is a message about one line: `Line 3, “abc”: ...`.
func lineError(l line, msg string) string {
	return fmt.Sprintf("Line %d, %s: %s", l.No, quote(l.Text), msg)
}
