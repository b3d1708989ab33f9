package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"dadirectory/internal/training"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// A person's training record and certificates, the places on offer to them, and the admins'
// overrides of a course's prerequisite.

// offersKey carries the places on offer to the signed-in person from handleHome to base, so
// every role's home page shows them without each knowing about training.
type offersKey struct{}

// trainingOffers passes on offers whose time is up (so expiry works with the job queue off),
// then returns the places on offer to the viewer. A failure is logged and shows no offers:
// a home page must not fail for want of them.
func (s *Server) trainingOffers(r *http.Request) []training.Offer {
	ctx := r.Context()
	if _, err := s.training.PassExpiredOffers(ctx); err != nil {
		s.log.WarnContext(ctx, "training offers: pass expired", "err", err)
	}
	offers, err := s.training.MyOffers(ctx, viewer(ctx))
	if err != nil {
		s.log.WarnContext(ctx, "training offers", "err", err)
		return nil
	}
	return offers
}

// withTrainingOffers returns r carrying the viewer's offers for base to show.
func (s *Server) withTrainingOffers(r *http.Request) *http.Request {
	if !viewer(r.Context()).IsStaff() {
		return r
	}
	offers := s.trainingOffers(r)
	if len(offers) == 0 {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), offersKey{}, offers))
}

func requestOffers(r *http.Request) []training.Offer {
	o, _ := r.Context().Value(offersKey{}).([]training.Offer)
	return o
}

// handleTrainingOfferAccept takes the place on offer; too late (or never offered) is a 409 on
// the person's training page, saying why.
func (s *Server) handleTrainingOfferAccept(w http.ResponseWriter, r *http.Request) error {
	return s.answerTrainingOffer(w, r, true)
}

func (s *Server) handleTrainingOfferDecline(w http.ResponseWriter, r *http.Request) error {
	return s.answerTrainingOffer(w, r, false)
}

func (s *Server) answerTrainingOffer(w http.ResponseWriter, r *http.Request, accept bool) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	v := viewer(r.Context())
	sess, err := s.training.Session(r.Context(), v, id)
	if err != nil {
		return err
	}
	if accept {
		_, err = s.training.AcceptOffer(r.Context(), v, id)
	} else {
		_, err = s.training.DeclineOffer(r.Context(), v, id)
	}
	var refusal *training.Refusal
	switch {
	case errors.As(err, &refusal):
		return s.renderMyTraining(w, r, http.StatusConflict, refusal.Message)
	case err != nil:
		return err
	}
	msg := "You have a place on " + sess.CourseTitle + ", " + uktime.DateTime(sess.StartsAt) + ". It is below, with a calendar entry to download."
	if !accept {
		msg = "You declined the place on " + sess.CourseTitle + ", " + uktime.DateTime(sess.StartsAt) + ", and have left its waiting list."
	}
	return s.redirectWithFlash(w, r, "/my/training", msg)
}

// handleTrainingCertificate is the certificate of attendance for one of the person's own
// attended bookings, as a PDF; anyone else's booking is a 404.
func (s *Server) handleTrainingCertificate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.training.Certificate(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	c.Site = s.siteName(r.Context())
	var buf bytes.Buffer
	if err := c.WritePDF(&buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	// Opened in the browser to show or print; the file name carries the reference only.
	h.Set("Content-Disposition", `inline; filename="`+c.FileName()+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// renderCoursePeople is a course's people page, with the prerequisite overrides beneath the
// list when the course requires another first.
func (s *Server) renderCoursePeople(w http.ResponseWriter, r *http.Request, status int, section templates.PrerequisiteOverridesSection) error {
	a, err := s.courseAttendance(r)
	if err != nil {
		return err
	}
	page := templates.AttendanceList(s.base(r), a)
	v := viewer(r.Context())
	c, err := s.training.CourseForEdit(r.Context(), v, a.CourseSlug)
	if err != nil {
		return err
	}
	if c.Requires != "" {
		req, err := s.training.Course(r.Context(), v, a.CourseSlug)
		if err != nil {
			return err
		}
		section.CourseSlug = a.CourseSlug
		if status == http.StatusOK {
			section.Flash = s.popFlash(r)
		}
		if req.Requires != nil {
			section.RequiresTitle = req.Requires.Label
		} else {
			section.RequiresTitle = "the course it requires"
		}
		if section.Overrides, err = s.training.Overrides(r.Context(), v, a.CourseSlug); err != nil {
			return err
		}
		inner := templates.PrerequisiteOverrides(section)
		outer := page
		page = templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			return outer.Render(templ.WithChildren(ctx, inner), w)
		})
	}
	return s.render(w, r, status, page)
}

// handleCoursePrerequisiteOverride allows (action=allow) or stops allowing (action=remove) the
// person with the email given to book the course without its prerequisite.
func (s *Server) handleCoursePrerequisiteOverride(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	action := r.PostForm.Get("action")
	if action != "allow" && action != "remove" {
		return badForm(errors.New("action is neither allow nor remove"))
	}
	email := r.PostForm.Get("email")
	name, err := s.training.SetOverride(r.Context(), viewer(r.Context()), slug, email, action == "allow")
	var invalid validate.Errors
	switch {
	case errors.As(err, &invalid):
		return s.renderCoursePeople(w, r, http.StatusUnprocessableEntity, templates.PrerequisiteOverridesSection{
			Email: email, Errors: templates.FieldErrors(invalid)})
	case err != nil:
		return err
	}
	msg := name + " may now book this course without its prerequisite."
	if action == "remove" {
		msg = name + " needs the prerequisite again to book this course."
	}
	return s.redirectWithFlash(w, r, "/admin/training/"+slug+"/people#overrides-heading", msg)
}
