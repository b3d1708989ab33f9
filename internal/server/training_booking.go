package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"dadirectory/internal/training"
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
	switch {
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
			". If a place comes free, it is yours and your training page shows it."
	default:
		msg = "Your attendance at this session is already recorded."
	}
	// To the message, not the session: on a phone the session's panel is a screen below the
	// message, which would be out of sight.
	return s.redirectWithFlash(w, r, "/training/"+out.CourseSlug+"#flash", msg)
}

func (s *Server) handleTrainingCancel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	fromMy := r.PostForm.Get("from") == "my" // the only other page with the button
	v := viewer(r.Context())
	out, err := s.training.CancelBooking(r.Context(), v, id)
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
	to := "/training/" + out.CourseSlug + "#flash"
	if fromMy {
		to = "/my/training"
	}
	return s.redirectWithFlash(w, r, to, "Your booking is cancelled. Thank you for letting others have the place.")
}

func (s *Server) handleMyTraining(w http.ResponseWriter, r *http.Request) error {
	return s.renderMyTraining(w, r, http.StatusOK, "")
}

func (s *Server) renderMyTraining(w http.ResponseWriter, r *http.Request, status int, refusal string) error {
	my, err := s.training.My(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	page := templates.MyTrainingPage{My: my, Now: time.Now(), Refusal: refusal}
	if status == http.StatusOK {
		page.Flash = s.popFlash(r)
	}
	return s.render(w, r, status, templates.MyTraining(s.base(r), page))
}
