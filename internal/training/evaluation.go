package training

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Evaluations: once a person's attendance at a session is recorded they are asked (on their
// home page and, when mail is on, by email) to evaluate it, and three months after it ended
// whether their practice has changed. Each is answered once per booking.
//
// Anonymity: the answers (training_evaluations, training_followups) hold no user id and no
// booking id, only the session, course, the person's sector and the day; the booking keeps a
// flag that it was answered and nothing more, set without touching its version or updated_at.
// Only when the person ticks "You may quote me by name" is their name stored, beside the
// answer. Giving an answer writes no audit event (it would tie the answer to its author).

// The standard questions an admin chooses from for a course, in the form's order. The values
// are the training_eval_questions CHECK.
const (
	QuestionConfidence  = "confidence" // confidence before and after, 1 to 5
	QuestionUsefulness  = "usefulness" // how useful, 1 to 5
	QuestionDifferently = "differently"
	QuestionComments    = "comments"
)

// Questions are the standard set with the words the admin's form shows.
var Questions = []Choice{
	{QuestionConfidence, "Confidence before and after the session (1 to 5)"},
	{QuestionUsefulness, "How useful the session was (1 to 5)"},
	{QuestionDifferently, "What will you do differently?"},
	{QuestionComments, "Any other comments"},
}

// FollowupAfter is how long after a session ends its follow-up is asked.
const FollowupAfter = 3 // months

// Practice changed answers.
var PracticeChanged = []Choice{
	{"yes", "Yes"},
	{"partly", "Partly"},
	{"no", "No"},
}

// Refusals of evaluations.
var (
	ErrEvaluated   = &Refusal{"evaluated", "You have already sent your evaluation of this session. Thank you."}
	ErrFollowedUp  = &Refusal{"followed up", "You have already told us whether your practice changed after this session. Thank you."}
	ErrNoQuestions = &Refusal{"no questions", "Choose at least one question."}
)

const (
	maxAnswerRunes = 2000
	// How long a prompt stays on the home page: an evaluation for six months after the
	// session, a follow-up from three to nine months.
	evalPromptMonths     = 6
	followupPromptMonths = 9
)

// CourseQuestions is the questions a course's evaluation asks.
type CourseQuestions struct {
	CourseSlug, CourseTitle string
	Questions               []string // in the order of Questions
	Version                 int      // 0 when the course still asks the default (all)
}

// Asks reports whether q is one of the questions.
func (c CourseQuestions) Asks(q string) bool { return slices.Contains(c.Questions, q) }

func allQuestions() []string { return values(Questions) }

// orderQuestions keeps the known questions of qs in the standard order, each once.
func orderQuestions(qs []string) []string {
	out := []string{}
	for _, q := range allQuestions() {
		if slices.Contains(qs, q) {
			out = append(out, q)
		}
	}
	return out
}

// EvaluationQuestions returns the questions of the course with slug. Admins only.
func (s *Store) EvaluationQuestions(ctx context.Context, v access.Viewer, slug string) (CourseQuestions, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return CourseQuestions{}, edit.ErrNotFound
	}
	return loadCourseQuestions(ctx, s.db, slug)
}

func loadCourseQuestions(ctx context.Context, q postgres.Querier, slug string) (CourseQuestions, error) {
	var out CourseQuestions
	var qs []string
	err := q.QueryRow(ctx, `SELECT c.slug, c.title, q.questions, coalesce(q.version, 0)
		FROM training_courses c LEFT JOIN training_eval_questions q ON q.course_id = c.id WHERE c.slug = $1`, slug).
		Scan(&out.CourseSlug, &out.CourseTitle, &qs, &out.Version)
	if isNoRows(err) {
		return out, edit.ErrNotFound
	}
	if err != nil {
		return out, wrap("evaluation questions", err)
	}
	if qs == nil {
		qs = allQuestions()
	}
	out.Questions = orderQuestions(qs)
	return out, nil
}

// SetEvaluationQuestions saves the questions of the course with slug, provided the page was
// opened on version. Unknown values get a field error; none chosen is refused.
func (s *Store) SetEvaluationQuestions(ctx context.Context, v access.Viewer, slug string, qs []string, version int) (CourseQuestions, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return CourseQuestions{}, edit.ErrNotFound
	}
	var errs validate.Errors
	for _, q := range qs {
		if !slices.Contains(allQuestions(), q) {
			errs.Add("questions", "Choose questions from the list")
			return CourseQuestions{}, errs
		}
	}
	clean := orderQuestions(qs)
	if len(clean) == 0 {
		errs.Add("questions", ErrNoQuestions.Message)
		return CourseQuestions{}, errs
	}
	var out CourseQuestions
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var courseID, provider int64
		if err := tx.QueryRow(ctx, `SELECT id, provider_id FROM training_courses WHERE slug = $1 FOR UPDATE`, slug).
			Scan(&courseID, &provider); isNoRows(err) {
			return edit.ErrNotFound
		} else if err != nil {
			return wrap("evaluation questions", err)
		}
		before, err := loadCourseQuestions(ctx, tx, slug)
		if err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if slices.Equal(before.Questions, clean) {
			out = before
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO training_eval_questions (course_id, questions) VALUES ($1, $2)
			ON CONFLICT (course_id) DO UPDATE SET questions = $2, version = training_eval_questions.version + 1, updated_at = now()`,
			courseID, clean)
		if err != nil {
			return wrap("evaluation questions", err)
		}
		if out, err = loadCourseQuestions(ctx, tx, slug); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "course.evaluation", EntityType: "training_course",
			EntityID: courseID, AgencyID: provider, Before: map[string]any{"questions": before.Questions},
			After: map[string]any{"questions": out.Questions}})
	})
	return out, err
}

// Prompt is an evaluation or follow-up waiting for the person, shown on their home page.
type Prompt struct {
	BookingID     int64
	CourseTitle   string
	SessionStarts time.Time
	Followup      bool // the three-month follow-up rather than the evaluation
}

// Prompts returns what v has still to answer: evaluations of sessions they attended in the
// last six months, and follow-ups of sessions that ended three to nine months ago. Soonest
// first, at most limit.
func (s *Store) Prompts(ctx context.Context, v access.Viewer, limit int) ([]Prompt, error) {
	if v.UserID == 0 {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT b.id, c.title, s.starts_at, false
		FROM training_bookings b JOIN training_sessions s ON s.id = b.session_id JOIN training_courses c ON c.id = s.course_id
		WHERE b.user_id = $1 AND b.status = 'attended' AND NOT b.evaluated AND s.cancelled_at IS NULL
			AND s.starts_at <= $2 AND s.ends_at > $2 - make_interval(months => $3)
		UNION ALL
		SELECT b.id, c.title, s.starts_at, true
		FROM training_bookings b JOIN training_sessions s ON s.id = b.session_id JOIN training_courses c ON c.id = s.course_id
		WHERE b.user_id = $1 AND b.status = 'attended' AND NOT b.followed_up AND s.cancelled_at IS NULL
			AND s.ends_at <= $2 - make_interval(months => $4) AND s.ends_at > $2 - make_interval(months => $5)
		ORDER BY 4, 3 DESC, 1 LIMIT $6`, v.UserID, s.now(), evalPromptMonths, FollowupAfter, followupPromptMonths, limit)
	if err != nil {
		return nil, wrap("evaluation prompts", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Prompt, error) {
		var p Prompt
		return p, r.Scan(&p.BookingID, &p.CourseTitle, &p.SessionStarts, &p.Followup)
	})
	return out, wrap("evaluation prompts", err)
}

// EvalTarget is the booking an evaluation or follow-up is about, as its form shows it.
type EvalTarget struct {
	BookingID          int64
	CourseTitle        string
	SessionStarts      time.Time
	SessionEnds        time.Time
	Questions          CourseQuestions
	Evaluated          bool
	FollowedUp         bool
	FollowupDue        bool // three months have passed since the session ended
	sessionID, course  int64
	sector, personName string
}

// EvaluationTarget returns v's own attended booking id for its forms. Anyone else's booking,
// one not attended, and one on a cancelled session get edit.ErrNotFound.
func (s *Store) EvaluationTarget(ctx context.Context, v access.Viewer, id int64) (EvalTarget, error) {
	return loadTarget(ctx, s.db, v, id, s.now(), false)
}

func loadTarget(ctx context.Context, q postgres.Querier, v access.Viewer, id int64, now time.Time, lock bool) (EvalTarget, error) {
	var t EvalTarget
	if v.UserID == 0 {
		return t, edit.ErrNotFound
	}
	sql := `SELECT b.id, c.title, s.starts_at, s.ends_at, c.slug, b.evaluated, b.followed_up,
			s.ends_at <= $3::timestamptz - make_interval(months => $4), s.id, c.id, ` + sectorSQL + `, u.name
		FROM training_bookings b JOIN training_sessions s ON s.id = b.session_id JOIN training_courses c ON c.id = s.course_id
		JOIN users u ON u.id = b.user_id LEFT JOIN agencies a ON a.id = b.agency_id
		WHERE b.id = $1 AND b.user_id = $2 AND b.status = 'attended' AND s.cancelled_at IS NULL`
	if lock {
		sql += ` FOR UPDATE OF b`
	}
	var slug string
	err := q.QueryRow(ctx, sql, id, v.UserID, now, FollowupAfter).Scan(&t.BookingID, &t.CourseTitle, &t.SessionStarts,
		&t.SessionEnds, &slug, &t.Evaluated, &t.FollowedUp, &t.FollowupDue, &t.sessionID, &t.course, &t.sector, &t.personName)
	if isNoRows(err) {
		return t, edit.ErrNotFound
	}
	if err != nil {
		return t, wrap("evaluation", err)
	}
	t.Questions, err = loadCourseQuestions(ctx, q, slug)
	return t, err
}

// sectorSQL is the sector of the person who made booking b (with user u and the organisation a
// of the booking): their organisation's, or housing for council staff, whose accounts carry no
// organisation (the council's housing service is theirs).
const sectorSQL = `coalesce(a.sector, CASE WHEN u.role IN ('housing_staff','champion','admin') THEN 'housing' ELSE 'other' END)`

// EvalInput is the evaluation form as typed.
type EvalInput struct {
	ConfidenceBefore string `json:"confidence_before"`
	ConfidenceAfter  string `json:"confidence_after"`
	Usefulness       string `json:"usefulness"`
	Differently      string `json:"differently"`
	Comments         string `json:"comments"`
	QuoteMe          bool   `json:"quote_me"`
}

// FollowupInput is the follow-up form as typed.
type FollowupInput struct {
	Changed string `json:"changed"`
	How     string `json:"how"`
	QuoteMe bool   `json:"quote_me"`
}

var scale = []string{"1", "2", "3", "4", "5"}

// rating reads a 1 to 5 answer; a question not asked is nil.
func rating(e *validate.Errors, asked bool, field, label, value string) *int {
	if !asked {
		return nil
	}
	v := e.OneOf(field, label, value, scale...)
	if e.Has(field) {
		return nil
	}
	n, _ := strconv.Atoi(v)
	return &n
}

// SubmitEvaluation stores v's evaluation of their booking id, once. It returns
// validate.Errors for bad input (nothing stored), ErrEvaluated when it was already answered and
// edit.ErrNotFound for a booking that is not v's own attended one.
func (s *Store) SubmitEvaluation(ctx context.Context, v access.Viewer, id int64, in EvalInput) error {
	return postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		t, err := loadTarget(ctx, tx, v, id, s.now(), true)
		if err != nil {
			return err
		}
		if t.Evaluated {
			return ErrEvaluated
		}
		var e validate.Errors
		q := t.Questions
		before := rating(&e, q.Asks(QuestionConfidence), "confidence_before", "how confident you felt before the session", in.ConfidenceBefore)
		after := rating(&e, q.Asks(QuestionConfidence), "confidence_after", "how confident you feel after the session", in.ConfidenceAfter)
		useful := rating(&e, q.Asks(QuestionUsefulness), "usefulness", "how useful the session was", in.Usefulness)
		var differently, comments string
		if q.Asks(QuestionDifferently) {
			differently = e.PlainText("differently", "What you will do differently", in.Differently, false, maxAnswerRunes)
		}
		if q.Asks(QuestionComments) {
			comments = e.PlainText("comments", "Your comments", in.Comments, false, maxAnswerRunes)
		}
		if len(e) > 0 {
			return e
		}
		var name *string
		if in.QuoteMe {
			name = &t.personName
		}
		if _, err := tx.Exec(ctx, `INSERT INTO training_evaluations (session_id, course_id, sector, confidence_before,
				confidence_after, usefulness, differently, comments, quote_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.sessionID, t.course, t.sector, before, after, useful, differently, comments, name); err != nil {
			return wrap("evaluation", err)
		}
		_, err = tx.Exec(ctx, `UPDATE training_bookings SET evaluated = true WHERE id = $1`, id)
		return wrap("evaluation", err)
	})
}

// SubmitFollowup stores v's follow-up of their booking id, once, from three months after the
// session ended (before then, and for anyone else's booking, edit.ErrNotFound).
func (s *Store) SubmitFollowup(ctx context.Context, v access.Viewer, id int64, in FollowupInput) error {
	return postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		t, err := loadTarget(ctx, tx, v, id, s.now(), true)
		if err != nil {
			return err
		}
		if !t.FollowupDue {
			return edit.ErrNotFound
		}
		if t.FollowedUp {
			return ErrFollowedUp
		}
		var e validate.Errors
		changed := e.OneOf("changed", "whether your practice has changed", in.Changed, values(PracticeChanged)...)
		how := e.PlainText("how", "How your practice has changed", in.How, false, maxAnswerRunes)
		if len(e) > 0 {
			return e
		}
		var name *string
		if in.QuoteMe {
			name = &t.personName
		}
		if _, err := tx.Exec(ctx, `INSERT INTO training_followups (session_id, course_id, sector, changed, how, quote_name)
			VALUES ($1, $2, $3, $4, $5, $6)`, t.sessionID, t.course, t.sector, changed, how, name); err != nil {
			return wrap("follow-up", err)
		}
		_, err = tx.Exec(ctx, `UPDATE training_bookings SET followed_up = true, followup_asked = true WHERE id = $1`, id)
		return wrap("follow-up", err)
	})
}
