package validate

import (
	"net/url"
	"testing"
	"time"
)

func TestJoinDateAndParts(t *testing.T) {
	v := url.Values{"due-day": {" 27 "}, "due-month": {"3"}, "due-year": {"2027"}}
	JoinDate(v, "due")
	if got := v.Get("due"); got != "27/3/2027" {
		t.Fatalf("joined %q", got)
	}
	v = url.Values{"due": {"2027-03-27"}}
	JoinDate(v, "due") // no boxes: the single field stays
	if got := v.Get("due"); got != "2027-03-27" {
		t.Fatalf("single field became %q", got)
	}
	v = url.Values{"due": {"2027-03-27"}, "due-day": {"1"}, "due-month": {"1"}, "due-year": {"2028"}}
	JoinDate(v, "due") // both: the single field was sent on purpose
	if got := v.Get("due"); got != "2027-03-27" {
		t.Fatalf("single field beside the boxes became %q", got)
	}
	v = url.Values{"at-day": {""}, "at-month": {""}, "at-year": {""}, "at-time": {""}}
	JoinDate(v, "at")
	if got, ok := v["at"]; !ok || got[0] != "" {
		t.Fatalf("empty boxes gave %q", got)
	}
	v = url.Values{"at-day": {"1"}, "at-month": {"12"}, "at-year": {"2026"}, "at-time": {"09:30"}}
	JoinDate(v, "at")
	if got := v.Get("at"); got != "1/12/2026 09:30" {
		t.Fatalf("date and time joined as %q", got)
	}
	for in, want := range map[string][4]string{
		"27/3/2027": {"27", "3", "2027", ""}, "2027-03-07": {"7", "3", "2027", ""},
		"2027-03-07T09:30": {"7", "3", "2027", "09:30"}, "1//2026 10:00": {"1", "", "2026", "10:00"}, "soon": {"soon", "", "", ""},
	} {
		d, m, y, c := DateParts(in)
		if [4]string{d, m, y, c} != want {
			t.Errorf("DateParts(%q) = %q %q %q %q, want %q", in, d, m, y, c, want)
		}
	}
}

func TestDateMessages(t *testing.T) {
	for in, want := range map[string]string{
		"":           "Enter the date of the next review",
		"//2027":     "The date of the next review must include a day and month",
		"27//2027":   "The date of the next review must include a month",
		"27/3/":      "The date of the next review must include a year",
		"31/6/2027":  "The date of the next review must be a real date",
		"a/b/2027":   "The date of the next review must be a real date",
		"27/13/2027": "The date of the next review must be a real date",
		"27/3/27":    "Year must include 4 numbers",
		"soon":       "The date of the next review must include a month and year",
	} {
		var e Errors
		if _, ok := e.Date("review_due", "the date of the next review", in, true); ok || len(e) != 1 || e[0].Message != want || e[0].Field != "review_due" {
			t.Errorf("Date(%q): %v, want %q", in, e, want)
		}
	}
	for in, want := range map[string]string{"27/3/2027": "2027-03-27", "2027-03-27": "2027-03-27", " 1 / 02 / 2028 ": ""} {
		var e Errors
		got, ok := e.Date("d", "Date", in, true)
		if want == "" {
			continue
		}
		if !ok || got.Format(time.DateOnly) != want {
			t.Errorf("Date(%q) = %v %v %v, want %s", in, got, ok, e, want)
		}
	}
	var e Errors
	if _, ok := e.Date("d", "Date", "", false); ok || len(e) != 0 {
		t.Errorf("an optional empty date: %v %v", ok, e)
	}
}
