package uktime

import (
	"testing"
	"time"
)

func TestGOVUKStyle(t *testing.T) {
	for _, c := range []struct {
		utc         string
		date, clock string
	}{
		{"2026-12-06T14:24:20Z", "6 December 2026", "2:24pm"},
		{"2026-12-06T09:00:00Z", "6 December 2026", "9am"},
		{"2026-12-06T12:00:59Z", "6 December 2026", "midday"},
		{"2026-12-06T00:00:00Z", "6 December 2026", "midnight"},
		// British Summer Time: 23:30 UTC is half past midnight the next day in London.
		{"2026-06-30T23:30:00Z", "1 July 2026", "12:30am"},
	} {
		at, err := time.Parse(time.RFC3339, c.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := Date(at); got != c.date {
			t.Errorf("Date(%s) = %q, want %q", c.utc, got, c.date)
		}
		if got := Clock(at); got != c.clock {
			t.Errorf("Clock(%s) = %q, want %q", c.utc, got, c.clock)
		}
		if got, want := DateTime(at), c.date+" at "+c.clock; got != want {
			t.Errorf("DateTime(%s) = %q, want %q", c.utc, got, want)
		}
	}
}
