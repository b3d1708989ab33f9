package training

import (
	"context"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
)

// The report's figures, for the partnership: how many people from which sectors were trained
// at each level, whether the training was evaluated, and whether practice changed.
//
// Definitions (each tested against a hand-counted fixture in report_figures_test.go):
//   - sessions run: sessions of the courses asked for, not cancelled, that started within the
//     dates and by now; every other figure counts bookings and answers on those sessions.
//   - places offered: the sum of those sessions' capacities.
//   - places taken: bookings booked or attended; no-shows: bookings still "booked" once the
//     session has ended (attendance was recorded without them); waiting: people still on a
//     waiting list.
//   - people trained: distinct people whose attendance is recorded; by course, sector and level
//     a person counts once in each line however many sessions they attended.
//   - evaluation response rate: evaluations given / attendances recorded.
//   - confidence change: the average of (after - before) over evaluations that asked it.
//   - practice changed: follow-ups answering yes (and partly) / follow-ups answered.
//
// A person's organisation is the one their account had when they booked (kept on the booking)
// and their sector is that organisation's. Council housing staff accounts carry no
// organisation: they count under the council and the Housing sector.

// Report is the figures for one ReportFilter.
type Report struct {
	Filter ReportFilter

	SessionsRun, PlacesOffered, PlacesTaken, NoShows, Waiting int
	People, Attendances                                       int
	Evaluations, ConfidenceAnswers                            int
	ConfidenceChange                                          float64 // average after minus before; 0 when none
	Followups, PracticeChanged, PracticePartly                int

	ByCourse       []CourseCount
	ByOrganisation []OrgCount
	BySector       []SectorCount // every sector, in the order of directory.Sectors
	ByLevel        []LevelCount  // every level, in the order of Levels
	Quotes         []Quote       // the quotes an admin chose, within the filter
}

// CourseCount is one course's line of the report.
type CourseCount struct {
	Slug, Title, Programme, Level string
	Sessions                      int // sessions run
	People                        int
}

// OrgCount is one organisation's line.
type OrgCount struct {
	Organisation, Sector string
	People               int
}

// SectorCount is one sector's line.
type SectorCount struct {
	Sector string
	People int
}

// LevelCount is one level's line.
type LevelCount struct {
	Level  string
	People int
}

// ResponseRate is evaluations given as a whole percentage of attendances (0 when none).
func (r Report) ResponseRate() int { return percent(r.Evaluations, r.Attendances) }

// ChangedShare is the follow-ups answering yes, as a whole percentage.
func (r Report) ChangedShare() int { return percent(r.PracticeChanged, r.Followups) }

// PartlyShare is the follow-ups answering partly, as a whole percentage.
func (r Report) PartlyShare() int { return percent(r.PracticePartly, r.Followups) }

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return (200*n + of) / (2 * of) // rounded half up
}

// SectorLabel is how a sector reads.
func SectorLabel(sector string) string { return directory.SectorLabel(sector) }

// reportScope is the CTEs every figure reads: sess, the sessions run, and bk, their bookings
// with each person's sector and organisation. Parameters: $1 and $2 the first day and the day
// after the last (midnights in the UK), $3 now, $4 course slug, $5 level, $6 programme, $7
// sector ("" for any), $8 the council's name.
const reportScope = `WITH sess AS (
	SELECT s.id, s.capacity, s.ends_at, c.id AS course_id, c.level
	FROM training_sessions s JOIN training_courses c ON c.id = s.course_id
	WHERE s.cancelled_at IS NULL AND s.starts_at >= $1 AND s.starts_at < $2 AND s.starts_at <= $3
		AND ($4::text = '' OR c.slug = $4) AND ($5::text = '' OR c.level = $5)
		AND ($6::text = '' OR lower(c.programme) = lower($6))
), bk0 AS (
	SELECT b.user_id, b.status, sess.id AS session_id, sess.course_id, sess.level, sess.ends_at,
		` + sectorSQL + ` AS sector,
		coalesce(a.name, CASE WHEN u.role IN ('housing_staff','champion','admin') THEN $8::text ELSE 'No organisation recorded' END) AS organisation
	FROM training_bookings b JOIN sess ON sess.id = b.session_id JOIN users u ON u.id = b.user_id
	LEFT JOIN agencies a ON a.id = b.agency_id
), bk AS (SELECT * FROM bk0 WHERE $7::text = '' OR sector = $7)
`

// Report returns the figures for f. Only admins see it; anyone else gets edit.ErrNotFound. A
// course or programme that names nothing gets validate.Errors.
func (s *Store) Report(ctx context.Context, v access.Viewer, f ReportFilter, councilName string) (Report, error) {
	out := Report{Filter: f}
	if !v.IsAdmin() {
		return out, edit.ErrNotFound
	}
	if errs, err := s.checkFilter(ctx, f); err != nil || len(errs) > 0 {
		if err != nil {
			return out, err
		}
		return out, errs
	}
	args := []any{f.Range.From, f.Range.To.AddDate(0, 0, 1), s.now(), f.Course, f.Level, f.Programme, f.Sector, councilName}
	var change *float64
	err := s.db.QueryRow(ctx, reportScope+`SELECT
			(SELECT count(*) FROM sess), (SELECT coalesce(sum(capacity), 0) FROM sess),
			(SELECT count(*) FROM bk WHERE status IN ('booked','attended')),
			(SELECT count(*) FROM bk WHERE status = 'booked' AND ends_at <= $3),
			(SELECT count(*) FROM bk WHERE status = 'waitlisted'),
			(SELECT count(DISTINCT user_id) FROM bk WHERE status = 'attended'),
			(SELECT count(*) FROM bk WHERE status = 'attended'),
			(SELECT count(*) FROM training_evaluations e JOIN sess ON sess.id = e.session_id WHERE $7::text = '' OR e.sector = $7),
			(SELECT count(*) FROM training_evaluations e JOIN sess ON sess.id = e.session_id
				WHERE ($7::text = '' OR e.sector = $7) AND e.confidence_before IS NOT NULL AND e.confidence_after IS NOT NULL),
			(SELECT avg(e.confidence_after - e.confidence_before)::float8 FROM training_evaluations e JOIN sess ON sess.id = e.session_id
				WHERE $7::text = '' OR e.sector = $7),
			(SELECT count(*) FROM training_followups x JOIN sess ON sess.id = x.session_id WHERE $7::text = '' OR x.sector = $7),
			(SELECT count(*) FROM training_followups x JOIN sess ON sess.id = x.session_id WHERE ($7::text = '' OR x.sector = $7) AND x.changed = 'yes'),
			(SELECT count(*) FROM training_followups x JOIN sess ON sess.id = x.session_id WHERE ($7::text = '' OR x.sector = $7) AND x.changed = 'partly')`,
		args...).Scan(&out.SessionsRun, &out.PlacesOffered, &out.PlacesTaken, &out.NoShows, &out.Waiting, &out.People,
		&out.Attendances, &out.Evaluations, &out.ConfidenceAnswers, &change, &out.Followups, &out.PracticeChanged, &out.PracticePartly)
	if err != nil {
		return out, wrap("report", err)
	}
	if change != nil {
		out.ConfidenceChange = *change
	}

	rows, err := s.db.Query(ctx, reportScope+`SELECT c.slug, c.title, c.programme, c.level,
			(SELECT count(*) FROM sess WHERE sess.course_id = c.id),
			(SELECT count(DISTINCT bk.user_id) FROM bk WHERE bk.course_id = c.id AND bk.status = 'attended')
		FROM training_courses c WHERE EXISTS (SELECT 1 FROM sess WHERE sess.course_id = c.id)
		ORDER BY lower(c.programme), lower(c.title), c.id`, args...)
	if err != nil {
		return out, wrap("report by course", err)
	}
	if out.ByCourse, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (CourseCount, error) {
		var c CourseCount
		return c, r.Scan(&c.Slug, &c.Title, &c.Programme, &c.Level, &c.Sessions, &c.People)
	}); err != nil {
		return out, wrap("report by course", err)
	}

	rows, err = s.db.Query(ctx, reportScope+`SELECT organisation, sector, count(DISTINCT user_id) FROM bk
		WHERE status = 'attended' GROUP BY organisation, sector ORDER BY 3 DESC, 1, 2`, args...)
	if err != nil {
		return out, wrap("report by organisation", err)
	}
	if out.ByOrganisation, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (OrgCount, error) {
		var c OrgCount
		return c, r.Scan(&c.Organisation, &c.Sector, &c.People)
	}); err != nil {
		return out, wrap("report by organisation", err)
	}

	counts, err := s.countBy(ctx, reportScope+`SELECT sector, count(DISTINCT user_id) FROM bk WHERE status = 'attended' GROUP BY sector`, args)
	if err != nil {
		return out, wrap("report by sector", err)
	}
	for _, sec := range directory.Sectors {
		out.BySector = append(out.BySector, SectorCount{Sector: sec.Value, People: counts[sec.Value]})
	}
	if counts, err = s.countBy(ctx, reportScope+`SELECT level, count(DISTINCT user_id) FROM bk WHERE status = 'attended' GROUP BY level`, args); err != nil {
		return out, wrap("report by level", err)
	}
	for _, l := range Levels {
		out.ByLevel = append(out.ByLevel, LevelCount{Level: l.Value, People: counts[l.Value]})
	}
	out.Quotes, err = s.quotes(ctx, args, true)
	return out, err
}

func (s *Store) countBy(ctx context.Context, sql string, args []any) (map[string]int, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
