package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"dadirectory/internal/training"
	"dadirectory/internal/uktime"
	"dadirectory/templates"
)

// Booking and cancelling a place, and a person's own training page. A booking the rules do
// not allow (closed, cancelled, started) is answered 409 with the page it came from and the
// reason; a booking made is answered with a redirect and a message, so reloading the page
// never books twice.

func (s *Server) handleTrainingBook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	v := viewer(r.Context())
	out, err := s.training.Book(r.Context(), v, id)
	var refusal *training.Refusal
	var missing *training.PrerequisiteError
	switch {
	case errors.As(err, &missing):
		slug, err := s.training.SessionCourse(r.Context(), v, id)
		if err != nil {
			return err
		}
		return s.renderTrainingCourseRefused(w, r, slug, missing.Message, &training.Choice{Value: missing.Slug, Label: missing.Title})
	case errors.As(err, &refusal):
		slug, err := s.training.SessionCourse(r.Context(), v, id)
		if err != nil {
			return err
		}
		return s.renderTrainingCourse(w, r, http.StatusConflict, slug, refusal.Message)
	case err != nil:
		return err
	}
	var msg string
	switch {
	case out.Status == training.StatusBooked && out.Unchanged:
		msg = "You already have a place on this session."
	case out.Status == training.StatusBooked:
		msg = "You have a place. It is on your training page, with a calendar entry to download."
	case out.Status == training.StatusWaitlisted && out.Unchanged:
		msg = "You are already on the waiting list: number " + strconv.Itoa(out.Position) + "."
	case out.Status == training.StatusWaitlisted:
		msg = "The session is full, so you are on the waiting list: number " + strconv.Itoa(out.Position) +
			". If a place comes free, it is offered to each person in turn: yours shows on your home page, with a time to accept it."
	default:
		msg = "Your attendance at this session is already recorded."
	}
	// To the message, not the session: on a phone the session's panel is a screen below the
	// message, which would be out of sight.
	return s.redirectWithFlash(w, r, "/training/"+out.CourseSlug+"#flash", msg)
}

// handleTrainingCancelForm asks before a person gives up their place, naming the session.
func (s *Server) handleTrainingCancelForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderTrainingCancel(w, r, id, r.URL.Query().Get("from") == "my")
}

func (s *Server) renderTrainingCancel(w http.ResponseWriter, r *http.Request, id int64, fromMy bool) error {
	sess, err := s.training.Session(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	page := templates.TrainingCancelPage{Session: sess, FromMy: fromMy, Now: time.Now()}
	return s.render(w, r, http.StatusOK, templates.TrainingCancel(s.base(r), page))
}

// handleTrainingCancel gives up the person's place once they have confirmed (confirm=1) on
// the page that names the session; a post without it shows that page and changes nothing.
// Done, it shows what was done, with "Book again" while the session takes bookings.
func (s *Server) handleTrainingCancel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	fromMy := r.PostForm.Get("from") == "my" // the only other page with the button
	if r.PostForm.Get("confirm") != "1" {
		return s.renderTrainingCancel(w, r, id, fromMy)
	}
	v := viewer(r.Context())
	before, err := s.training.Session(r.Context(), v, id)
	if err != nil {
		return err
	}
	_, err = s.training.CancelBooking(r.Context(), v, id)
	var refusal *training.Refusal
	switch {
	case errors.As(err, &refusal):
		if fromMy {
			return s.renderMyTraining(w, r, http.StatusConflict, refusal.Message)
		}
		slug, err := s.training.SessionCourse(r.Context(), v, id)
		if err != nil {
			return err
		}
		return s.renderTrainingCourse(w, r, http.StatusConflict, slug, refusal.Message)
	case err != nil:
		return err
	}
	what := "Your place on "
	if before.MyStatus == training.StatusWaitlisted {
		what = "You have left the waiting list for "
	}
	msg := what + before.CourseTitle + ", " + uktime.DateTime(before.StartsAt) + ", is cancelled."
	if before.MyStatus == training.StatusWaitlisted {
		msg = what + before.CourseTitle + ", " + uktime.DateTime(before.StartsAt) + "."
	}
	return s.redirectWithFlash(w, r, "/training/sessions/"+strconv.FormatInt(id, 10)+"/cancelled", msg)
}

// handleTrainingCancelled is the page after a cancellation: the session, and booking again.
// Someone who has a place again is sent to it.
func (s *Server) handleTrainingCancelled(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sess, err := s.training.Session(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	if sess.MyStatus != "" {
		http.Redirect(w, r, "/training/"+sess.CourseSlug+"#session-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
	page := templates.TrainingCancelledPage{Session: sess, Flash: s.popFlash(r), Now: time.Now()}
	return s.render(w, r, http.StatusOK, templates.TrainingCancelled(s.base(r), page))
}

func (s *Server) handleMyTraining(w http.ResponseWriter, r *http.Request) error {
	return s.renderMyTraining(w, r, http.StatusOK, "")
}

func (s *Server) renderMyTraining(w http.ResponseWriter, r *http.Request, status int, refusal string) error {
	my, err := s.training.My(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	record, err := s.training.Record(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	page := templates.MyTrainingPage{My: my, Now: time.Now(), Refusal: refusal, Record: record, Offers: s.trainingOffers(r)}
	if status == http.StatusOK {
		page.Flash = s.popFlash(r)
	}
	return s.render(w, r, status, templates.MyTraining(s.base(r), page))
}
