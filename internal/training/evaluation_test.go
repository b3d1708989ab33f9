package training

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"net/url"
	"regexp"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// evalFixture is the hand-counted fixture behind the report's figures:
//
//	Course A (core, "Safe & Together", 3 places), session A1 two days in:
//	  p1 housing (council staff, no organisation) attended; p2 Link Group (RSL) attended;
//	  p3 Police Scotland booked and did not come (no-show); p4 NLC Social Work on the waiting list.
//	Course B (overview, "Other Programme", 10 places; asks usefulness and comments only):
//	  B1 three days in: p1 and p5 (Motherwell Women's Aid, third sector) attended.
//	  B2 four days in: p6 (Clyde Valley, RSL) booked and did not come (no-show).
//	  B0 a day in: cancelled before it ran (p5 had booked): not run.
//	  B9 two hundred days in: not run yet (p2 booked).
//
// Evaluations (at day 5): p1 of A1 (confidence 2 -> 4, quote me by name, a comment);
// p2 of A1 (3 -> 3, a formula as "what will you do differently"); p5 of B1 (usefulness 5, a
// comment). Follow-ups (at day 100): p1 of A1 yes (how: words), p1 of B1 partly, p2 of A1 no.
type evalFixture struct {
	*fixture
	after, later           *Store // the clock on day 5 and on day 100
	a, b                   CourseEdit
	a1, b1, b2             SessionEdit
	p1, p2, p3, p4, p5, p6 access.Viewer
	p1a1, p1b1, p2a1, p3a1 int64 // booking ids
	p5b1                   int64
	filter                 ReportFilter
}

func (f *evalFixture) booking(t *testing.T, p access.Viewer, s SessionEdit) int64 {
	t.Helper()
	var id int64
	if err := f.db.QueryRow(context.Background(), `SELECT id FROM training_bookings WHERE user_id = $1 AND session_id = $2`,
		p.UserID, s.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func newEvalFixture(t *testing.T) *evalFixture {
	t.Helper()
	ctx := context.Background()
	f := &evalFixture{fixture: newFixture(t)}
	f.after = f.store.WithClock(func() time.Time { return f.now.Add(5 * 24 * time.Hour) })
	f.later = f.store.WithClock(func() time.Time { return f.now.Add(100 * 24 * time.Hour) })
	mk := func(title, level, programme string) CourseEdit {
		c, err := f.store.CreateCourse(ctx, f.admin, CourseInput{Title: title, Programme: programme, Level: level,
			Delivery: "in_person", Audience: "all_staff", Provider: "nlc-social-work", Visibility: "staff", Description: "Test."})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// The demo courses' sessions would count too: cancel them, so the fixture is all there is.
	if _, err := f.db.Exec(ctx, `UPDATE training_sessions SET cancelled_at = now() WHERE course_id IN (SELECT id FROM training_courses WHERE demo)`); err != nil {
		t.Fatal(err)
	}
	f.a = mk("Core test", "core", "Safe & Together")
	f.b = mk("Overview test", "overview", "Other Programme")
	f.a1 = f.session(t, f.a, 2, 3)
	f.b1 = f.session(t, f.b, 3, 10)
	f.b2 = f.session(t, f.b, 4, 10)
	b0 := f.session(t, f.b, 1, 10)
	b9 := f.session(t, f.b, 200, 10)
	f.p1 = f.user(t, access.HousingStaff, "")
	f.p2 = f.user(t, access.RSLOfficer, "link-group")
	f.p3 = f.user(t, access.RSLOfficer, "police-scotland-lanarkshire")
	f.p4 = f.user(t, access.RSLOfficer, "nlc-social-work")
	f.p5 = f.user(t, access.RSLOfficer, "motherwell-and-district-womens-aid")
	f.p6 = f.user(t, access.RSLOfficer, "clyde-valley-housing-association")
	book := func(p access.Viewer, s SessionEdit) {
		t.Helper()
		if _, err := f.store.Book(ctx, p, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []access.Viewer{f.p1, f.p2, f.p3, f.p4} {
		book(p, f.a1)
	}
	book(f.p1, f.b1)
	book(f.p5, f.b1)
	book(f.p6, f.b2)
	book(f.p5, b0)
	book(f.p2, b9)
	if _, err := f.store.CancelSession(ctx, f.admin, b0.ID, b0.Version); err != nil {
		t.Fatal(err)
	}
	f.p1a1, f.p2a1, f.p3a1 = f.booking(t, f.p1, f.a1), f.booking(t, f.p2, f.a1), f.booking(t, f.p3, f.a1)
	f.p1b1, f.p5b1 = f.booking(t, f.p1, f.b1), f.booking(t, f.p5, f.b1)
	mark := func(s SessionEdit, came ...int64) {
		t.Helper()
		x, err := f.after.SessionForEdit(ctx, f.admin, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, b := range x.Bookings {
			ids = append(ids, b.ID)
		}
		if _, err := f.after.MarkAttendance(ctx, f.admin, s.ID, ids, came); err != nil {
			t.Fatal(err)
		}
	}
	mark(f.a1, f.p1a1, f.p2a1)
	mark(f.b1, f.p1b1, f.p5b1)
	mark(f.b2)
	if _, err := f.store.SetEvaluationQuestions(ctx, f.admin, f.b.Slug, []string{QuestionUsefulness, QuestionComments}, 0); err != nil {
		t.Fatal(err)
	}
	rf, _, errs := ParseReportFilter(url.Values{}, f.now.Add(100*24*time.Hour))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	f.filter = rf
	return f
}

// answer gives the fixture's evaluations and follow-ups.
func (f *evalFixture) answer(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, e := range []struct {
		p  access.Viewer
		id int64
		in EvalInput
	}{
		{f.p1, f.p1a1, EvalInput{ConfidenceBefore: "2", ConfidenceAfter: "4", Usefulness: "4", Comments: "I will ask about the children first.", QuoteMe: true}},
		{f.p2, f.p2a1, EvalInput{ConfidenceBefore: "3", ConfidenceAfter: "3", Usefulness: "3", Differently: "=cmd|' /C calc'!A0"}},
		{f.p5, f.p5b1, EvalInput{ConfidenceBefore: "9", Usefulness: "5", Comments: "Useful day."}}, // confidence not asked: ignored
	} {
		if err := f.after.SubmitEvaluation(ctx, e.p, e.id, e.in); err != nil {
			t.Fatalf("evaluation of booking %d: %v", e.id, err)
		}
	}
	for _, x := range []struct {
		p  access.Viewer
		id int64
		in FollowupInput
	}{
		{f.p1, f.p1a1, FollowupInput{Changed: "yes", How: "I map the perpetrator's pattern now."}},
		{f.p1, f.p1b1, FollowupInput{Changed: "partly"}},
		{f.p2, f.p2a1, FollowupInput{Changed: "no"}},
	} {
		if err := f.later.SubmitFollowup(ctx, x.p, x.id, x.in); err != nil {
			t.Fatalf("follow-up of booking %d: %v", x.id, err)
		}
	}
}

func TestEvaluationsAreAnonymousAndAnsweredOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newEvalFixture(t)

	// Prompts on day 5: p1 is asked to evaluate both sessions; p3 (no-show) nothing.
	prompts, err := f.after.Prompts(ctx, f.p1, 10)
	if err != nil || len(prompts) != 2 || prompts[0].Followup || prompts[1].Followup {
		t.Fatalf("p1's prompts: %+v %v", prompts, err)
	}
	if p, _ := f.after.Prompts(ctx, f.p3, 10); len(p) != 0 {
		t.Errorf("a no-show is asked: %+v", p)
	}

	// Other people's bookings, and bookings not attended, are not found.
	if err := f.after.SubmitEvaluation(ctx, f.p2, f.p1a1, EvalInput{ConfidenceBefore: "1", ConfidenceAfter: "1", Usefulness: "1"}); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("evaluating someone else's booking: %v", err)
	}
	if _, err := f.after.EvaluationTarget(ctx, f.p2, f.p1a1); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("reading someone else's evaluation form: %v", err)
	}
	if _, err := f.after.EvaluationTarget(ctx, f.p3, f.p3a1); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("a no-show's evaluation form: %v", err)
	}
	// Before three months, no follow-up.
	if err := f.after.SubmitFollowup(ctx, f.p1, f.p1a1, FollowupInput{Changed: "yes"}); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("follow-up before it is due: %v", err)
	}
	// Bad input: a clear error by the field, nothing stored.
	err = f.after.SubmitEvaluation(ctx, f.p1, f.p1a1, EvalInput{ConfidenceBefore: "6", ConfidenceAfter: "4", Usefulness: "4", Comments: "<script>x</script>"})
	var errs validate.Errors
	if !errors.As(err, &errs) || !errs.Has("confidence_before") || !errs.Has("comments") {
		t.Errorf("bad evaluation: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM training_evaluations`); n != 0 {
		t.Fatalf("a refused evaluation stored %d rows", n)
	}

	f.answer(t)
	if err := f.after.SubmitEvaluation(ctx, f.p1, f.p1a1, EvalInput{ConfidenceBefore: "1", ConfidenceAfter: "1", Usefulness: "1"}); !errors.Is(err, ErrEvaluated) {
		t.Errorf("a second evaluation: %v", err)
	}
	if err := f.later.SubmitFollowup(ctx, f.p1, f.p1a1, FollowupInput{Changed: "no"}); !errors.Is(err, ErrFollowedUp) {
		t.Errorf("a second follow-up: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM training_evaluations`); n != 3 {
		t.Errorf("%d evaluations stored, want 3", n)
	}
	if n := f.count(t, `SELECT count(*) FROM training_evaluations WHERE confidence_before IS NOT NULL AND course_id = $1`, f.b.ID); n != 0 {
		t.Errorf("an unasked question was stored")
	}

	// The answers' tables cannot name anyone: no user or booking column, and a name only where
	// the person agreed.
	if n := f.count(t, `SELECT count(*) FROM information_schema.columns WHERE table_name IN ('training_evaluations','training_followups')
		AND (column_name LIKE '%user%' OR column_name LIKE '%booking%' OR column_name LIKE '%email%')`); n != 0 {
		t.Errorf("the answers' tables have %d columns that name a person", n)
	}
	if n := f.count(t, `SELECT count(*) FROM training_evaluations WHERE quote_name IS NOT NULL`); n != 1 {
		t.Errorf("%d evaluations carry a name, want 1 (p1 agreed)", n)
	}
	if n := f.count(t, `SELECT count(*) FROM training_followups WHERE quote_name IS NOT NULL`); n != 0 {
		t.Errorf("a follow-up carries a name nobody agreed to")
	}
	// The organiser's view of the quotes: the name only where agreed.
	quotes, err := f.later.Quotes(ctx, f.admin, f.filter)
	if err != nil || len(quotes) != 4 {
		t.Fatalf("quotes: %+v %v", quotes, err)
	}
	for _, q := range quotes {
		named := regexp.MustCompile(`Person \d+`).MatchString(q.Attribution())
		if named != (q.Kind == QuoteComments && q.Text == "I will ask about the children first.") {
			t.Errorf("quote %q attributed %q", q.Text, q.Attribution())
		}
	}
	if _, err := f.later.Quotes(ctx, f.p1, f.filter); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("a housing officer reading the quotes: %v", err)
	}

	// On day 100 both follow-ups are answered, so only the evaluation p1 never gave is left.
	prompts, err = f.later.Prompts(ctx, f.p1, 10)
	if err != nil || len(prompts) != 1 || prompts[0].Followup || prompts[0].BookingID != f.p1b1 {
		t.Errorf("p1's prompts on day 100: %+v %v", prompts, err)
	}
	// p2 answered A1's follow-up; p5 never did: B1's follow-up is asked.
	prompts, err = f.later.Prompts(ctx, f.p5, 10)
	if err != nil || len(prompts) != 1 || !prompts[0].Followup || prompts[0].BookingID != f.p5b1 {
		t.Errorf("p5's prompts on day 100: %+v %v", prompts, err)
	}
}

func (f *evalFixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReportFiguresAgainstAHandCountedFixture(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newEvalFixture(t)
	f.answer(t)
	// The admin chooses two quotes: p1's comment and p1's follow-up.
	quotes, err := f.later.Quotes(ctx, f.admin, f.filter)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range quotes {
		if q.Text == "I will ask about the children first." || q.Kind == QuoteFollowup {
			if changed, err := f.later.ChooseQuote(ctx, f.admin, q.Kind, q.ID, true); err != nil || !changed {
				t.Fatalf("choose %+v: %v %v", q, changed, err)
			}
		}
	}
	if _, err := f.later.ChooseQuote(ctx, f.p1, QuoteFollowup, quotes[0].ID, true); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("a housing officer choosing quotes: %v", err)
	}

	report := func(mod func(*ReportFilter)) Report {
		t.Helper()
		rf := f.filter
		if mod != nil {
			mod(&rf)
		}
		r, err := f.later.Report(ctx, f.admin, rf, "Test Council")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	type figures struct {
		sessions, offered, taken, noShows, waiting, people, attendances, evaluations, rate int
		change                                                                             float64
		followups, yes, partly                                                             int
	}
	got := func(r Report) figures {
		return figures{r.SessionsRun, r.PlacesOffered, r.PlacesTaken, r.NoShows, r.Waiting, r.People, r.Attendances,
			r.Evaluations, r.ResponseRate(), math.Round(r.ConfidenceChange*100) / 100, r.Followups, r.ChangedShare(), r.PartlyShare()}
	}

	all := report(nil)
	if g, want := got(all), (figures{3, 23, 6, 2, 1, 3, 4, 3, 75, 1, 3, 33, 33}); g != want {
		t.Errorf("all:\n got %+v\nwant %+v", g, want)
	}
	sectors := map[string]int{}
	for _, s := range all.BySector {
		sectors[s.Sector] = s.People
	}
	if want := map[string]int{"housing": 1, "rsl": 1, "police": 0, "health": 0, "social_work": 0, "education": 0, "third_sector": 1, "other": 0}; !equalMaps(sectors, want) {
		t.Errorf("by sector %v, want %v", sectors, want)
	}
	levels := map[string]int{}
	for _, l := range all.ByLevel {
		levels[l.Level] = l.People
	}
	if levels["core"] != 2 || levels["overview"] != 2 || levels["awareness"] != 0 || len(levels) != len(Levels) {
		t.Errorf("by level %v", levels)
	}
	if len(all.Quotes) != 2 {
		t.Errorf("chosen quotes: %+v", all.Quotes)
	}

	// Sector narrows the people, not the sessions.
	if g, want := got(report(func(r *ReportFilter) { r.Sector = "housing" })), (figures{3, 23, 2, 0, 0, 1, 2, 1, 50, 2, 2, 50, 50}); g != want {
		t.Errorf("housing:\n got %+v\nwant %+v", g, want)
	}
	if g, want := got(report(func(r *ReportFilter) { r.Course = f.a.Slug })), (figures{1, 3, 3, 1, 1, 2, 2, 2, 100, 1, 2, 50, 0}); g != want {
		t.Errorf("course A:\n got %+v\nwant %+v", g, want)
	}
	overview := figures{2, 20, 3, 1, 0, 2, 2, 1, 50, 0, 1, 0, 100}
	if g := got(report(func(r *ReportFilter) { r.Level = "overview" })); g != overview {
		t.Errorf("level overview:\n got %+v\nwant %+v", g, overview)
	}
	if g := got(report(func(r *ReportFilter) { r.Programme = "other PROGRAMME" })); g != overview {
		t.Errorf("programme:\n got %+v\nwant %+v", g, overview)
	}
	// Dates before any session: nothing.
	if g := got(report(func(r *ReportFilter) { r.Range.To = r.Range.From })); g != (figures{}) {
		t.Errorf("an empty range: %+v", g)
	}
	// A course or programme that names nothing is a field error, not an empty report.
	for _, mod := range []func(*ReportFilter){func(r *ReportFilter) { r.Course = "no-such-course" }, func(r *ReportFilter) { r.Programme = "Nothing" }} {
		rf := f.filter
		mod(&rf)
		var errs validate.Errors
		if _, err := f.later.Report(ctx, f.admin, rf, "Test Council"); !errors.As(err, &errs) {
			t.Errorf("unknown filter %+v: %v", rf, err)
		}
	}

	// The CSV carries the same figures; text cells cannot run as formulas.
	var buf bytes.Buffer
	if err := all.WriteCSV(&buf, ""); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	for _, r := range records {
		cells[r[0]+"/"+r[1]] = r[2]
		if regexp.MustCompile(`^[=+@\t\r]`).MatchString(r[1]) || regexp.MustCompile(`^[=+@\t\r]`).MatchString(r[2]) {
			t.Errorf("formula cell in %q", r)
		}
	}
	for k, want := range map[string]string{"Summary/People trained": "3", "Summary/Sessions run": "3", "Summary/Places offered": "23",
		"Summary/Places taken": "6", "Summary/No-shows": "2", "Summary/On waiting lists": "1",
		"Summary/Evaluation response rate (%)": "75", "Summary/Average confidence change (1 to 5 scale)": "1.0",
		"Summary/Practice changed: yes (%)": "33", "People trained by sector/Housing (council)": "1",
		"People trained by level/Core practitioner training": "2", "Quote/I will ask about the children first.": ""} {
		if k == "Quote/I will ask about the children first." {
			if _, ok := cells[k]; !ok {
				t.Errorf("CSV has no chosen quote: %v", cells)
			}
			continue
		}
		if cells[k] != want {
			t.Errorf("CSV %s = %q, want %q", k, cells[k], want)
		}
	}
}

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestEvaluationQuestionsAreTheAdminsChoice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	c := f.course(t, "Questions", "online", "staff")
	q, err := f.store.EvaluationQuestions(ctx, f.admin, c.Slug)
	if err != nil || len(q.Questions) != 4 || q.Version != 0 {
		t.Fatalf("default questions: %+v %v", q, err)
	}
	if _, err := f.store.EvaluationQuestions(ctx, f.user(t, access.HousingStaff, ""), c.Slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("a housing officer: %v", err)
	}
	for _, bad := range [][]string{{}, {"confidence", "nonsense"}} {
		var errs validate.Errors
		if _, err := f.store.SetEvaluationQuestions(ctx, f.admin, c.Slug, bad, 0); !errors.As(err, &errs) {
			t.Errorf("questions %v: %v", bad, err)
		}
	}
	q, err = f.store.SetEvaluationQuestions(ctx, f.admin, c.Slug, []string{"comments", "confidence", "comments"}, 0)
	if err != nil || len(q.Questions) != 2 || q.Questions[0] != "confidence" || q.Version != 1 {
		t.Fatalf("saved: %+v %v", q, err)
	}
	if _, err := f.store.SetEvaluationQuestions(ctx, f.admin, c.Slug, []string{"usefulness"}, 0); !errors.Is(err, edit.ErrConflict) {
		t.Errorf("a stale version: %v", err)
	}
	if f.audits(t, "course.evaluation", c.ID) != 1 {
		t.Error("no audit event")
	}
}
