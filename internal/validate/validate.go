// Package validate checks what people type into forms and says what is wrong in words they can
// act on. Feature packages use it to validate their inputs; each error names its form field.
package validate

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"dadirectory/internal/phone"
)

// FieldError is one problem with one form field.
type FieldError struct {
	Field   string
	Message string
}

// Errors collects the problems of one form, in the order of its fields.
type Errors []FieldError

func (e Errors) Error() string {
	msgs := make([]string, len(e))
	for i, fe := range e {
		msgs[i] = fe.Field + ": " + fe.Message
	}
	return "validate: " + strings.Join(msgs, "; ")
}

// Add records a problem with field.
func (e *Errors) Add(field, message string) { *e = append(*e, FieldError{field, message}) }

// Has reports whether field already has a problem.
func (e Errors) Has(field string) bool {
	for _, fe := range e {
		if fe.Field == field {
			return true
		}
	}
	return false
}

// Err returns e as an error, or nil when there are no problems.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Text cleans a single-line or multi-line text value and checks its length: trimmed, line
// endings made \n, control characters other than newline and tab refused, at most max
// characters. label is how the field reads in a sentence ("Summary").
func (e *Errors) Text(field, label, value string, required bool, max int, multiline bool) string {
	if !utf8.ValidString(value) {
		e.Add(field, label+" contains characters we cannot read. Type it again.")
		return strings.ToValidUTF8(value, "")
	}
	value = strings.TrimSpace(strings.ReplaceAll(value, "\r\n", "\n"))
	for _, r := range value {
		if r == '\n' && !multiline {
			e.Add(field, label+" must be on one line.")
			return value
		}
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			e.Add(field, label+" contains characters that are not allowed.")
			return value
		}
	}
	switch n := utf8.RuneCountInString(value); {
	case required && n == 0:
		e.Add(field, "Enter "+strings.ToLower(label[:1])+label[1:])
	case n > max:
		e.Add(field, fmt.Sprintf("%s must be %d characters or fewer (it has %d).", label, max, n))
	}
	return value
}

// markupTag finds what reads as an HTML tag, comment or declaration: "<" then a letter, "/",
// "!" or "?". A lone "<" as in "under <16s" or "<3" is not one.
var markupTag = regexp.MustCompile(`<\s*[a-zA-Z/!?]`)

// Name cleans a one-line name or title (of an organisation, a person, a course, a topic): as
// Text, and also refusing HTML tags and the invisible characters that reverse the direction of
// text. A name is shown in lists, exports, calendar files and emails, not all of which escape
// markup, and a reversed name can disguise what it says; nobody's name needs either.
func (e *Errors) Name(field, label, value string, required bool, max int) string {
	return e.plain(field, label, value, required, max, false)
}

// plain cleans text as Text does and refuses HTML tags and direction-reversing characters.
func (e *Errors) plain(field, label, value string, required bool, max int, multiline bool) string {
	value = e.Text(field, label, value, required, max, multiline)
	if e.Has(field) {
		return value
	}
	switch {
	case markupTag.MatchString(value):
		e.Add(field, label+" must be plain text. Remove the part in angle brackets, such as <b> or <script>.")
	case strings.ContainsFunc(value, isBidiControl):
		e.Add(field, label+" contains characters that are not allowed.")
	}
	return value
}

// isBidiControl reports the embedding, override and isolate controls of Unicode's
// bidirectional algorithm, which make text display in a different order than it is stored.
func isBidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// WebURL checks an optional website address: absolute http or https with a host, nothing
// else (no javascript:, data:, or protocol-relative //host).
func (e *Errors) WebURL(field, label, value string) string {
	value = strings.TrimSpace(value)
	if value == "" {
		return ""
	}
	if !utf8.ValidString(value) || len(value) > 2000 || strings.ContainsFunc(value, unicode.IsControl) ||
		strings.ContainsFunc(value, isBidiControl) {
		e.Add(field, label+" must be a web address of 2,000 characters or fewer, with no hidden characters.")
		return value
	}
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(value, " <>\"'\\") {
		e.Add(field, label+" must be a full web address starting with https:// or http://, like https://www.example.org")
		return value
	}
	return value
}

// Email checks an optional email address.
func (e *Errors) Email(field, label, value string) string {
	value = strings.TrimSpace(value)
	if value == "" {
		return ""
	}
	at := strings.LastIndex(value, "@")
	if len(value) > 254 || at < 1 || at == len(value)-1 || !strings.Contains(value[at+1:], ".") ||
		strings.ContainsAny(value, " <>\"'(),;:\\[]") || strings.Count(value, "@") != 1 || !utf8.ValidString(value) ||
		strings.ContainsFunc(value, unicode.IsControl) || // a NUL would reach PostgreSQL, which refuses it
		strings.ContainsAny(value, "?#&=%") || !emailDomain(value[at+1:]) { // mailto: headers (?bcc=, &cc=) and %-escapes
		e.Add(field, label+" must be an email address, like name@example.org")
	}
	return value
}

// emailDomain reports whether d reads as a mail domain: labels of letters, digits and hyphens
// separated by single dots. Anything else after the @ ("org.uk/x", "org..uk") is not a domain
// mail can go to, and may be part of a trick on a mailto: link.
func emailDomain(d string) bool {
	for _, label := range strings.Split(d, ".") {
		if label == "" || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") ||
			strings.ContainsFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
			return false
		}
	}
	return true
}

// PlainText cleans a multi-line note as Text does, and also refuses HTML tags and the
// characters that reverse the direction of text: a note is read by someone else, in pages and
// emails, and nobody's note needs either.
func (e *Errors) PlainText(field, label, value string, required bool, max int) string {
	return e.plain(field, label, value, required, max, true)
}

// Phone checks and normalises an optional UK phone number to digits.
func (e *Errors) Phone(field, label, value string) string {
	if strings.TrimSpace(value) == "" {
		return ""
	}
	digits, err := phone.Normalize(value)
	if err != nil {
		e.Add(field, label+": enter a UK phone number, like 01632 960 123 or 0800 027 1234")
		return strings.TrimSpace(value)
	}
	return digits
}

// OneOf checks that value is one of allowed.
func (e *Errors) OneOf(field, label, value string, allowed ...string) string {
	for _, a := range allowed {
		if value == a {
			return value
		}
	}
	e.Add(field, "Choose "+label)
	return value
}
