package server

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"dadirectory/internal/edit"
	"dadirectory/internal/training"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Managing courses: the list, adding and changing a course, and a course's admin page (where
// sessions are added). The route group lets admins and RSL officers through; the store lets an
// officer manage only their own organisation's courses, and only once an admin allows it.

func (s *Server) handleAdminTraining(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	m, err := s.training.Manager(ctx, v)
	if err != nil {
		return err
	}
	courses, err := s.training.ManagedCourses(ctx, v)
	if err != nil {
		return err
	}
	page := templates.AdminTrainingListPage{Manager: m, Courses: courses, Flash: s.popFlash(r)}
	return s.render(w, r, http.StatusOK, templates.AdminTrainingList(s.base(r), page))
}

func readCourseInput(f url.Values) training.CourseInput {
	return training.CourseInput{Title: f.Get("title"), Programme: f.Get("programme"), Level: f.Get("level"),
		Delivery: f.Get("delivery"), Audience: f.Get("audience"), Duration: f.Get("duration"),
		Description: f.Get("description"), Provider: f.Get("provider"), Visibility: f.Get("visibility"),
		Requires: f.Get("requires")}
}

func (s *Server) handleCourseNew(w http.ResponseWriter, r *http.Request) error {
	m, err := s.training.Manager(r.Context(), viewer(r.Context()))
	if err != nil {
		return err
	}
	in := training.CourseInput{Visibility: "staff"} // no programme chosen for the admin: a course is not Safe & Together unless they say so
	if !m.Admin {
		in.Programme = ""
	}
	return s.renderCourseForm(w, r, http.StatusOK, templates.CourseFormPage{Values: in})
}

func (s *Server) handleCourseCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	in := readCourseInput(r.PostForm)
	c, err := s.training.CreateCourse(r.Context(), viewer(r.Context()), in)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/"+c.Slug, "Course added. Now add its sessions.")
	case errors.As(err, &invalid):
		return s.renderCourseForm(w, r, http.StatusUnprocessableEntity, templates.CourseFormPage{Values: in, Errors: templates.FieldErrors(invalid)})
	default:
		return err
	}
}

func (s *Server) handleCourseEdit(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	c, err := s.training.CourseForEdit(r.Context(), viewer(r.Context()), slug)
	if err != nil {
		return err
	}
	return s.renderCourseForm(w, r, http.StatusOK, templates.CourseFormPage{Slug: c.Slug, Title: c.Title, Values: c.CourseInput,
		Version: c.Version, Original: edit.Original(c.CourseInput)})
}

func (s *Server) handleCourseUpdate(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := viewer(ctx)
	in := readCourseInput(r.PostForm)
	c, err := s.training.UpdateCourse(ctx, v, slug, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[training.CourseEdit]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/training/"+c.Slug, savedMessage("Course saved.", version, c.Version))
	case errors.As(err, &invalid):
		saved, err := s.training.CourseForEdit(ctx, v, slug)
		if err != nil {
			return err
		}
		return s.renderCourseForm(w, r, http.StatusUnprocessableEntity, templates.CourseFormPage{Slug: slug, Title: saved.Title,
			Values: in, Version: version, Original: r.PostForm.Get("original"), Errors: templates.FieldErrors(invalid)})
	case errors.As(err, &conflict):
		providers, err := s.training.ProviderChoices(ctx, v)
		if err != nil {
			return err
		}
		now := conflict.Current
		merged, c := training.CourseForm(providers).Resolve(r.PostForm.Get("original"), now.CourseInput, in)
		return s.renderCourseForm(w, r, http.StatusConflict, templates.CourseFormPage{Slug: slug, Title: now.Title,
			Values: merged, Version: now.Version, Original: edit.Original(now.CourseInput), Conflict: c})
	default:
		return err
	}
}

func (s *Server) renderCourseForm(w http.ResponseWriter, r *http.Request, status int, page templates.CourseFormPage) error {
	var err error
	if page.Providers, err = s.training.ProviderChoices(r.Context(), viewer(r.Context())); err != nil {
		return err
	}
	if page.Courses, err = s.training.CourseChoices(r.Context(), viewer(r.Context())); err != nil {
		return err
	}
	return s.render(w, r, status, templates.CourseForm(s.base(r), page))
}

// handleCourseWithdraw withdraws a course (withdrawn=1) or puts it back (withdrawn=0). The
// form carries the version shown, so nobody withdraws a course that changed since they looked.
func (s *Server) handleCourseWithdraw(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	flag := r.PostForm.Get("withdrawn")
	if flag != "0" && flag != "1" {
		// Not a form this site sent; but a course the viewer does not manage stays a 404.
		if _, err := s.training.CourseForEdit(r.Context(), viewer(r.Context()), slug); err != nil {
			return err
		}
		return badForm(errors.New("withdrawn must be 0 or 1"))
	}
	if flag == "1" && !confirmed(r) {
		c, err := s.training.CourseForEdit(r.Context(), viewer(r.Context()), slug)
		if err != nil {
			return err
		}
		return s.askFirst(w, r, templates.ConfirmPage{Admin: viewer(r.Context()).IsAdmin(), Title: "Withdraw " + c.Title + "?",
			Facts: []templates.Fact{{Label: "Course", Value: c.Title}},
			Lead:  c.Title + " will no longer show on the training pages. Its past sessions still count in the report.",
			More:  []string{"You can put it back on the training pages from its page at any time."},
			Yes:   "Yes, withdraw the course", NoURL: "/admin/training/" + slug, NoLabel: "No, keep it on the training pages"})
	}
	_, err = s.training.SetWithdrawn(r.Context(), viewer(r.Context()), slug, flag == "1", version)
	var refusal *training.Refusal
	switch {
	case err == nil:
		msg := "The course is back on the training pages."
		if flag == "1" {
			msg = "The course is withdrawn: it no longer shows on the training pages. To undo this, put it back below."
		}
		return s.redirectWithFlash(w, r, "/admin/training/"+slug, msg)
	case errors.Is(err, edit.ErrConflict):
		return s.renderCourseAdminRefused(w, r, slug, "Someone changed this course while you had the page open. Check it below and try again.")
	case errors.As(err, &refusal):
		return s.renderCourseAdminRefused(w, r, slug, refusal.Message)
	default:
		return err
	}
}

func (s *Server) renderCourseAdminRefused(w http.ResponseWriter, r *http.Request, slug, why string) error {
	c, err := s.training.CourseAdmin(r.Context(), viewer(r.Context()), slug)
	if err != nil {
		return err
	}
	page := templates.CourseAdminPage{Course: c, Now: time.Now(), Refusal: why}
	return s.render(w, r, http.StatusConflict, templates.CourseAdmin(s.base(r), page))
}

// handleCourseAdmin is a course's admin page: its sessions and the form to add one.
func (s *Server) handleCourseAdmin(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	return s.renderCourseAdmin(w, r, http.StatusOK, slug, training.SessionInput{}, nil)
}

func (s *Server) renderCourseAdmin(w http.ResponseWriter, r *http.Request, status int, slug string,
	form training.SessionInput, errs []templates.FieldError) error {
	c, err := s.training.CourseAdmin(r.Context(), viewer(r.Context()), slug)
	if err != nil {
		return err
	}
	page := templates.CourseAdminPage{Course: c, SessionForm: form, Errors: errs, Now: time.Now()}
	if status == http.StatusOK {
		page.Flash = s.popFlash(r)
	}
	return s.render(w, r, status, templates.CourseAdmin(s.base(r), page))
}
