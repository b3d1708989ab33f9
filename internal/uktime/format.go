package uktime

import (
	"strings"
	"time"
)

// The one way the service writes dates and times, GOV.UK's: "6 December 2026", "2:24pm",
// "9am", "midday", "midnight". Every page uses these, so a date reads the same everywhere.

// Date is the day in London: "6 December 2026".
func Date(t time.Time) string { return t.In(London).Format("2 January 2006") }

// Clock is the time of day in London: "2:24pm", "9am", "midday", "midnight".
func Clock(t time.Time) string {
	t = t.In(London)
	switch {
	case t.Hour() == 12 && t.Minute() == 0:
		return "midday"
	case t.Hour() == 0 && t.Minute() == 0:
		return "midnight"
	case t.Minute() == 0:
		return strings.ToLower(t.Format("3PM"))
	}
	return strings.ToLower(t.Format("3:04PM"))
}

// DateTime is both: "6 December 2026 at 2:24pm".
func DateTime(t time.Time) string { return Date(t) + " at " + Clock(t) }
