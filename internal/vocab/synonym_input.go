package vocab

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// The synonym set form: one phrase a line.

// Limits of a synonym set (the table checks the count too).
const (
	MinPhrases   = 2
	MaxPhrases   = 40
	MaxPhraseLen = 60
)

// maxLineErrors is how many lines' problems a form lists one by one before counting the rest.
const maxLineErrors = 8

// SetInput is the synonym set form as typed. The JSON name is the form field's.
type SetInput struct {
	Phrases string `json:"phrases"`
}

// phraseRune is what a phrase may hold: letters, digits, spaces and + - ' & ("LGBTQ+",
// "honour-based", "women's aid", "A&E").
func phraseRune(r rune) bool { return letterOrDigit(r) || strings.ContainsRune(" +-'&", r) }

// CleanPhrases checks the form and returns the phrases as they are stored: one per line,
// trimmed, spaces collapsed. Every problem is reported against the field "phrases", one
// message per line at fault.
func CleanPhrases(in SetInput) ([]string, validate.Errors) {
	var errs validate.Errors
	lines, ok := splitLines(in.Phrases)
	if !ok {
		if !utf8.ValidString(in.Phrases) {
			errs.Add("phrases", "The phrases contain characters we cannot read. Type them again.")
		} else {
			errs.Add("phrases", fmt.Sprintf("Enter at most %d phrases, one on each line.", MaxPhrases))
		}
		return nil, errs
	}
	var out []string
	seen := map[string]line{}
	var problems []string
	for _, l := range lines {
		key := strings.ToLower(l.Text)
		n := utf8.RuneCountInString(l.Text)
		if r, bad := badRune(l.Text, phraseRune); bad {
			problems = append(problems, lineError(l, "remove "+describeRune(r)+". A phrase may hold letters, digits, spaces and + - ' & only."))
		} else if !strings.ContainsFunc(l.Text, letterOrDigit) {
			problems = append(problems, lineError(l, "a phrase needs at least one letter or digit."))
		} else if n > MaxPhraseLen {
			problems = append(problems, lineError(l, fmt.Sprintf("a phrase must be %d characters or fewer (this has %d).", MaxPhraseLen, n)))
		} else if first, dup := seen[key]; dup {
			problems = append(problems, lineError(l, fmt.Sprintf("this is already on line %d. Remove one of them.", first.No)))
		} else {
			seen[key] = l
		}
		out = append(out, l.Text)
	}
	for i, p := range problems {
		if i == maxLineErrors {
			errs.Add("phrases", fmt.Sprintf("%d more lines have problems too.", len(problems)-maxLineErrors))
			break
		}
		errs.Add("phrases", p)
	}
	switch {
	case len(out) < MinPhrases && len(out) == 0:
		errs.Add("phrases", "Enter at least two phrases, one on each line.")
	case len(out) < MinPhrases:
		errs.Add("phrases", "Enter at least one more phrase, on a new line: a set joins two or more phrases.")
	case len(out) > MaxPhrases:
		errs.Add("phrases", fmt.Sprintf("Enter at most %d phrases (there are %d). Split them into two sets if they mean different things.", MaxPhrases, len(out)))
	}
	return out, errs
}

// cleanForCompare is the set's phrases for comparing two versions of the form: cleaned, in
// order, whatever is wrong with them.
func cleanForCompare(in SetInput) []string {
	out, _ := CleanPhrases(in)
	return out
}

// InputOf is the form as it starts for saved phrases.
func InputOf(phrases []string) SetInput { return SetInput{Phrases: strings.Join(phrases, "\n")} }

// Readable is a set's phrases as a line of text: "domestic abuse · domestic violence · DA".
func Readable(phrases []string) string { return strings.Join(phrases, " · ") }

// SetForm is the synonym set form for comparing and merging after a conflict (see
// internal/edit): the phrases compared as a set, whatever their order.
func SetForm() edit.Form[SetInput] {
	return edit.Form[SetInput]{Fields: []edit.Field[SetInput]{{
		Name: "phrases", Label: "Phrases",
		Key: func(in SetInput) string {
			return strings.Join(sortedUnique(cleanForCompare(in)), "\n")
		},
		Show: func(in SetInput) string { return Readable(cleanForCompare(in)) },
		Take: func(dst *SetInput, src SetInput) { dst.Phrases = src.Phrases },
	}}}
}
