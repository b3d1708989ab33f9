// Package searchform reads the search forms of the directory (/directory) and the resource
// library (/resources) and writes their links: the free text, filters whose values repeat,
// the page number, the messages for input that cannot be used, and the address of each page
// of results. Each feature builds its own Query with a Form, so both read a search the same
// way and refuse the same bad input with the same words.
//
// It holds no HTTP and no HTML: a Form reads url.Values, and an *InputError names the form
// field to point at.
package searchform

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"dadirectory/internal/edit"
)

// The limits of a search. Longer text is refused with a message; further words are dropped.
const (
	MaxTextRunes = 200  // longer than any real search
	MaxWords     = 12   // further words add nothing but cost
	MaxPage      = 1000 // 20,000 results deep is far enough
	MaxValues    = 20   // distinct values of one filter
)

// The fields every search form has.
const (
	TextField = "q"
	PageField = "page"
)

// InputError is a problem with what the person asked for, in words they can act on.
type InputError struct {
	Field   string // the form field, so the page can point at it
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// UnknownFilterError names a filter value of the right shape that names nothing the viewer
// may choose (an area not in the taxonomy, a topic that does not exist, an organisation the
// viewer may not see). Features return it from their searches.
type UnknownFilterError struct{ Field, Value string }

func (e *UnknownFilterError) Error() string {
	return fmt.Sprintf("search: unknown %s %q", e.Field, e.Value)
}

// Form reads one search form's values. Reading carries on past a problem, so the page can show
// the form as the person filled it; Err reports the first problem.
type Form struct {
	values url.Values
	err    *InputError
}

// Read starts reading the values v of a search form.
func Read(v url.Values) *Form { return &Form{values: v} }

// Err is the first problem found, an *InputError, or nil.
func (f *Form) Err() error {
	if f.err == nil {
		return nil
	}
	return f.err
}

// Fail records a problem with field, unless an earlier one was found: the page shows the first.
func (f *Form) Fail(field, message string) {
	if f.err == nil {
		f.err = &InputError{Field: field, Message: message}
	}
}

// Text is the search text (q): valid UTF-8 of at most MaxTextRunes characters, control
// characters read as spaces, trimmed. Text that breaks a rule is refused, and what can be
// kept of it is returned so the form can show it.
func (f *Form) Text() string {
	text := f.values.Get(TextField)
	if !utf8.ValidString(text) {
		f.Fail(TextField, "Search text contains characters we cannot read. Type it again.")
		text = strings.ToValidUTF8(text, "")
	}
	if utf8.RuneCountInString(text) > MaxTextRunes {
		f.Fail(TextField, fmt.Sprintf("Search text must be %d characters or fewer.", MaxTextRunes))
		text = string([]rune(text)[:MaxTextRunes])
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text))
}

// Messages are what a filter's problems say, in the words of its form.
type Messages struct {
	NotListed string // a value that is not one of the choices ("Choose an area from the list.")
	TooMany   string // more than MaxValues values
}

// Slugs is a filter whose values are slugs (area=motherwell&area=wishaw): blanks and repeats
// dropped, at most MaxValues. A value that is not slug-shaped, or too many values, are
// refused with m's messages. Whether a slug names anything is for the search to say
// (UnknownFilterError).
func (f *Form) Slugs(field string, m Messages) []string {
	out := f.Choices(field, edit.ValidSlug, m.NotListed)
	if len(out) > MaxValues {
		f.Fail(field, m.TooMany)
		out = out[:MaxValues]
	}
	return out
}

// Choices is a filter whose values come from a fixed list (a kind): blanks and repeats
// dropped; a value valid does not accept is refused with notListed.
func (f *Form) Choices(field string, valid func(string) bool, notListed string) []string {
	var out []string
	var seen map[string]bool
	for _, s := range f.values[field] {
		if s == "" || seen[s] {
			continue
		}
		if !valid(s) {
			f.Fail(field, notListed)
			continue
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// Page is the results page asked for (page), 1 when none is: a number from 1 to MaxPage.
func (f *Form) Page() int {
	p := f.values.Get(PageField)
	if p == "" {
		return 1
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > MaxPage {
		f.Fail(PageField, "That results page does not exist.")
		return 1
	}
	return n
}
