package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dadirectory/internal/edit"
	"dadirectory/internal/training"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// The training pages everyone can reach: the list, a course, and a session's calendar entry.

// handleTrainingList is /training: filters that cannot be used get 400 with the form as typed
// and a message by each field, never a 500 and never a silent "nothing found".
func (s *Server) handleTrainingList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	programmes, err := s.training.Programmes(ctx, v)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	validate.JoinDate(q, "date")
	f, form, errs := training.ParseFilter(q, programmes)
	page := templates.TrainingListPage{Form: form, Programmes: programmes, SignedIn: v.IsStaff()}
	if _, err := s.training.Manager(ctx, v); err == nil {
		page.CanManage = true
	} else if !errors.Is(err, edit.ErrNotFound) {
		return err
	}
	if len(errs) > 0 {
		page.Errors = templates.FieldErrors(errs)
		return s.render(w, r, http.StatusBadRequest, templates.TrainingList(s.base(r), page))
	}
	if page.Listing, err = s.training.List(ctx, v, f); err != nil {
		return err
	}
	if page.Consultations, err = s.training.Consultations(ctx, v); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.TrainingList(s.base(r), page))
}

// handleTrainingCourse is /training/{slug}: a staff-only course is a 404 for the public.
func (s *Server) handleTrainingCourse(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	return s.renderTrainingCourse(w, r, http.StatusOK, slug, "")
}

func (s *Server) renderTrainingCourse(w http.ResponseWriter, r *http.Request, status int, slug, refusal string) error {
	return s.renderTrainingCoursePage(w, r, status, slug, refusal, nil)
}

// renderTrainingCourseRefused is the course's page after a booking refused for want of the
// course to attend first, linking it.
func (s *Server) renderTrainingCourseRefused(w http.ResponseWriter, r *http.Request, slug, refusal string, first *training.Choice) error {
	return s.renderTrainingCoursePage(w, r, http.StatusConflict, slug, refusal, first)
}

func (s *Server) renderTrainingCoursePage(w http.ResponseWriter, r *http.Request, status int, slug, refusal string, first *training.Choice) error {
	v := viewer(r.Context())
	c, err := s.training.Course(r.Context(), v, slug)
	if err != nil {
		return err
	}
	page := templates.TrainingCoursePage{Course: c, Now: time.Now(), SignedIn: v.IsStaff(), Refusal: refusal, RefusalCourse: first}
	if status == http.StatusOK {
		page.Flash = s.popFlash(r)
	}
	return s.render(w, r, status, templates.TrainingCourse(s.base(r), page))
}

// handleTrainingICS is a session's calendar entry, for anyone who may see its course. It is an
// attachment, never cached (it may hold a joining link).
func (s *Server) handleTrainingICS(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, err := s.training.SessionEvent(r.Context(), viewer(r.Context()), id, s.absoluteURL)
	if err != nil {
		return err
	}
	body := training.ICS(e, s.cfg.BaseURL.Hostname())
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="session-`+strconv.FormatInt(id, 10)+`.ics"`)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, err = w.Write(body)
	}
	return err
}

// absoluteURL is a course page's address on the site as people reach it (BASE_URL).
func (s *Server) absoluteURL(slug string) string {
	u := url.URL{Scheme: s.cfg.BaseURL.Scheme, Host: s.cfg.BaseURL.Host,
		Path: strings.TrimSuffix(s.cfg.BaseURL.Path, "/") + "/training/" + slug}
	return u.String()
}

// handleTrainingBookLink sends someone who followed a booking link (after signing in, say) to
// the session on its course's page, where the button is.
func (s *Server) handleTrainingBookLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	slug, err := s.training.SessionCourse(r.Context(), viewer(r.Context()), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/training/"+slug+"#session-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
