package training

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/edit"
	"dadirectory/internal/validate/formtest"
)

// Fuzz targets of the training forms and query strings: never a panic, every error names a
// field of the form, and what is accepted is storable, within the schema's limits, and in range.

var fuzzNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// FuzzCleanCourse is the course form with the fuzzed value in one of its fields.
func FuzzCleanCourse(f *testing.F) {
	fields := formtest.Fields(&CourseInput{})
	for i, s := range formtest.Seeds {
		f.Add(fields[i%len(fields)], s)
	}
	f.Fuzz(func(t *testing.T, field, value string) {
		in := CourseInput{Title: "Safe and Together core", Programme: "Safe & Together", Level: Levels[0].Value,
			Delivery: Deliveries[0].Value, Audience: Audiences[0].Value, Duration: "4 days", Description: "What it covers.\nWho for.",
			Provider: "link-group", Visibility: "staff"}
		formtest.Set(&in, field, value)
		out, errs := cleanCourse(in)
		formtest.ErrorsNameFields(t, errs, fields)
		if len(errs) > 0 {
			return
		}
		formtest.Storable(t, out, map[string]int{"Title": 200, "Programme": 120, "Duration": 100, "Description": 5000})
		if out.Title == "" || strings.Contains(out.Title, "\n") || formtest.HasTag(out.Title) || formtest.HasTag(out.Programme) ||
			(out.Provider != "" && !edit.ValidSlug(out.Provider)) {
			t.Fatalf("accepted title %q", out.Title)
		}
		if again, errs := cleanCourse(out); len(errs) > 0 || again != out {
			t.Fatalf("not stable: %+v -> %+v %v", out, again, errs)
		}
		// The slug made from an accepted title is always URL-safe.
		if s := edit.Slug(out.Title, "course"); !edit.ValidSlug(s) {
			t.Fatalf("slug %q from %q", s, out.Title)
		}
	})
}

// FuzzCleanSession is the session form: times, venue, joining link and capacity.
func FuzzCleanSession(f *testing.F) {
	fields := formtest.Fields(&SessionInput{})
	for i, s := range append(formtest.Seeds, "2026-03-29T01:30", "2026-03-31T09:30:00", "99999-01-01T00:00", "0", "1001", "1e3",
		"2026-02-30T09:00", " 20 ", "https://meet.example.org/abc") {
		f.Add(fields[i%len(fields)], s, i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, field, value string, online bool) {
		in := SessionInput{StartsAt: "2026-04-01T09:30", EndsAt: "2026-04-01T12:30", Venue: "Training Room 2",
			OnlineURL: "https://meet.example.org/abc", Capacity: "20", BookingCloses: "2026-03-30T17:00"}
		formtest.Set(&in, field, value)
		delivery := "in_person"
		if online {
			delivery = "online"
		}
		out, errs := cleanSession(in, delivery, fuzzNow, nil, 3)
		formtest.ErrorsNameFields(t, errs, fields)
		if len(errs) > 0 {
			return
		}
		formtest.Storable(t, out, map[string]int{"Venue": 300})
		switch {
		case out.Capacity < 3 || out.Capacity > 1000:
			t.Fatalf("accepted capacity %d", out.Capacity)
		case !out.StartsAt.After(fuzzNow) || !out.EndsAt.After(out.StartsAt) || out.EndsAt.Sub(out.StartsAt) > maxSessionLength:
			t.Fatalf("accepted times %v to %v", out.StartsAt, out.EndsAt)
		case out.BookingCloses != nil && (out.BookingCloses.After(out.StartsAt) || !out.BookingCloses.After(fuzzNow)):
			t.Fatalf("accepted booking close %v", out.BookingCloses)
		case out.OnlineURL != "" && !strings.HasPrefix(strings.ToLower(out.OnlineURL), "http"):
			t.Fatalf("accepted link %q", out.OnlineURL)
		case delivery == "in_person" && out.Venue == "", delivery == "online" && out.OnlineURL == "":
			t.Fatalf("accepted %+v for %s", out, delivery)
		}
	})
}

// FuzzTrainingFilter is /training's query string: a filter only of listed values, or errors.
func FuzzTrainingFilter(f *testing.F) {
	for _, s := range []string{"programme=Safe+%26+Together&level=overview&delivery=online&audience=all_staff&date=2026-03-31",
		"level=<script>", "date=2026-02-30", "date=99999-01-01", "programme=%00", "delivery=online&delivery=online", "date=%ff"} {
		f.Add(s)
	}
	programmes := []string{"Safe & Together", "DA awareness"}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		got, _, errs := ParseFilter(q, programmes)
		formtest.ErrorsNameFields(t, errs, []string{"programme", "level", "delivery", "audience", "date"})
		for _, list := range [][]string{got.Programmes, got.Levels, got.Deliveries, got.Audiences} {
			for _, v := range list {
				if !inAny(v, programmes, values(Levels), values(Deliveries), values(Audiences)) {
					t.Fatalf("accepted %q", v)
				}
			}
		}
		if !got.From.IsZero() && (got.From.Year() < 2000 || got.From.Year() > 2200) {
			t.Fatalf("accepted date %v", got.From)
		}
	})
}

func inAny(v string, lists ...[]string) bool {
	for _, l := range lists {
		for _, x := range l {
			if x == v {
				return true
			}
		}
	}
	return false
}

// FuzzReportRange is the training report's from and to.
func FuzzReportRange(f *testing.F) {
	for _, s := range []string{"from=2025-03-01&to=2026-02-28", "from=2026-03-01&to=2025-01-01", "from=1000-01-01", "to=%00",
		"from=2000-01-01&to=2200-12-31", "from=2026-13-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r, form, errs := ParseReportRange(q, fuzzNow)
		formtest.ErrorsNameFields(t, errs, []string{"from", "to"})
		if len(errs) > 0 {
			return
		}
		if r.To.Before(r.From) || r.To.Sub(r.From) > maxReportDays*24*time.Hour || r.From.Year() < 2000 {
			t.Fatalf("accepted %v", r)
		}
		if again, _, errs := ParseReportRange(url.Values{"from": {form.From}, "to": {form.To}}, fuzzNow); len(errs) > 0 || !again.From.Equal(r.From) || !again.To.Equal(r.To) {
			t.Fatalf("round trip %v -> %+v -> %v %v", r, form, again, errs)
		}
	})
}
