// Package wording holds the few rules of English every page shares, so that a count reads
// "1 organisation" and "2 organisations" wherever it appears.
package wording

import "strconv"

// Count is a number with its noun in the right form: Count(1, "organisation",
// "organisations") is "1 organisation"; 0 and 2 take the plural.
func Count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + Plural(n, one, many)
}

// Plural is the noun alone, singular for exactly one.
func Plural(n int, one, many string) string {
	if n == 1 || n == -1 {
		return one
	}
	return many
}

// HaveHas is the verb after a count: "1 housing association has", "2 ... have".
func HaveHas(n int) string { return Plural(n, "has", "have") }

// IsAre is the verb after a count: "1 entry is", "2 entries are".
func IsAre(n int) string { return Plural(n, "is", "are") }
