package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"dadirectory/internal/edit"
	"dadirectory/internal/training"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Evaluations and follow-ups (a person's own, of their own attended bookings: anyone else's
// booking is 404), the admin's choice of a course's questions, and of the quotes the report
// shows. An evaluation sent twice is refused with 409 and the page saying it was sent.

func (s *Server) handleEvaluationForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.training.EvaluationTarget(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	page := templates.EvaluationPage{Target: t}
	if t.Evaluated {
		page.Done = training.ErrEvaluated.Message
	}
	return s.render(w, r, http.StatusOK, templates.Evaluation(s.base(r), page))
}

func (s *Server) handleEvaluationSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	f := r.PostForm
	in := training.EvalInput{ConfidenceBefore: f.Get("confidence_before"), ConfidenceAfter: f.Get("confidence_after"),
		Usefulness: f.Get("usefulness"), Differently: f.Get("differently"), Comments: f.Get("comments"),
		QuoteMe: f.Get("quote_me") == "1"}
	v := viewer(r.Context())
	err = s.training.SubmitEvaluation(r.Context(), v, id, in)
	var errs validate.Errors
	switch {
	case errors.As(err, &errs), errors.Is(err, training.ErrEvaluated):
		t, terr := s.training.EvaluationTarget(r.Context(), v, id)
		if terr != nil {
			return terr
		}
		page := templates.EvaluationPage{Target: t, Values: in, Errors: templates.FieldErrors(errs)}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, training.ErrEvaluated) {
			page.Done, status = training.ErrEvaluated.Message, http.StatusConflict
		}
		return s.render(w, r, status, templates.Evaluation(s.base(r), page))
	case err != nil:
		return err
	}
	return s.redirectWithFlash(w, r, "/my/training#flash", "Thank you: your evaluation is sent.")
}

func (s *Server) handleFollowupForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	t, err := s.training.EvaluationTarget(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	if !t.FollowupDue {
		return edit.ErrNotFound
	}
	page := templates.FollowupPage{Target: t}
	if t.FollowedUp {
		page.Done = training.ErrFollowedUp.Message
	}
	return s.render(w, r, http.StatusOK, templates.Followup(s.base(r), page))
}

func (s *Server) handleFollowupSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	f := r.PostForm
	in := training.FollowupInput{Changed: f.Get("changed"), How: f.Get("how"), QuoteMe: f.Get("quote_me") == "1"}
	v := viewer(r.Context())
	err = s.training.SubmitFollowup(r.Context(), v, id, in)
	var errs validate.Errors
	switch {
	case errors.As(err, &errs), errors.Is(err, training.ErrFollowedUp):
		t, terr := s.training.EvaluationTarget(r.Context(), v, id)
		if terr != nil {
			return terr
		}
		page := templates.FollowupPage{Target: t, Values: in, Errors: templates.FieldErrors(errs)}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, training.ErrFollowedUp) {
			page.Done, status = training.ErrFollowedUp.Message, http.StatusConflict
		}
		return s.render(w, r, status, templates.Followup(s.base(r), page))
	case err != nil:
		return err
	}
	return s.redirectWithFlash(w, r, "/my/training#flash", "Thank you: your answer is sent.")
}

func (s *Server) handleEvalQuestions(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	q, err := s.training.EvaluationQuestions(r.Context(), viewer(r.Context()), slug)
	if err != nil {
		return err
	}
	page := templates.EvalQuestionsPage{Q: q, Chosen: q.Questions, Flash: s.popFlash(r)}
	return s.render(w, r, http.StatusOK, templates.EvalQuestions(s.base(r), page))
}

func (s *Server) handleEvalQuestionsSave(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || version < 0 {
		return badForm(errors.New("version"))
	}
	v := viewer(r.Context())
	chosen := r.PostForm["questions"]
	_, err = s.training.SetEvaluationQuestions(r.Context(), v, slug, chosen, version)
	var errs validate.Errors
	var conflict *edit.ConflictError[training.CourseQuestions]
	switch {
	case errors.As(err, &errs), errors.As(err, &conflict):
		q, qerr := s.training.EvaluationQuestions(r.Context(), v, slug)
		if qerr != nil {
			return qerr
		}
		page := templates.EvalQuestionsPage{Q: q, Chosen: chosen, Errors: templates.FieldErrors(errs)}
		status := http.StatusUnprocessableEntity
		if conflict != nil {
			status = http.StatusConflict
			page.Errors = []templates.FieldError{{Field: "questions", Message: "Someone else changed these questions while you were choosing. Their choice is below: choose again."}}
			page.Chosen = q.Questions
		}
		return s.render(w, r, status, templates.EvalQuestions(s.base(r), page))
	case err != nil:
		return err
	}
	return s.redirectWithFlash(w, r, "/admin/training/"+slug+"/evaluation", "Saved: the evaluation asks these questions.")
}

// reportQuery is the report's filters from a query string, re-encoded (for links back).
func reportQuery(q url.Values) string {
	out := url.Values{}
	for _, k := range []string{"from", "to", "course", "level", "programme", "sector"} {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out.Encode()
}

// readBack reads the report's filters a quotes form carries, to return to the same list: a
// short query string of plain text, or nothing.
func readBack(s string) (url.Values, error) {
	if len(s) > 1000 || !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
		return nil, errors.New("back is not a query string")
	}
	return url.ParseQuery(s)
}

func (s *Server) handleTrainingQuotes(w http.ResponseWriter, r *http.Request) error {
	f, _, errs, err := s.reportFilter(r)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.handleTrainingReport(w, r)
	}
	quotes, err := s.training.Quotes(r.Context(), viewer(r.Context()), f)
	var verrs validate.Errors
	if errors.As(err, &verrs) {
		return s.handleTrainingReport(w, r)
	}
	if err != nil {
		return err
	}
	page := templates.TrainingQuotesPage{Query: reportQuery(r.URL.Query()), Quotes: quotes, Flash: s.popFlash(r)}
	return s.render(w, r, http.StatusOK, templates.TrainingQuotes(s.base(r), page))
}

func (s *Server) handleTrainingQuoteChoose(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	f := r.PostForm
	id, err := strconv.ParseInt(f.Get("id"), 10, 64)
	chosen := f.Get("chosen")
	if err != nil || id <= 0 || (chosen != "0" && chosen != "1") {
		return badForm(errors.New("id and chosen are required"))
	}
	switch f.Get("kind") {
	case training.QuoteDifferently, training.QuoteComments, training.QuoteFollowup:
	default:
		return badForm(errors.New("kind"))
	}
	back, err := readBack(f.Get("back"))
	if err != nil {
		return badForm(err)
	}
	changed, err := s.training.ChooseQuote(r.Context(), viewer(r.Context()), f.Get("kind"), id, chosen == "1")
	if err != nil {
		return err
	}
	msg := "Nothing changed."
	switch {
	case changed && chosen == "1":
		msg = "The quote is now in the report."
	case changed:
		msg = "The quote is no longer in the report."
	}
	return s.redirectWithFlash(w, r, "/admin/training/quotes?"+reportQuery(back), msg)
}
