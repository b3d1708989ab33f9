// Package phone turns the UK phone numbers people type into the digits we store, and stored
// digits back into a readable number and a tel: link.
package phone

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// shortCodes are the UK numbers shorter than a full number that the directory lists. They
// are stored and dialled as they are.
var shortCodes = map[string]string{
	"999":    "999",
	"112":    "112",
	"101":    "101",
	"111":    "111",
	"116123": "116 123",
	"116111": "116 111",
	"116117": "116 117",
}

// ErrInvalid is returned for input that is not a UK phone number we can store.
var ErrInvalid = errors.New("enter a UK phone number, like 01632 960 123 or 0800 027 1234")

// Normalize turns what a person typed ("0800 027 1234", "+44 800 027 1234", "(01632) 960123")
// into the national digits we store ("08000271234"). Short codes stay as they are.
func Normalize(input string) (string, error) {
	s := strings.TrimSpace(input)
	if s == "" || len(s) > 40 {
		return "", ErrInvalid
	}
	compact := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '.', '\u00a0':
			return -1
		}
		return r
	}, s)
	if _, ok := shortCodes[compact]; ok {
		return compact, nil
	}
	num, err := phonenumbers.Parse(s, "GB")
	if err != nil || num.GetCountryCode() != 44 {
		return "", ErrInvalid
	}
	digits := "0" + phonenumbers.GetNationalSignificantNumber(num)
	if !phonenumbers.IsValidNumberForRegion(num, "GB") && !isDramaNumber(digits) {
		return "", ErrInvalid
	}
	return digits, nil
}

// isDramaNumber reports whether digits fall in the ranges Ofcom keeps for drama and examples,
// which the demo data uses and libphonenumber may not list as valid.
func isDramaNumber(digits string) bool {
	for _, prefix := range []string{"01632960", "01134960", "01144960", "01154960", "01164960", "01174960", "01184960", "01214960", "01314960", "01414960", "01514960", "01614960", "0207946", "02890180", "02920180", "07700900"} {
		if strings.HasPrefix(digits, prefix) && len(digits) == 11 {
			return true
		}
	}
	return false
}

// Display formats stored digits the way UK numbers are written: "0800 027 1234".
// libphonenumber's formatting runs regular expressions, which made it the largest cost of a
// results page (BENCHMARKS.md), so results are remembered: a page shows the same numbers
// again and again.
func Display(digits string) string {
	if s, ok := displayed.Load(digits); ok {
		return s.(string)
	}
	s := display(digits)
	if displayedCount.Add(1) > maxDisplayed {
		displayed.Clear() // bounded memory; the numbers in use come back at once
		displayedCount.Store(0)
	}
	displayed.Store(digits, s)
	return s
}

var (
	displayed      sync.Map // digits -> formatted
	displayedCount atomic.Int64
)

const maxDisplayed = 20000

func display(digits string) string {
	if s, ok := shortCodes[digits]; ok {
		return s
	}
	num, err := phonenumbers.Parse(digits, "GB")
	if err == nil {
		if f := phonenumbers.Format(num, phonenumbers.NATIONAL); f != "" && f != digits {
			return f
		}
	}
	// libphonenumber leaves some ranges (the drama ones) unformatted: group them by hand.
	if len(digits) == 11 {
		if strings.HasPrefix(digits, "01") && digits[3] == '1' || strings.HasPrefix(digits, "02") {
			return digits[:3] + " " + digits[3:6] + " " + digits[6:] // 0141 496 0123 style
		}
		return digits[:5] + " " + digits[5:]
	}
	return digits
}

// TelURI is the tel: link for stored digits: E.164 for full numbers ("tel:+448000271234"),
// the short code itself for 999, 101 and the like.
func TelURI(digits string) string {
	if _, ok := shortCodes[digits]; ok {
		return "tel:" + digits
	}
	if strings.HasPrefix(digits, "0") {
		return "tel:+44" + digits[1:]
	}
	return "tel:" + digits
}
