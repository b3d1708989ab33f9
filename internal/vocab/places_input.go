package vocab

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// The places form of one area: its towns and villages, and its postcode districts or
// sectors, one a line.

// Limits of an area's places (the table checks the counts too).
const (
	MaxPlaces     = 200
	MaxPostcodes  = 200
	MaxPlaceLen   = 80
	postcodeField = "postcodes"
	placesField   = "places"
)

// PlacesInput is the form as typed. JSON names are the form's field names.
type PlacesInput struct {
	Places    string `json:"places"`
	Postcodes string `json:"postcodes"`
}

// Places are an area's places as stored.
type Places struct {
	Places    []string
	Postcodes []string
}

// Input is the form as it starts for saved places.
func (p Places) Input() PlacesInput {
	return PlacesInput{Places: strings.Join(p.Places, "\n"), Postcodes: strings.Join(p.Postcodes, "\n")}
}

// placeRune is what a place name may hold: letters, digits, spaces and ' - . ("Bo'ness",
// "Newton-on-Ayr", "St. Andrews").
func placeRune(r rune) bool { return letterOrDigit(r) || strings.ContainsRune(" '-.", r) }

var (
	// outward is a postcode district ("ML1", "G67", "EH10", "W1A"), sector ("ML1 4") or, to
	// refuse with its own message, a full postcode ("ML1 4AB"), all upper case with the space
	// in place.
	district = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]?$`)
	sector   = regexp.MustCompile(`^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])$`)
	full     = regexp.MustCompile(`^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$`)
)

// normalPostcode returns a district or sector as stored ("ml1  4" -> "ML1 4"), with ok false
// when it is neither; isFull says it was a full postcode.
func normalPostcode(s string) (code string, ok, isFull bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), " "))
	compact := strings.ReplaceAll(s, " ", "")
	switch {
	case district.MatchString(s):
		return s, true, false
	case strings.Contains(s, " ") && sector.MatchString(s):
		// "ML1 4". Without the space, "ML14" reads as the district ML14, handled above.
		m := sector.FindStringSubmatch(s)
		return m[1] + " " + m[2], true, false
	case full.MatchString(compact):
		return s, false, true
	}
	return s, false, false
}

// CleanPlaces checks the form and returns the places as they are stored: names trimmed,
// postcodes upper case with one space before a sector's digit, each list without repeats
// (ignoring case; the first written stays).
func CleanPlaces(in PlacesInput) (Places, validate.Errors) {
	var errs validate.Errors
	var out Places
	out.Places = cleanList(&errs, placesField, "place names", in.Places, MaxPlaces, func(l line) (string, string) {
		if r, bad := badRune(l.Text, placeRune); bad {
			return "", "remove " + describeRune(r) + ". A place name may hold letters, digits, spaces and ' - . only."
		}
		if !strings.ContainsFunc(l.Text, unicode.IsLetter) {
			return "", "a place name needs at least one letter."
		}
		if n := utf8.RuneCountInString(l.Text); n > MaxPlaceLen {
			return "", fmt.Sprintf("a place name must be %d characters or fewer (this has %d).", MaxPlaceLen, n)
		}
		return l.Text, ""
	})
	out.Postcodes = cleanList(&errs, postcodeField, "postcode districts", in.Postcodes, MaxPostcodes, func(l line) (string, string) {
		code, ok, isFull := normalPostcode(l.Text)
		switch {
		case ok:
			return code, ""
		case isFull:
			return "", `this is a full postcode. Enter its district, such as "ML1", or sector, such as "ML1 4".`
		}
		return "", `enter a postcode district, such as "ML1", or a sector, such as "ML1 4".`
	})
	return out, errs
}

// cleanList reads one textarea of a list: each line cleaned by check (which returns the
// value to keep or a problem), repeats dropped ignoring case, at most max entries.
func cleanList(errs *validate.Errors, field, what, value string, max int, check func(line) (string, string)) []string {
	lines, ok := splitLines(value)
	if !ok {
		if !utf8.ValidString(value) {
			errs.Add(field, "The "+what+" contain characters we cannot read. Type them again.")
		} else {
			errs.Add(field, fmt.Sprintf("Enter at most %d %s, one on each line.", max, what))
		}
		return nil
	}
	out := []string{}
	seen := map[string]bool{}
	var problems []string
	for _, l := range lines {
		v, problem := check(l)
		if problem != "" {
			problems = append(problems, lineError(l, problem))
			continue
		}
		if key := strings.ToLower(v); !seen[key] {
			seen[key] = true
			out = append(out, v)
		}
	}
	for i, p := range problems {
		if i == maxLineErrors {
			errs.Add(field, fmt.Sprintf("%d more lines have problems too.", len(problems)-maxLineErrors))
			break
		}
		errs.Add(field, p)
	}
	if len(out) > max {
		errs.Add(field, fmt.Sprintf("Enter at most %d %s (there are %d).", max, what, len(out)))
	}
	return out
}

// PlacesForm is the places form for comparing and merging after a conflict (see
// internal/edit): each list compared as a set.
func PlacesForm() edit.Form[PlacesInput] {
	list := func(name, label string, get func(Places) []string, p func(*PlacesInput) *string) edit.Field[PlacesInput] {
		clean := func(in PlacesInput) []string { c, _ := CleanPlaces(in); return get(c) }
		return edit.Field[PlacesInput]{
			Name: name, Label: label,
			Key:  func(in PlacesInput) string { return strings.Join(sortedUnique(lower(clean(in))), "\n") },
			Show: func(in PlacesInput) string { return Readable(clean(in)) },
			Take: func(dst *PlacesInput, src PlacesInput) { *p(dst) = *p(&src) },
		}
	}
	return edit.Form[PlacesInput]{Fields: []edit.Field[PlacesInput]{
		list(placesField, "Towns and villages", func(p Places) []string { return p.Places }, func(in *PlacesInput) *string { return &in.Places }),
		list(postcodeField, "Postcode districts", func(p Places) []string { return p.Postcodes }, func(in *PlacesInput) *string { return &in.Postcodes }),
	}}
}

func lower(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strings.ToLower(v)
	}
	return out
}

func sortedUnique(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
