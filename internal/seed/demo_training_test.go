package seed

import (
	"context"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/uktime"
)

func TestDemoTrainingDataValid(t *testing.T) {
	agencies := map[string]bool{}
	for _, a := range Agencies {
		agencies[a.Slug] = true
	}
	slugs := map[string]bool{}
	public := 0
	for _, c := range DemoCourses {
		if !slugRE.MatchString(c.Slug) || len(c.Slug) > 80 || slugs[c.Slug] {
			t.Errorf("%s: bad or repeated slug", c.Slug)
		}
		slugs[c.Slug] = true
		if !agencies[c.Provider] {
			t.Errorf("%s: provider %q is not a demo agency", c.Slug, c.Provider)
		}
		if !strings.Contains(c.Description, "Demo data") {
			t.Errorf("%s: description does not say it is demo data", c.Slug)
		}
		if c.Visibility == Public {
			public++
		}
		if len(c.Sessions) == 0 {
			t.Errorf("%s: no sessions", c.Slug)
		}
		for _, s := range c.Sessions {
			if s.Capacity < 1 || (c.Delivery == "in_person") != (s.Venue != "") || (c.Delivery != "in_person") != (s.Online != "") {
				t.Errorf("%s: session %+v does not fit a course delivered %s", c.Slug, s, c.Delivery)
			}
			if s.Online != "" && !strings.HasPrefix(s.Online, "https://") {
				t.Errorf("%s: joining link %q", c.Slug, s.Online)
			}
		}
	}
	if public == 0 {
		t.Error("no public course: the public pages would have nothing to show")
	}
}

func TestDemoSessionTimes(t *testing.T) {
	for day := 0; day < 14; day++ {
		today := time.Date(2030, 3, 20+day, 11, 0, 0, 0, uktime.London) // across the clocks going forward
		for _, c := range DemoCourses {
			for _, s := range c.Sessions {
				starts, ends, closes, err := s.times(today)
				if err != nil {
					t.Fatal(err)
				}
				if !starts.After(today) || !ends.After(starts) || (closes != nil && (closes.After(starts) || !closes.After(today))) {
					t.Errorf("%s from %s: %s to %s, closes %v", c.Slug, today, starts, ends, closes)
				}
				if wd := starts.Weekday(); wd == time.Saturday || wd == time.Sunday {
					t.Errorf("%s starts on a %s", c.Slug, wd)
				}
				if s.Days > 1 && s.Days <= 5 && ends.Weekday() < starts.Weekday() {
					t.Errorf("%s runs over a weekend: %s to %s", c.Slug, starts, ends)
				}
				if starts.In(uktime.London).Format("15:04") != s.Start {
					t.Errorf("%s: starts at %s UK time, want %s", c.Slug, starts.In(uktime.London).Format("15:04"), s.Start)
				}
			}
		}
	}
}

func TestDemoTrainingSeedsIdempotently(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	snapshot := func() [4]int {
		var s [4]int
		err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM training_courses WHERE demo),
			(SELECT coalesce(sum(version), 0) FROM training_courses WHERE demo),
			(SELECT count(*) FROM training_sessions), (SELECT count(*) FROM training_providers)`).Scan(&s[0], &s[1], &s[2], &s[3])
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := Demo(ctx, db); err != nil {
		t.Fatal(err)
	}
	first := snapshot()
	if _, err := Demo(ctx, db); err != nil {
		t.Fatal(err)
	}
	if second := snapshot(); first != second {
		t.Errorf("the second run changed training: %v then %v", first, second)
	}
	want := 0
	for _, c := range DemoCourses {
		want += len(c.Sessions)
	}
	if first[0] != len(DemoCourses) || first[2] != want || first[3] != 1 {
		t.Errorf("courses, sessions, providers: %v; want %d courses, %d sessions, 1 provider", first, len(DemoCourses), want)
	}
	// An admin's withdrawal of the provider's permission is not undone by seeding again.
	if _, err := db.Exec(ctx, `DELETE FROM training_providers`); err != nil {
		t.Fatal(err)
	}
	if _, err := Demo(ctx, db); err != nil {
		t.Fatal(err)
	}
	if s := snapshot(); s[3] != 0 {
		t.Error("seeding again re-granted a permission an admin had withdrawn")
	}
	// Once every demo session has passed, the next run plans new ones.
	if _, err := db.Exec(ctx, `UPDATE training_sessions SET starts_at = starts_at - interval '400 days',
		ends_at = ends_at - interval '400 days', booking_closes = booking_closes - interval '400 days'`); err != nil {
		t.Fatal(err)
	}
	if _, err := Demo(ctx, db); err != nil {
		t.Fatal(err)
	}
	if s := snapshot(); s[2] != 2*want {
		t.Errorf("sessions after the calendar ran out: %d, want %d", s[2], 2*want)
	}
}
