package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dadirectory/internal/uktime"

	"github.com/jackc/pgx/v5"
)

// Demo training: the Safe & Together programme as North Lanarkshire runs it (the seed
// documents: 4-day Core, 1-day Overview, supervisor and manager training, e-learning Core for
// police officers, mentor sessions for those who completed Core, case consultations, and the
// roadshows that share the model), plus an awareness course a housing association provides,
// which shows an organisation allowed to run its own courses.
//
// Courses are matched by slug and kept up to date like agencies. Sessions are planned relative
// to the day the seed runs: a demo course gets its sessions when it has none still to come, so
// running the seed again the same day changes nothing and running it months later tops the
// calendar up. Every description says "Demo data".

// DemoCourse is one demo course and when its sessions fall.
type DemoCourse struct {
	Slug, Title, Programme, Level, Delivery, Audience, Duration, Description, Provider, Visibility string
	// Sessions: days from the seed's run, first day's start (local "15:04") and length.
	Sessions []DemoSession
	// AllowProvider lets the providing organisation manage its own courses, granted when the
	// course is first created (an admin's later decision is never overridden).
	AllowProvider bool
}

// DemoSession is one planned session: on the first weekday at least InDays from the run (and
// for a course of a few days, the first that keeps it within one working week).
type DemoSession struct {
	InDays   int
	Start    string // "09:30", UK time
	Days     int    // calendar days it spans (1 for a single day)
	End      string // "16:30" on its last day
	Capacity int
	Venue    string
	Online   string
	// ClosesDaysBefore closes booking this many days before the start (0: open until it starts).
	ClosesDaysBefore int
}

const (
	demoVenueCivic   = "Training Room 2, Civic Centre, Motherwell (Demo data)"
	demoVenueAirdrie = "Learning Suite, Town Hall, Airdrie (Demo data)"
	demoVenueCumb    = "Community Hub, Cumbernauld (Demo data)"
	demoOnline       = "https://meet.example.org/safe-and-together"
)

// DemoCourses are the demo courses.
var DemoCourses = []DemoCourse{
	{
		Slug: "safe-and-together-core", Title: "Safe & Together Core Training (4 days)", Programme: "Safe & Together",
		Level: "core", Delivery: "in_person", Audience: "practitioners", Duration: "4 days", Provider: "nlc-social-work",
		Visibility: Staff,
		Description: "The Safe & Together model's full practitioner course: partnering with the adult survivor, " +
			"assessing the perpetrator's pattern of coercive control and its impact on the children, and documenting " +
			"it in a way that holds the perpetrator accountable. You need to attend all four days.\n\nDemo data: dates and venues are examples.",
		Sessions: []DemoSession{
			{InDays: 21, Start: "09:30", Days: 4, End: "16:30", Capacity: 20, Venue: demoVenueCivic, ClosesDaysBefore: 7},
			{InDays: 77, Start: "09:30", Days: 4, End: "16:30", Capacity: 20, Venue: demoVenueCumb, ClosesDaysBefore: 7},
		},
	},
	{
		Slug: "safe-and-together-overview", Title: "Safe & Together Overview (1 day)", Programme: "Safe & Together",
		Level: "overview", Delivery: "in_person", Audience: "all_staff", Duration: "1 day",
		Provider: "nhs-lanarkshire-gender-based-violence-services", Visibility: Staff,
		Description: "A one-day introduction to the Safe & Together model and its critical components, for staff of " +
			"every partner agency: police, health, housing, Women's Aid and adult health and social care.\n\nDemo data: dates and venues are examples.",
		Sessions: []DemoSession{
			{InDays: 10, Start: "09:30", Days: 1, End: "16:00", Capacity: 30, Venue: demoVenueAirdrie, ClosesDaysBefore: 2},
			{InDays: 38, Start: "09:30", Days: 1, End: "16:00", Capacity: 30, Venue: demoVenueCivic, ClosesDaysBefore: 2},
			{InDays: 66, Start: "09:30", Days: 1, End: "16:00", Capacity: 30, Venue: demoVenueCumb, ClosesDaysBefore: 2},
		},
	},
	{
		Slug: "safe-and-together-supervisors-and-managers", Title: "Safe & Together Supervisor and Manager Training",
		Programme: "Safe & Together", Level: "supervisor", Delivery: "in_person", Audience: "managers", Duration: "2 days",
		Provider: "nlc-social-work", Visibility: Staff,
		Description: "For managers and senior practitioners, including housing managers: supporting staff to use the " +
			"model in supervision and case decisions.\n\nDemo data: dates and venues are examples.",
		Sessions: []DemoSession{
			{InDays: 45, Start: "09:30", Days: 2, End: "16:00", Capacity: 16, Venue: demoVenueCivic, ClosesDaysBefore: 7},
		},
	},
	{
		Slug: "safe-and-together-core-e-learning", Title: "Safe & Together Core Training: e-learning",
		Programme: "Safe & Together", Level: "core", Delivery: "elearning", Audience: "practitioners",
		Duration: "About 24 hours over 8 weeks, at your own pace", Provider: "nlc-social-work", Visibility: Staff,
		Description: "The Core course as e-learning, in modules you complete at your own pace within the eight weeks " +
			"the place is open. Places are limited by the licences the partnership holds.\n\nDemo data.",
		Sessions: []DemoSession{
			{InDays: 14, Start: "09:00", Days: 56, End: "17:00", Capacity: 20, Online: "https://learning.example.org/safe-and-together-core", ClosesDaysBefore: 3},
		},
	},
	{
		Slug: "safe-and-together-mentor-session", Title: "Safe & Together Mentor Session", Programme: "Safe & Together",
		Level: "practice", Delivery: "online", Audience: "core_trained", Duration: "2 hours",
		Provider: "nlc-social-work", Visibility: Staff,
		Description: "For staff who have completed the 4-day Core training: the Safe & Together co-ordinator, a trainer " +
			"and a Safe & Together champion talk through putting the model into practice, including language and " +
			"working with perpetrators.\n\nDemo data.",
		Sessions: []DemoSession{
			{InDays: 17, Start: "14:00", Days: 1, End: "16:00", Capacity: 12, Online: demoOnline},
			{InDays: 59, Start: "14:00", Days: 1, End: "16:00", Capacity: 12, Online: demoOnline},
		},
	},
	{
		Slug: "safe-and-together-case-consultation", Title: "Safe & Together Case Consultation", Programme: "Safe & Together",
		Level: "practice", Delivery: "online", Audience: "practitioners", Duration: "90 minutes",
		Provider: "nhs-lanarkshire-gender-based-violence-services", Visibility: Staff,
		Description: "Bring a complex domestic abuse case (without names or identifying details) and work through it " +
			"with a Safe & Together trainer and other practitioners.\n\nDemo data.",
		Sessions: []DemoSession{
			{InDays: 8, Start: "10:00", Days: 1, End: "11:30", Capacity: 8, Online: demoOnline},
			{InDays: 36, Start: "10:00", Days: 1, End: "11:30", Capacity: 8, Online: demoOnline},
		},
	},
	{
		Slug: "safe-and-together-roadshow", Title: "Safe & Together Roadshow", Programme: "Safe & Together",
		Level: "awareness", Delivery: "in_person", Audience: "everyone", Duration: "2 hours",
		Provider: "north-lanarkshire-council-housing", Visibility: Public,
		Description: "An open session about the Safe & Together model and how services in North Lanarkshire work " +
			"together to keep children safe and together with the non-abusing parent. Everyone is welcome.\n\n" +
			"Demo data: dates and venues are examples.",
		Sessions: []DemoSession{
			{InDays: 24, Start: "18:00", Days: 1, End: "20:00", Capacity: 60, Venue: demoVenueAirdrie},
			{InDays: 52, Start: "18:00", Days: 1, End: "20:00", Capacity: 60, Venue: demoVenueCumb},
		},
	},
	{
		Slug: "domestic-abuse-awareness-for-housing-association-staff", Title: "Domestic abuse awareness for housing association staff",
		Programme: "Housing domestic abuse", Level: "awareness", Delivery: "online", Audience: "rsl", Duration: "half a day",
		Provider: "clyde-valley-housing-association", Visibility: Staff, AllowProvider: true,
		Description: "Recognising domestic abuse in a tenancy, responding safely, and working with the council's " +
			"Housing Domestic Abuse Champions. Run by a housing association for staff of the landlords in the Housing " +
			"Domestic Abuse Forum.\n\nDemo data.",
		Sessions: []DemoSession{
			{InDays: 29, Start: "09:30", Days: 1, End: "12:30", Capacity: 25, Online: "https://meet.example.org/rsl-awareness"},
		},
	},
}

func init() { demoExtras = append(demoExtras, seedTraining) }

// seedTraining writes the demo courses and their sessions. A course whose provider is not in
// the database, or whose slug belongs to a course that is not demo data, is skipped.
func seedTraining(ctx context.Context, tx pgx.Tx) error {
	today := time.Now().In(uktime.London)
	for i := range DemoCourses {
		if err := seedCourse(ctx, tx, &DemoCourses[i], today); err != nil {
			return fmt.Errorf("training course %s: %w", DemoCourses[i].Slug, err)
		}
	}
	return nil
}

func seedCourse(ctx context.Context, tx pgx.Tx, c *DemoCourse, today time.Time) error {
	var provider int64
	err := tx.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1 AND archived_at IS NULL`, c.Provider).Scan(&provider)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("provider: %w", err)
	}
	args := []any{c.Slug, c.Title, c.Programme, c.Level, c.Delivery, c.Audience, c.Duration, c.Description, provider, c.Visibility}
	var id int64
	var demo bool
	err = tx.QueryRow(ctx, `SELECT id, demo FROM training_courses WHERE slug = $1 FOR UPDATE`, c.Slug).Scan(&id, &demo)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = tx.QueryRow(ctx, `INSERT INTO training_courses (slug, title, programme, level, delivery, audience, duration,
				description, provider_id, visibility, demo)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true) RETURNING id`, args...).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		if c.AllowProvider {
			if _, err := tx.Exec(ctx, `INSERT INTO training_providers (agency_id) VALUES ($1) ON CONFLICT DO NOTHING`, provider); err != nil {
				return fmt.Errorf("allow provider: %w", err)
			}
		}
	case err != nil:
		return fmt.Errorf("look up: %w", err)
	case !demo:
		return nil
	default:
		_, err = tx.Exec(ctx, `UPDATE training_courses SET title = $2, programme = $3, level = $4, delivery = $5,
				audience = $6, duration = $7, description = $8, provider_id = $9, visibility = $10,
				version = version + 1, updated_at = now()
			WHERE id = $11 AND slug = $1 AND (title, programme, level, delivery, audience, duration, description, provider_id, visibility)
				IS DISTINCT FROM ($2, $3, $4, $5, $6, $7, $8, $9::bigint, $10)`, append(args, id)...)
		if err != nil {
			return fmt.Errorf("update: %w", err)
		}
	}

	var upcoming bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM training_sessions WHERE course_id = $1 AND starts_at > now())`, id).Scan(&upcoming)
	if err != nil || upcoming {
		return err
	}
	for _, s := range c.Sessions {
		starts, ends, closes, err := s.times(today)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO training_sessions (course_id, starts_at, ends_at, venue, online_url, capacity, booking_closes)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, starts, ends, s.Venue, s.Online, s.Capacity, closes)
		if err != nil {
			return fmt.Errorf("session: %w", err)
		}
	}
	return nil
}

// times places the session on the first weekday at least InDays after today.
func (s DemoSession) times(today time.Time) (starts, ends time.Time, closes *time.Time, err error) {
	loc := today.Location()
	day := time.Date(today.Year(), today.Month(), today.Day()+s.InDays, 0, 0, 0, 0, loc)
	// A weekday, and a course of a few days within one working week.
	fits := func(d time.Time) bool {
		wd := d.Weekday()
		return wd != time.Saturday && wd != time.Sunday && (s.Days > 5 || int(wd)+max(s.Days, 1)-1 <= int(time.Friday))
	}
	for !fits(day) {
		day = day.AddDate(0, 0, 1)
	}
	at := func(d time.Time, hm string) (time.Time, error) {
		t, err := time.Parse("15:04", hm)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %w", hm, err)
		}
		return time.Date(d.Year(), d.Month(), d.Day(), t.Hour(), t.Minute(), 0, 0, loc), nil
	}
	if starts, err = at(day, s.Start); err != nil {
		return
	}
	last := day.AddDate(0, 0, max(s.Days, 1)-1)
	if ends, err = at(last, s.End); err != nil {
		return
	}
	if s.ClosesDaysBefore > 0 {
		c := starts.AddDate(0, 0, -s.ClosesDaysBefore)
		closes = &c
	}
	return starts, ends, closes, nil
}
